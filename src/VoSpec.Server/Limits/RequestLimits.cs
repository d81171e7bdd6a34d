using System.Globalization;
using System.Security.Cryptography;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using VoSpec.VOTable;

namespace VoSpec.Server.Limits;

/// <summary>The form a protocol answers a refused request in: TAP's VOTable error document, or one line of text (/spec and the rest).</summary>
public enum ErrorForm { Text, VOTable }

/// <summary>Endpoint (or group) metadata: refusals by the limits are answered in this form.</summary>
public sealed record ErrorFormMetadata(ErrorForm Form);

/// <summary>Which request body limit an endpoint has (<see cref="LimitSettings"/>).</summary>
public enum BodyKind { Form, Spec, Upload }

/// <summary>Endpoint (or group) metadata: the endpoint's body limit; without it, <see cref="BodyKind.Form"/>.</summary>
public sealed record BodyLimitMetadata(BodyKind Kind);

/// <summary>
/// The request limits of <see cref="LimitSettings"/> as ASP.NET Core middleware: a body limit per endpoint (413 in the
/// protocol's form, before and while the body is read), then ASP.NET Core's rate limiter on the expensive endpoints —
/// first a concurrency limiter per client (<see cref="ClientKey"/>; over it 429), then one for all clients together
/// (over it 503). Each has a short queue, so a burst waits instead of failing; every refusal carries Retry-After.
/// </summary>
public static class RequestLimits
{
    public const string ExpensivePolicy = "expensive";

