using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using VoSpec.Core.Faults;

namespace VoSpec.Server.Hosting;

/// <summary>
/// The last wall for bad input: every protocol answers its own user errors in its own form, but a UserInputException
/// that escapes an endpoint (a parameter given twice where one is allowed, a form that cannot be read) must still be
/// the client's 400, not an empty 500. Found by the HTTP fuzzer (docs/reliability/fuzz.md).
/// </summary>
public static class UserErrorFallback
{
    public static IApplicationBuilder UseUserErrorFallback(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        try { await next(http); }
        catch (UserInputException e) when (!http.Response.HasStarted)
        {
            http.Response.Clear();
            http.Response.StatusCode = e is NotFoundException ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest;
            http.Response.ContentType = "text/plain; charset=utf-8";
            await http.Response.WriteAsync("UsageError: " + e.Message + "\n");
        }
    });
}
