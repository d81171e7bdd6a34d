using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VoSpec.Server.Limits;

namespace VoSpec.Server.Operations;

/// <summary>
/// One log line per request, for operators: method, route (the endpoint's pattern, so lines group by operation),
/// status, duration, response bytes when known, rows for TAP, the client's address and the id of a token the server
/// recognised (a prefix of its SHA-256 digest, never the token). Fields are structured: the JSON console format
/// (VoSpec:Operations:JsonLogs) writes each as its own property.
/// </summary>
public static partial class RequestLog
{
    /// <summary>HttpContext.Items key under which an endpoint leaves the rows it streamed.</summary>
    public const string RowsKey = "vospec.rows";

    public const string Category = "VoSpec.Requests";

    public static IApplicationBuilder UseRequestLog(this IApplicationBuilder app)
    {
        var log = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(Category);
        var proxies = app.ApplicationServices.GetService<LimitSettings>()?.ForwardedForProxies ?? "";
        return app.Use(async (http, next) =>
        {
            long start = Stopwatch.GetTimestamp();
            try
            {
                await next(http);
            }
            finally
            {
                if (log.IsEnabled(LogLevel.Information)) Write(log, http, proxies, Stopwatch.GetElapsedTime(start));
            }
        });
    }

    private static void Write(ILogger log, HttpContext http, string proxies, TimeSpan elapsed)
    {
        var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? http.Request.Path.Value ?? "";
        var key = ClientKey.Of(http);
        var tokenId = key.StartsWith("token:", StringComparison.Ordinal) ? key[6..] : "-";
        var rows = http.Items.TryGetValue(RowsKey, out var r) && r is long n ? n : (long?)null;
        Line(log, http.Request.Method, route, http.Response.StatusCode, Math.Round(elapsed.TotalMilliseconds, 3), http.Response.ContentLength, rows,
            ClientKey.Address(http, proxies)?.ToString() ?? "unknown", tokenId);
    }

    // Generated (no boxing of the values, the template parsed once).
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Method} {Route} {Status} {DurationMs} ms {Bytes} bytes {Rows} rows client {Client} token {TokenId}")]
    private static partial void Line(ILogger log, string method, string route, int status, double durationMs, long? bytes, long? rows, string client, string tokenId);
}
