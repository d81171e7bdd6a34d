// Why this file exists: two things every answer of a public service needs, whatever endpoint produced it.
// (1) Headers that stop a browser from treating a served file as something else (X-Content-Type-Options: nosniff)
// and from running anything in our HTML pages but their own inline style (Content-Security-Policy; the browser pages
// of Web/ replace it with their own, which allows this server's scripts and styles).
// (2) A last wall for exceptions no endpoint caught: the client gets a short plain-text fault — 507 when the
// server's disk is full, 503 when its archive cannot be written, else 500 — never a stack trace, a file path or a
// .NET type name (ASP.NET's developer page would show them all when ASPNETCORE_ENVIRONMENT=Development).

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using VoSpec.Core.Faults;

namespace VoSpec.Server.Hosting;

/// <summary>Security headers on every response, and the last-resort fault answer.</summary>
public static class ResponseSafety
{
    /// <summary>Our HTML pages load nothing and run no script; they carry one inline &lt;style&gt;.</summary>
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static void UseResponseSafety(this WebApplication app)
    {
        var log = app.Logger;
        app.Use(async (http, next) =>
        {
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            try
            {
                await next(http);
            }
            catch (Exception e) when (http.RequestAborted.IsCancellationRequested && e is OperationCanceledException or IOException)
            {
                // The client went away mid-answer: nothing to tell anyone.
            }
            catch (Exception e)
            {
                var (status, message) = e switch
                {
                    // A user mistake no endpoint turned into its own error form: still a 4xx with the message.
                    NotFoundException => (StatusCodes.Status404NotFound, "NotFoundFault: " + e.Message),
                    UserInputException => (StatusCodes.Status400BadRequest, "UsageError: " + e.Message),
                    _ when StorageFault.Describe(e) is { } storage => (storage.Status, storage.Message),
                    // A pixel store shorter than the catalogue says, a damaged catalogue page.
                    _ when e is InvalidDataException || CatalogueFault.Of(e) is { Kind: CatalogueFaultKind.Damaged } =>
                        (StatusCodes.Status500InternalServerError, "internal error: the archive's stored data for this request are damaged (the details are in the server's log); other requests are not affected"),
                    _ => (StatusCodes.Status500InternalServerError, "internal error: the server could not answer this request (the details are in its log)"),
                };
                if (status < 500) { }
                else if (status == StatusCodes.Status500InternalServerError) log.LogError(e, "unhandled error on {Path}", http.Request.Path.Value);
                else log.LogWarning("{Path}: {Message} ({Error})", http.Request.Path.Value, message, e.Message);
                if (http.Response.HasStarted) { http.Abort(); return; }
                http.Response.Clear();
                http.Response.Headers.XContentTypeOptions = "nosniff";
                http.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
                if (status > StatusCodes.Status500InternalServerError) StorageFault.Answer(http.Response, status, message);
                else http.Response.StatusCode = status;
                http.Response.ContentType = "text/plain; charset=utf-8";
                await http.Response.WriteAsync(message + "\n");
            }
        });
    }
}
