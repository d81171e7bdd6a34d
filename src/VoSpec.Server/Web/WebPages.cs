using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VoSpec.Archive;
using VoSpec.Core.Sky;
using VoSpec.Server.Access;
using VoSpec.Server.Coverage;

namespace VoSpec.Server.Web;

/// <summary>
/// The browser pages: the landing page (/), the search page (/search), the spectrum viewer (/view), their assets
/// (/web/…) and the sky map (/web/skymap.png). Every page is an HTML shell that loads its own script and style from
/// /web/ and nothing else, so the policy below allows scripts, styles and fetches from this origin only and no inline
/// code; catalogue strings reach the HTML only HTML-encoded, and the scripts write them with textContent.
/// </summary>
public static class WebPages
{
    /// <summary>
    /// What the pages may load: this origin's scripts, styles, images and fetches, no inline code, no frames; and the
    /// user's own SAMP hub (the Web Profile's fixed local address), contacted only when "Send to SAMP hub" is pressed.
    /// </summary>
    public const string ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self' http://localhost:21012; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static IEndpointRouteBuilder MapWebPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (HttpContext http, SpectrumArchive archive, AccessPolicy policy, CoverageCache coverage) =>
            Page(http, LandingPage.Render(archive, http.AccessRights(), policy, coverage)));
        app.MapGet("/search", (HttpContext http, SpectrumArchive archive) => Page(http, SearchPage.Render(archive, http.AccessRights())));
        app.MapGet("/view", (HttpContext http) => Page(http, ViewerPage.Render()));
        app.MapGet(WebAssets.RequestPath + "/skymap.png", (HttpContext http, SpectrumArchive archive, CoverageCache cache) =>
        {
            var rights = http.AccessRights();
            var visible = archive.Lookup.CollectionNames().Where(c => rights.CanSee(c.Name)).Select(c => c.Name).ToList();
            // The same collections at the same counts draw the same map: it is drawn again only after an ingest.
            // (Keyed by the archive too: one process may host several, as the tests do.)
            string key = archive.Directory + "\n" + string.Join("\n", visible.Select(c => c + "\t" + archive.Lookup.CountSpectra(c)));
            var png = SkyMaps.GetOrAdd(key, _ =>
            {
                var mocs = visible.Select(c => cache.Coverage(c)?.Sky).OfType<Moc>().ToList();
                var union = mocs.Count == 0 ? Moc.Empty(archive.Options.CoverageOrder) : mocs.Aggregate((a, b) => a.Union(b));
                if (SkyMaps.Count > 16) SkyMaps.Clear(); // a few access-right views at most; older counts are stale
                return Engine.Plotting.SkyMapPlot.RenderPng(union, 720);
            });
            http.Response.Headers.CacheControl = "no-cache";
            return Results.Bytes(png, "image/png");
        });
        // Pages that name no icon (the /spec reference's) make browsers ask for this one: no icon, and no failed request.
        app.MapGet("/favicon.ico", () => Results.NoContent());
        app.MapWebAssets();
        app.MapDocsPages();
        return app;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> SkyMaps = new(StringComparer.Ordinal);

    internal static IResult Page(HttpContext http, string html)
    {
        http.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        http.Response.Headers.CacheControl = "no-cache";
        return Results.Content(html, "text/html; charset=utf-8");
    }

    /// <summary>Shown beside copy and SAMP buttons while a token is in use (common.js): what they hand on is public only.</summary>
    internal const string TokenNote = "<p class=\"note token-note\" hidden>Copied links, the permalink and what is sent to a SAMP hub do not carry your access token "
        + "(a bearer token never goes into a URL): another program or person given them sees the public data only; proprietary spectra "
        + "open there with the token sent as an <code>Authorization: Bearer</code> header.</p>";

    internal static string E(string? s) => WebUtility.HtmlEncode(s ?? "");

    /// <summary>The common frame of every page: head with its style and scripts, the navigation, then <paramref name="body"/>.</summary>
    internal static string Shell(string title, string body, params string[] modules) => ShellAt("", title, body, modules);

    /// <summary>The same frame for a page below the root (/docs/…): <paramref name="root"/> ("../") leads its relative links back.</summary>
    internal static string ShellAt(string root, string title, string body, params string[] modules)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
          .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
          .Append("<title>").Append(E(title)).Append("</title>")
          .Append("<link rel=\"icon\" href=\"data:,\"><link rel=\"stylesheet\" href=\"").Append(root).Append("web/site.css\">");
        foreach (var m in modules)
            sb.Append(m.EndsWith(".css", StringComparison.Ordinal) ? $"<link rel=\"stylesheet\" href=\"{root}web/{m}\">"
                : m.StartsWith("uplot/", StringComparison.Ordinal) ? $"<script src=\"{root}web/{m}\"></script>"
                : $"<script type=\"module\" src=\"{root}web/{m}\"></script>");
        sb.Append("</head><body>\n<header><nav><a href=\"").Append(root).Append("./\" class=\"brand\">VoSpec</a> <a href=\"").Append(root).Append("search\">Search</a> ")
          .Append($"<a href=\"{root}tap/examples\">TAP examples</a> <a href=\"{root}docs/\">Docs</a> <a href=\"{root}docs/api\">/spec API</a></nav>")
          // Proprietary collections: a token kept in the tab's sessionStorage and sent as Authorization (common.js).
          .Append("<form id=\"token-form\" class=\"token\" autocomplete=\"off\"><label>Access token <input type=\"password\" id=\"token\" autocomplete=\"off\"></label>")
          .Append("<button type=\"submit\" id=\"token-use\">Use</button><button type=\"button\" id=\"token-forget\" hidden>Forget</button><span id=\"token-status\" role=\"status\"></span></form></header>\n<main>\n")
          .Append(body).Append("</main>\n</body></html>\n");
        return sb.ToString();
    }
}
