using System.Globalization;
using System.Text;
using VoSpec.Archive;
using VoSpec.Server.Access;
using VoSpec.Server.Coverage;
using static VoSpec.Server.Web.WebPages;

namespace VoSpec.Server.Web;

/// <summary>
/// GET / : what the archive holds and how to reach it. Each collection the caller may see with its count, wavelength and
/// redshift ranges and last ingest (the archive's kept statistics and coverage: constant time, never a scan of the
/// catalogue), a sky map of the coverage, and every service with its URL and a snippet that works as shown. No server
/// file path: a public page tells what the archive holds, not where it lies.
/// </summary>
public static class LandingPage
{
    public static string Render(SpectrumArchive archive, AccessRights rights, AccessPolicy policy, CoverageCache coverage)
    {
        var collections = archive.Lookup.Collections().Where(c => rights.CanSee(c.Name)).ToList();
        string url = archive.PublicUrl;
        var sb = new StringBuilder();
        sb.Append("<h1>VoSpec</h1>\n<p>A Virtual Observatory server for 1-D spectra: search them with <a href=\"search\">the search page</a> ")
          .Append("or any VO client, and look at them in the viewer.</p>\n<h2>Collections</h2>\n")
          // The collections an anonymous caller sees; with a token in the header, common.js replaces this part with the token's.
          .Append("<div data-rights=\"collections\">");
        if (collections.Count == 0) sb.Append("<p>The archive holds no spectra yet: ingest some with <code>vospec ingest</code>.</p>\n");
        else
        {
            DateTimeOffset? lastIngest = null;
            // Kept at ingest per collection (constant time); only the rows of collections the caller may see are written.
            var classes = archive.Lookup.CollectionClasses();
            sb.Append("<div class=\"scroll\"><table id=\"collections\"><thead><tr><th>Collection</th><th>Spectra</th><th>Wavelengths (Å)</th><th>Redshifts</th><th>Classes</th>")
              .Append("<th>Rights</th><th>Last ingest (UTC)</th></tr></thead><tbody>\n");
            foreach (var c in collections)
            {
                var cov = coverage.Coverage(c.Name);
                if (cov is not null && (lastIngest is null || cov.Updated > lastIngest)) lastIngest = cov.Updated;
                sb.Append("<tr><td><a href=\"search?collection=").Append(E(Uri.EscapeDataString(c.Name))).Append("\">").Append(E(c.Name)).Append("</a>");
                if (!string.IsNullOrWhiteSpace(c.Title) && c.Title != c.Name) sb.Append("<br><small>").Append(E(c.Title)).Append("</small>");
                sb.Append("</td><td class=\"num\">").Append(c.Count.ToString("N0", CultureInfo.InvariantCulture))
                  .Append("</td><td>").Append(c.WaveMin is null ? "" : Inv($"{c.WaveMin:0}–{c.WaveMax:0}"))
                  .Append("</td><td>").Append(c.ZMin is null ? "" : Z(c.ZMin.Value) + " – " + Z(c.ZMax!.Value))
                  .Append("</td><td class=\"classes\">").Append(E(string.Join(", ", (classes.GetValueOrDefault(c.Name) ?? []).Select(k => Inv($"{k.Class} {k.Count:N0}")))))
                  .Append("</td><td>").Append(E(policy.IsProprietary(c.Name) ? "proprietary" : c.DataRights))
                  .Append("</td><td>").Append(cov is null ? "" : E(cov.Updated.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)))
                  .Append("</td></tr>\n");
            }
            sb.Append("</tbody></table></div>\n");
            if (lastIngest is { } last)
                sb.Append("<p>Last ingest: <time id=\"last-ingest\" datetime=\"").Append(E(last.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)))
                  .Append("\">").Append(E(last.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture))).Append("</time>.</p>\n");
        }
        sb.Append("</div>\n");
        sb.Append("<figure><img id=\"skymap\" src=\"web/skymap.png\" width=\"720\" height=\"360\" alt=\"Sky coverage of the archive's spectra (Mollweide projection, ICRS; RA 180° at the centre, increasing to the left)\">")
          .Append("<figcaption>Where the spectra lie (Mollweide, ICRS, RA increasing to the left); the coverage as an IVOA MOC: <a href=\"coverage?format=json\">JSON</a>, <a href=\"coverage\">FITS</a>.</figcaption></figure>\n");
        Services(sb, archive, collections, url);
        Documents(sb);
        return Shell("VoSpec", sb.ToString(), "common.js");
    }

    private static void Services(StringBuilder sb, SpectrumArchive archive, IReadOnlyList<CollectionInfo> collections, string url)
    {
        // One real spectrum makes the snippets run as shown; a placeholder when the archive holds none.
        var any = archive.Lookup.AnyPublicSpectrum();
        string did = any?.Did ?? "ivo://…/collection?specobjid";
        string specObjId = did.Contains('?') ? did[(did.LastIndexOf('?') + 1)..] : "0";
        var first = collections.FirstOrDefault(c => did.Contains("/" + c.Name + "?", StringComparison.Ordinal)) ?? collections.FirstOrDefault();
        double mid = first?.WaveMin is { } lo && first.WaveMax is { } hi ? (lo + hi) / 2 : 6563;
        string band = Inv($"{(mid - 100) * 1e-10:0.####e0} {(mid + 100) * 1e-10:0.####e0}");
        string context = first?.Name ?? "collection";

        sb.Append("<h2>Services</h2>\n<p>All under <code>").Append(E(url)).Append("</code>. Service descriptions: ")
          .Append("<a href=\"tap/capabilities\">capabilities</a>, <a href=\"tap/availability\">availability</a>, <a href=\"tap/tables\">tables</a> (VOSI), ")
          .Append("<a href=\"tap/examples\">TAP examples</a>.</p>\n");
        Service(sb, "tap", "TAP 1.1 (ADQL over ObsCore and spec.specobj)", url + "tap",
            ("pyVO: query, then follow each row's DataLink", $"import pyvo\ntap = pyvo.dal.TAPService(\"{url}tap\")\nrows = tap.search(\"SELECT TOP 5 * FROM ivoa.obscore\")\nfor links in rows.iter_datalinks():\n    for link in links.bysemantics(\"#this\", include_narrower=False):\n        print(link.access_url)"),
            ("STILTS", $"stilts tapquery tapurl={url}tap adql=\"SELECT TOP 5 obs_publisher_did, s_ra, s_dec FROM ivoa.obscore\" out=spectra.vot"),
            ("TOPCAT: VO menu → Table Access Protocol (TAP) Query; paste this URL in “TAP URL” and press “Use Service”", $"{url}tap"));
        Service(sb, "datalink", "DataLink 1.1 (the links of each spectrum)", url + "datalink/links",
            ("curl", $"curl \"{url}datalink/links?ID={Uri.EscapeDataString(did)}\""));
        Service(sb, "soda", "SODA 1.0 (wavelength cut-outs; BAND in metres)", url + "soda/sync",
            ("curl: a 200 Å cut-out as FITS", $"curl -o cutout.fits \"{url}soda/sync?ID={Uri.EscapeDataString(did)}&BAND={Uri.EscapeDataString(band)}\""));
        Service(sb, "ssa", "SSA 1.1 (simple spectral access)", url + "ssa",
            ("curl: spectra within 1° of a position", Inv($"curl \"{url}ssa?REQUEST=queryData&POS={any?.Ra ?? 180:0.####},{any?.Dec ?? 0:0.####}&SIZE=1\"")));
        Service(sb, "spec", "Data Lab style spectrum service (getSpec)", url + "spec",
            ("Data Lab's specClient", $"from dl import specClient\nspecClient.set_svc_url(\"{url}spec\")\ndata = specClient.getSpec([{specObjId}], context=\"{context}\")"),
            ("curl: getSpec as FITS", $"curl -o spectra.fits \"{url}spec/getSpec?id_list=%5B{specObjId}%5D&context={Uri.EscapeDataString(context)}&format=fits\""));
        Service(sb, "coverage", "Sky coverage (IVOA MOC 2.0)", url + "coverage",
            ("curl", $"curl \"{url}coverage?format=json\""));
        Service(sb, "odata", "OData 4 feed (ObsCore and spec.specobj for spreadsheets and BI tools)", url + "odata",
            ("curl: two quasars (single quotes: the shell leaves $ alone)", $"curl '{url}odata/specobj?$top=2&$select=specobjid,z,class&$filter=class%20eq%20%27QSO%27'"));
        Service(sb, "oai", "Registry interface (OAI-PMH)", url + "oai?verb=Identify");
    }

    /// <summary>The repository's documents, served by this server under /docs/.</summary>
    private static void Documents(StringBuilder sb)
    {
        sb.Append("<h2>Documentation</h2>\n<ul id=\"docs-list\"><li><a href=\"docs/\">All documents</a></li>");
        foreach (var (path, doc) in DocsPages.Listed())
            sb.Append("<li><a href=\"docs/").Append(E(path)).Append("\">").Append(E(doc.Title)).Append("</a></li>");
        sb.Append("<li><a href=\"docs/api\">The <code>/spec</code> API reference</a></li></ul>\n");
    }

    private static void Service(StringBuilder sb, string id, string name, string serviceUrl, params (string Label, string Code)[] snippets)
    {
        sb.Append("<section class=\"service\" id=\"svc-").Append(id).Append("\"><h3>").Append(E(name)).Append("</h3><p><a href=\"")
          .Append(E(serviceUrl)).Append("\">").Append(E(serviceUrl)).Append("</a></p>\n");
        for (int i = 0; i < snippets.Length; i++)
        {
            var (label, code) = snippets[i];
            string codeId = "snippet-" + id + "-" + i;
            sb.Append("<div class=\"snippet\"><div class=\"snippet-head\"><span>").Append(E(label)).Append("</span><button type=\"button\" class=\"copy\" data-copy=\"")
              .Append(codeId).Append("\">Copy</button></div><pre><code id=\"").Append(codeId).Append("\">").Append(E(code)).Append("</code></pre></div>\n");
        }
        sb.Append("</section>\n");
    }

    // Rounded first, so that a redshift just below zero reads 0, not -0.
    private static string Z(double z) => (Math.Round(z, 3) + 0.0).ToString("0.###", CultureInfo.InvariantCulture);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
