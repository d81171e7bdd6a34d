using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using VoSpec.Archive;
using VoSpec.Server.Hosting;

namespace VoSpec.Server.Operations;

/// <summary>
/// Health for load balancers, orchestrators and systemd: <c>/health/live</c> answers 200 while the process serves
/// requests at all; <c>/health/ready</c> answers 200 when the catalogue answers a probe, every pixel store is there
/// with the bytes the catalogue committed, and the warm-up is done — otherwise 503 with Retry-After, so a proxy sends
/// traffic elsewhere. Both answer JSON with each check's status; each check costs the same whatever the archive's size.
/// </summary>
public static class HealthEndpoints
{
    private const string Ready = "ready";

    public static IServiceCollection AddVoSpecHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<CatalogueCheck>("catalogue", tags: [Ready])
            .AddCheck<PixelStoreCheck>("pixel_stores", tags: [Ready])
            .AddCheck<WarmUpCheck>("warm_up", tags: [Ready]);
        return services;
    }

    public static IEndpointRouteBuilder MapVoSpecHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteAsync });
        return app;
    }

    private static async Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        http.Response.Headers.CacheControl = "no-store";
        if (report.Status == HealthStatus.Unhealthy) http.Response.Headers.RetryAfter = "5";
        await using var json = new Utf8JsonWriter(http.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject(name);
            json.WriteString("status", entry.Status.ToString());
            if (entry.Description is { } d) json.WriteString("description", d);
            json.WriteNumber("ms", Math.Round(entry.Duration.TotalMilliseconds, 3));
            json.WriteEndObject();
        }
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private sealed class CatalogueCheck(SpectrumArchive archive) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                archive.Lookup.Probe();
                return Task.FromResult(HealthCheckResult.Healthy("the catalogue answers"));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy("the catalogue does not answer: " + e.Message));
            }
        }
    }

    /// <summary>Names the collection whose store fails, unless it is proprietary (the endpoint may be public).</summary>
    private sealed class PixelStoreCheck(SpectrumArchive archive, Access.AccessPolicy access) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                foreach (var (collection, bytes) in archive.Lookup.PixelStores())
                {
                    var file = new FileInfo(archive.PixelFilePath(collection));
                    var name = access.IsProprietary(collection) ? "a proprietary collection" : collection;
                    if (!file.Exists) return Task.FromResult(HealthCheckResult.Unhealthy($"the pixel store of {name} is missing"));
                    if (file.Length < bytes) return Task.FromResult(HealthCheckResult.Unhealthy($"the pixel store of {name} has {file.Length} of its {bytes} bytes"));
                    using var _ = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
                }
                return Task.FromResult(HealthCheckResult.Healthy("every pixel store is readable"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy("a pixel store cannot be read: " + e.Message));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy("the catalogue does not answer: " + e.Message));
            }
        }
    }

    private sealed class WarmUpCheck(TapWarmUpService warmUp, ServerSettings settings) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(!settings.WarmUp ? HealthCheckResult.Healthy("warm-up off")
                : warmUp.Completion.IsCompleted ? HealthCheckResult.Healthy("warm-up done")
                : HealthCheckResult.Unhealthy("warming up"));
    }
}