    /// <summary>The server's own warm-up requests (<see cref="Hosting.TapWarmUpService"/>) carry this value and are never limited.</summary>
    public const string WarmUpHeader = "X-VoSpec-WarmUp";
    internal static readonly string WarmUpValue = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static IServiceCollection AddRequestLimits(this IServiceCollection services, LimitSettings s)
    {
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // The global limiter runs first: a flooding client's surplus is refused before it can take the shared slots.
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                !s.Enabled || !IsExpensive(http) || IsWarmUp(http)
                    ? RateLimitPartition.GetNoLimiter("")
                    : RateLimitPartition.GetConcurrencyLimiter(ClientKey.Of(http), _ => new ConcurrencyLimiterOptions
                    {
                        PermitLimit = Math.Max(1, s.PerClientConcurrency), QueueLimit = Math.Max(0, s.PerClientQueue),
                        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                    }));
            o.OnRejected = (c, _) => Refuse(c.HttpContext, StatusCodes.Status429TooManyRequests, s,
                $"too many requests at once from this client: at most {s.PerClientConcurrency} running and {s.PerClientQueue} waiting (VoSpec:Limits:PerClientConcurrency, VoSpec:Limits:PerClientQueue); retry after {s.RetryAfterSeconds} s");
            o.AddPolicy(ExpensivePolicy, new AllClientsPolicy(s));
        });
        return services;
    }

    /// <summary>Body limits and the rate limiter; after routing (both read the endpoint's metadata).</summary>
    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app, LimitSettings s)
    {
        app.Use(async (http, next) =>
        {
            var (limit, option) = BodyLimit(http, s);
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature) feature.MaxRequestBodySize = limit;
            string message = $"the request body is larger than {limit.ToString(CultureInfo.InvariantCulture)} bytes (VoSpec:Limits:{option})";
            if (http.Request.ContentLength is { } length && length > limit)
            {
                // Answered before the body is read. A body up to 4× the limit is then read and dropped by Kestrel, so a
                // client still sending it (one that does not wait for 100-continue) reads the 413 instead of a reset.
                bool drain = length <= 4 * limit && http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false };
                if (drain) http.Features.Get<IHttpMaxRequestBodySizeFeature>()!.MaxRequestBodySize = length;
                await TooLarge(http, message, close: !drain);
                return;
            }
            try { await next(http); }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge && !http.Response.HasStarted)
            {
                // A chunked body that grew past the limit while it was read.
                await TooLarge(http, message, close: true);
            }
        });
        app.UseRateLimiter();
        return app;
    }

    /// <summary>
    /// 413. With <paramref name="close"/> the rest of the body is never read, so Kestrel closes the connection after the
    /// answer; saying so lets the client open a new one for its next request instead of failing on this one.
    /// </summary>
    private static ValueTask TooLarge(HttpContext http, string message, bool close)
    {
        if (close) http.Response.Headers.Connection = "close";
        return Refuse(http, StatusCodes.Status413PayloadTooLarge, null, message);
    }

    /// <summary>Marks the endpoint as expensive work, limited per client and for all clients together.</summary>
    public static TBuilder Expensive<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireRateLimiting(ExpensivePolicy);

    /// <summary>Refusals of these endpoints are written in <paramref name="form"/>.</summary>
    public static TBuilder AnswersLimitsAs<TBuilder>(this TBuilder builder, ErrorForm form) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ErrorFormMetadata(form));

    /// <summary>These endpoints have the <paramref name="kind"/> body limit.</summary>
    public static TBuilder BodyLimit<TBuilder>(this TBuilder builder, BodyKind kind) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new BodyLimitMetadata(kind));

    private static (long Limit, string Option) BodyLimit(HttpContext http, LimitSettings s) =>
        http.GetEndpoint()?.Metadata.GetMetadata<BodyLimitMetadata>()?.Kind switch
        {
            // Inline UPLOAD tables come in multipart bodies; a urlencoded form is a query and its parameters only.
            BodyKind.Upload when http.Request.HasFormContentType && http.Request.ContentType!.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase)
                => (s.UploadBodyBytes, nameof(LimitSettings.UploadBodyBytes)),
            BodyKind.Spec => (s.SpecBodyBytes, nameof(LimitSettings.SpecBodyBytes)),
            _ => (s.FormBodyBytes, nameof(LimitSettings.FormBodyBytes)),
        };

    private static bool IsExpensive(HttpContext http) =>
        http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == ExpensivePolicy;

    internal static bool IsWarmUp(HttpContext http) =>
        http.Request.Headers.TryGetValue(WarmUpHeader, out var v) && v.Count == 1 && CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(v[0] ?? ""), System.Text.Encoding.ASCII.GetBytes(WarmUpValue));

    /// <summary>A refusal in the endpoint's own form; with Retry-After when <paramref name="retry"/> settings are given.</summary>
    public static async ValueTask Refuse(HttpContext http, int status, LimitSettings? retry, string message)
    {
        if (http.Response.HasStarted) return;
        http.Response.StatusCode = status;
        if (retry is not null) http.Response.Headers.RetryAfter = Math.Max(1, retry.RetryAfterSeconds).ToString(CultureInfo.InvariantCulture);
        if (http.GetEndpoint()?.Metadata.GetMetadata<ErrorFormMetadata>()?.Form == ErrorForm.VOTable)
        {
            http.Response.ContentType = VOTableWriter.ContentType;
            await VOTableWriter.WriteErrorAsync(http.Response.Body, message, CancellationToken.None);
        }
        else
        {
            http.Response.ContentType = "text/plain; charset=utf-8";
            await http.Response.WriteAsync(message + "\n", CancellationToken.None);
        }
    }

    /// <summary>The expensive endpoints' shared allowance: one concurrency limiter for every client together.</summary>
    private sealed class AllClientsPolicy(LimitSettings s) : IRateLimiterPolicy<string>
    {
        public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = (c, _) => Refuse(c.HttpContext, StatusCodes.Status503ServiceUnavailable, s,
            $"the server is busy: at most {s.GlobalConcurrency} expensive requests running and {s.GlobalQueue} waiting (VoSpec:Limits:GlobalConcurrency, VoSpec:Limits:GlobalQueue); retry after {s.RetryAfterSeconds} s");

        public RateLimitPartition<string> GetPartition(HttpContext http) =>
            !s.Enabled || IsWarmUp(http)
                ? RateLimitPartition.GetNoLimiter("")
                : RateLimitPartition.GetConcurrencyLimiter("all", _ => new ConcurrencyLimiterOptions
                {
                    PermitLimit = Math.Max(1, s.GlobalConcurrency), QueueLimit = Math.Max(0, s.GlobalQueue),
                    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                });
    }
}
