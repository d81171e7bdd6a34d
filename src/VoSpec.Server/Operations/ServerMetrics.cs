using Prometheus;
using VoSpec.Archive;
using VoSpec.Archive.Jobs;

namespace VoSpec.Server.Operations;

/// <summary>
/// The server's Prometheus metrics (prometheus-net, chosen over OpenTelemetry's exporter because that one is still a
/// beta): the HTTP middleware's requests and latency per route, labelled with the protocol; what TAP streamed and how
/// long its queries took; and, read when /metrics is scraped, the spectra per collection and the UWS jobs per phase.
/// One registry per host, so that several servers in one process (the tests) keep their own.
/// </summary>
public sealed class ServerMetrics
{
    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();

    public Counter TapRows { get; }
    public Counter TapBytes { get; }
    public Histogram TapQuerySeconds { get; }
    public Counter SpectraServed { get; }

    public ServerMetrics()
    {
        var f = Metrics.WithCustomRegistry(Registry);
        DotNetStats.Register(Registry);
        TapRows = f.CreateCounter("vospec_tap_rows_total", "Rows TAP queries streamed to clients", "format");
        TapBytes = f.CreateCounter("vospec_tap_response_bytes_total", "Bytes of TAP query results", "format");
        TapQuerySeconds = f.CreateHistogram("vospec_tap_query_duration_seconds", "TAP queries from the statement's start to the last row (sync and async)",
            new HistogramConfiguration { LabelNames = ["mode"], Buckets = Histogram.ExponentialBuckets(0.0005, 4, 10) });
        SpectraServed = f.CreateCounter("vospec_spectra_served_total", "Spectra whose pixels were read for an answer (DataLink #this, SODA, /spec getSpec)", "service");
    }

    /// <summary>Counts <paramref name="count"/> spectra read for an answer of <paramref name="service"/>.</summary>
    public static void Served(Microsoft.AspNetCore.Http.HttpContext http, string service, int count) =>
        (http.RequestServices.GetService(typeof(ServerMetrics)) as ServerMetrics)?.SpectraServed.WithLabels(service).Inc(count);

    /// <summary>Gauges read at each scrape from state kept up to date anyway (constant time, whatever the archive's size).</summary>
    /// <param name="proprietary">Collections left out of the per-collection gauge: /metrics may be public, and a
    /// proprietary collection's name and size are not.</param>
    public void Watch(SpectrumArchive archive, Func<IEnumerable<UwsJob>> jobs, Engine.Plotting.PreviewCache previews, Func<string, bool> proprietary)
    {
        var f = Metrics.WithCustomRegistry(Registry);
        var asked = f.CreateCounter("vospec_preview_requests_total", "Preview PNGs asked for (DataLink #preview, /spec/preview)");
        var drawn = f.CreateCounter("vospec_preview_renders_total", "Preview PNGs drawn because the cache had none (the rest were cache hits)");
        var spectra = f.CreateGauge("vospec_catalogue_spectra", "Spectra in each public collection", "collection");
        var phases = f.CreateGauge("vospec_uws_jobs", "UWS jobs kept, by phase", "phase");
        var up = f.CreateGauge("vospec_catalogue_up", "1 when the catalogue answered the last scrape's probe");
        Registry.AddBeforeCollectCallback(() =>
        {
            try
            {
                archive.Lookup.Probe();
                foreach (var c in archive.Lookup.Collections())
                    if (!proprietary(c.Name)) spectra.WithLabels(c.Name).Set(c.Count);
                up.Set(1);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                up.Set(0);
            }
            asked.IncTo(previews.RequestCount);
            drawn.IncTo(previews.RenderCount);
            var counts = jobs().GroupBy(j => j.Phase).ToDictionary(g => g.Key, g => g.Count());
            foreach (var phase in Enum.GetValues<ExecutionPhase>()) phases.WithLabels(phase.ToString()).Set(counts.GetValueOrDefault(phase));
        });
    }

    /// <summary>The protocol a request path belongs to: the label that splits the HTTP metrics.</summary>
    public static string Protocol(string path)
    {
        var first = path.AsSpan().TrimStart('/');
        int slash = first.IndexOf('/');
        var segment = slash < 0 ? first : first[..slash];
        return segment switch
        {
            "tap" => "tap",
            "ssa" => "ssa",
            "datalink" => "datalink",
            "soda" => "soda",
            "spec" => "spec",
            "oai" => "registry",
            "odata" => "odata",
            "coverage" => "coverage",
            "health" => "health",
            "metrics" => "metrics",
            "" => "web",
            _ => "other",
        };
    }
}
