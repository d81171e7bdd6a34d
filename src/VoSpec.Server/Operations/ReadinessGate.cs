using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using VoSpec.Server.Hosting;
using VoSpec.Server.Limits;

namespace VoSpec.Server.Operations;

/// <summary>
/// VoSpec:GateUntilReady, for a node behind a proxy with several nodes (docs/scale-out.md): until the warm-up has run,
/// the node answers every request but /health/* and its own warm-up with 503 and Retry-After, so nginx
/// (proxy_next_upstream http_503) sends users to a node that is ready and a restarted node rejoins without a warm-up
/// stall. Off by default: a single server answers at once and warms up meanwhile.
/// </summary>
internal static class ReadinessGate
{
    public static IApplicationBuilder UseReadinessGate(this IApplicationBuilder app, ServerSettings settings)
    {
        if (!settings.GateUntilReady || !settings.WarmUp) return app;
        var warmUp = app.ApplicationServices.GetRequiredService<TapWarmUpService>().Completion;
        return app.Use(async (http, next) =>
        {
            if (warmUp.IsCompleted || http.Request.Path.StartsWithSegments("/health") || RequestLimits.IsWarmUp(http))
            {
                await next(http);
                return;
            }
            await RequestLimits.Refuse(http, StatusCodes.Status503ServiceUnavailable, settings.Limits,
                "this server is warming up; retry in a moment (another server may answer at once)");
        });
    }
}
