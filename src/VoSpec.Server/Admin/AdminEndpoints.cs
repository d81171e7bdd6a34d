using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VoSpec.Server.Access;

namespace VoSpec.Server.Admin;

/// <summary>
/// The administrative calls of the spec service, /spec/shutdown and /spec/debug (GET or POST). They are mapped
/// only when an admin token is configured — otherwise they do not exist (404) — and answer 401 without a token,
/// 403 with another token.
/// </summary>
public static class AdminEndpoints
{
    public const string TextType = "text/plain; charset=utf-8";

    public static RouteGroupBuilder MapAdmin(this RouteGroupBuilder group, AccessPolicy policy)
    {
        if (!policy.AdminEnabled) return group;
        string[] getAndPost = [HttpMethods.Get, HttpMethods.Post];
        group.MapMethods("/shutdown", getAndPost, (HttpContext http, IHostApplicationLifetime lifetime, ILoggerFactory logs) =>
            Guarded(http, () =>
            {
                logs.CreateLogger("VoSpec.Admin").LogWarning("Shutdown requested by the administrator from {Address}", http.Connection.RemoteIpAddress);
                // Stop once this answer has gone out; the host then drains the other requests and stops.
                http.Response.OnCompleted(() => { lifetime.StopApplication(); return Task.CompletedTask; });
                return Results.Text("VoSpec is shutting down\n", TextType);
            }));
        group.MapMethods("/debug", getAndPost, (HttpContext http) =>
            Guarded(http, () => Results.Text(DebugReport.Json(http.RequestServices), "application/json; charset=utf-8")));
        return group;
    }

    private static IResult Guarded(HttpContext http, Func<IResult> work) => http.CheckAdmin() switch
    {
        AdminCheck.Granted => work(),
        AdminCheck.Missing => new Unauthorized(),
        AdminCheck.Wrong => Results.Text("403 Forbidden: the token given is not the administrator token\n", TextType, statusCode: StatusCodes.Status403Forbidden),
        _ => Results.NotFound(),
    };

    /// <summary>401 with the challenge that says how to authenticate.</summary>
    private sealed class Unauthorized : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            http.Response.Headers.WWWAuthenticate = "Bearer realm=\"VoSpec administration\"";
            http.Response.ContentType = TextType;
            return http.Response.WriteAsync("401 Unauthorized: this call needs the administrator token, as 'Authorization: Bearer TOKEN' or 'X-DL-AuthToken: TOKEN'\n");
        }
    }
}
