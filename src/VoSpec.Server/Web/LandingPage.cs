using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VoSpec.Archive;
using VoSpec.Server.Access;

namespace VoSpec.Server.Web;

/// <summary>
/// GET / : a short HTML page naming the archive's collections and how many spectra each holds (no server path) — only the
/// collections the caller may see; a configured proprietary collection is marked so.
/// </summary>
public static class LandingPage
{
    public static RouteGroupBuilder MapLandingPage(this RouteGroupBuilder group)
    {
        group.MapGet("", (HttpContext http, SpectrumArchive archive, AccessPolicy policy) =>
            Results.Content(Render(archive, http.AccessRights(), policy), "text/html; charset=utf-8"));
        return group;
    }

    public static string Render(SpectrumArchive archive, AccessRights rights, AccessPolicy policy)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var collections = archive.Lookup.Collections().Where(c => rights.CanSee(c.Name)).ToList();
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>VoSpec</title>")
          .Append("<style>body{font-family:sans-serif;max-width:50em;margin:2em auto}table{border-collapse:collapse}td,th{padding:.2em .8em;border-bottom:1px solid #ccc;text-align:left}</style>")
          // No server file path: a public page tells what the archive holds, not where it lies.
          .Append("</head><body>\n<h1>VoSpec</h1>\n<p>A Virtual Observatory server for 1-D spectra.</p>\n");
        if (collections.Count == 0) sb.Append("<p>The archive holds no spectra yet: ingest some with <code>vospec ingest</code>.</p>\n");
        else
        {
            sb.Append("<table><tr><th>Collection</th><th>Spectra</th><th>Wavelengths (Å)</th><th>Rights</th></tr>\n");
            foreach (var c in collections)
                sb.Append("<tr><td>").Append(E(c.Name)).Append("</td><td>").Append(c.Count)
                  .Append("</td><td>").Append(c.WaveMin is null ? "" : FormattableString.Invariant($"{c.WaveMin:0}–{c.WaveMax:0}"))
                  .Append("</td><td>").Append(E(policy.IsProprietary(c.Name) ? "proprietary" : c.DataRights)).Append("</td></tr>\n");
            sb.Append("</table>\n");
        }
        sb.Append("<p>Services: <a href=\"spec/available\">spec/available</a></p>\n</body></html>\n");
        return sb.ToString();
    }
}
