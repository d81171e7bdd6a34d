namespace VoSpec.Server.Operations;

/// <summary>The operator's view (VoSpec:Operations:…): metrics, health endpoints and request logs.</summary>
public sealed record OperationsSettings
{
    /// <summary>Serve /metrics in Prometheus's exposition format.</summary>
    public bool Metrics { get; init; } = true;

    /// <summary>
    /// Serve /metrics only on this port (added to the listening URLs, on the first URL's host), off the public path;
    /// 0 serves it beside the protocols.
    /// </summary>
    public int MetricsPort { get; init; }

    /// <summary>One line per request (method, route, status, duration, bytes, client, token id).</summary>
    public bool RequestLog { get; init; } = true;

    /// <summary>Log lines as JSON objects (one per line) instead of the console's text format.</summary>
    public bool JsonLogs { get; init; }

    /// <summary>A TAP query that takes longer is logged at Warning with its ADQL.</summary>
    public double SlowQuerySeconds { get; init; } = 2;
}
