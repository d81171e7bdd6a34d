using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using VoSpec.Adql;
using VoSpec.Archive;
using VoSpec.Core.Faults;
using VoSpec.Server.Access;
using VoSpec.Server.Dali;
using VoSpec.Server.Limits;
using VoSpec.Server.Uws;
using VoSpec.VOTable;
using VoSpec.Core.Schema;
using VoSpec.Server.Vosi;

namespace VoSpec.Server.Tap;

/// <summary>
/// TAP 1.1 under /tap: the service page, VOSI capabilities/availability/tables, DALI examples,
/// and the sync and async query endpoints.
/// </summary>
public static class TapEndpoints
{
    public static RouteGroupBuilder MapTap(this RouteGroupBuilder g)
    {
        g.MapGet("", (HttpContext http) => Results.Content(ServicePage(BaseUrl(http)), "text/html; charset=utf-8"));
        g.MapGet("/capabilities", (HttpContext http, TapService tap) =>
            Xml(s => CapabilitiesDocument.Write(s, BaseUrl(http), tap.LanguageFeatures, TapService.OutputFormats, tap.Limits)));
        g.MapGet("/availability", (SpectrumArchive archive, TapService tap) => VosiEndpoints.Availability(archive, tap.UpSince));
        g.MapGet("/tables", (HttpContext http) =>
        {
            var detail = http.Request.Query.FirstOrDefault(kv => kv.Key.Equals("detail", StringComparison.OrdinalIgnoreCase)).Value.ToString();
            return Xml(s => TablesDocument.WriteTableset(s, SchemaCatalog.Published, withColumns: !detail.Equals("min", StringComparison.OrdinalIgnoreCase)));
        });
        g.MapGet("/tables/{name}", (string name) =>
        {
            var table = SchemaCatalog.Published.FirstOrDefault(t => t.QualifiedName.Equals(name, StringComparison.OrdinalIgnoreCase));
            return table is null
                ? Results.Text($"NotFoundFault: no table {name}", "text/plain; charset=utf-8", statusCode: 404)
                : Xml(s => TablesDocument.WriteSingle(s, table));
        });
        g.MapGet("/examples", () => Results.Content(TapExamples.Render(), "application/xhtml+xml; charset=utf-8"));
        g.MapMethods("/sync", [HttpMethods.Get, HttpMethods.Post], Sync).Expensive().BodyLimit(BodyKind.Upload);
        // A job runs with the rights its submitter had (the token itself is not kept), and is seen only by holders of them.
        // Its execution is limited by the job queue (JobManager), per client as well.
        g.MapGroup("/async").MapUws(http => http.RequestServices.GetRequiredService<JobManager>(), http => http.AccessRights().Granted, ClientKey.Of)
            .BodyLimit(BodyKind.Upload);
        // Refusals by the limits (429, 503, 413) come as DALI error documents.
        g.AnswersLimitsAs(ErrorForm.VOTable);
        return g;
    }

    private static async Task Sync(HttpContext http, TapQueryRunner runner, TapService tap, LimitSettings limits)
    {
        var cancel = http.RequestAborted;
        TapQueryRunner.PreparedQuery q;
        try
        {
            var p = await DaliParameters.ReadAsync(http.Request, cancel);
            var request = TapRequest.Parse(p, tap.Limits);
            q = await runner.PrepareAsync(request, http.AccessRights(), part => p.Files.TryGetValue(part, out var f) ? f.OpenReadStream() : null,
                tap.Limits.SyncTimeoutSeconds, cancel, (limits.SyncQuerySeconds, nameof(LimitSettings.SyncQuerySeconds)));
        }
        catch (Exception e) when (e is UserInputException or AdqlException or OperationCanceledException || CatalogueFault.Of(e) is not null || Hosting.StorageFault.Describe(e) is not null)
        {
            // Anything wrong with the request: a DALI error document with 400, before any row is written. A full disk
            // or a read-only archive (an UPLOAD's table, the database's temporary files) is ours: 507/503 with Retry-After.
            if (Hosting.StorageFault.Describe(e) is { } storage) Hosting.StorageFault.Answer(http.Response, storage.Status, storage.Message);
            else http.Response.StatusCode = StatusCodes.Status400BadRequest;
            http.Response.ContentType = VOTableWriter.ContentType;
            await VOTableWriter.WriteErrorAsync(http.Response.Body, TapQueryRunner.Describe(e), CancellationToken.None);
            return;
        }
        await using (q)
        {
            http.Response.ContentType = q.Request.ContentType;
            http.Items[Operations.RequestLog.RowsKey] = await runner.WriteAsync(q, http.Response.Body);
        }
    }

    /// <summary>The TAP base URL as this request reached it (clients build every child URL from it).</summary>
    public static string BaseUrl(HttpContext http)
    {
        var path = http.Request.PathBase + http.Request.Path;
        var p = path.Value ?? "/tap";
        int i = p.IndexOf("/tap", StringComparison.Ordinal);
        return $"{http.Request.Scheme}://{http.Request.Host}{(i >= 0 ? p[..(i + 4)] : "/tap")}";
    }

    private static IResult Xml(Action<Stream> write) => VosiEndpoints.Xml(write);

    private static string ServicePage(string baseUrl)
    {
        string E(string s) => WebUtility.HtmlEncode(s);
        return $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>VoSpec TAP service</title></head><body>
            <h1>VoSpec TAP service</h1>
            <p>Table Access Protocol 1.1 with ADQL 2.1 over <code>ivoa.obscore</code> (ObsCore 1.1) and <code>spec.specobj</code>.
            Point TOPCAT, pyVO or STILTS at <code>{E(baseUrl)}</code>.</p>
            <ul>
            <li><a href="{E(baseUrl)}/capabilities">capabilities</a></li>
            <li><a href="{E(baseUrl)}/availability">availability</a></li>
            <li><a href="{E(baseUrl)}/tables">tables</a></li>
            <li><a href="{E(baseUrl)}/examples">example queries</a></li>
            <li><a href="{E(baseUrl)}/async">async jobs</a></li>
            </ul></body></html>
            """;
    }
}
