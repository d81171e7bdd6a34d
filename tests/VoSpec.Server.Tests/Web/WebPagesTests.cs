using System.Net;
using System.Text.RegularExpressions;
using VoSpec.Server.Web;
using Xunit;

namespace VoSpec.Server.Tests.Web;

/// <summary>The pages over plain HTTP: what they hold, their policy, what they load, and what they never show.</summary>
[Collection("host")]
public class WebPagesTests(RunningServer server) : IClassFixture<RunningServer>
{
    [Fact]
    public async Task The_landing_page_lists_each_collection_with_its_ranges_last_ingest_and_the_services()
    {
        var html = await server.Client.GetStringAsync("");
        Assert.Contains(">demo</a>", html);
        Assert.Contains($"<td class=\"num\">{RunningServer.DemoCount}</td>", html);
        Assert.Matches(@"<td>\d+–\d+</td>", html); // wavelengths
        Assert.Matches(@"<td>\d(\.\d+)? – \d(\.\d+)?</td>", html); // redshifts
        Assert.Matches("<time id=\"last-ingest\" datetime=\"\\d{4}-\\d\\d-\\d\\dT", html);
        Assert.Contains("src=\"web/skymap.png\"", html);
        // Each collection's classes with their counts, kept at ingest.
        var cell = System.Text.RegularExpressions.Regex.Match(html, "<td class=\"classes\">([^<]*)</td>").Groups[1].Value;
        var counts = cell.Split(", ").Select(p => p.Split(' ')).ToDictionary(p => p[0], p => int.Parse(p[1], System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(["GALAXY", "QSO", "STAR"], counts.Keys.Order());
        Assert.Equal(RunningServer.DemoCount, counts.Values.Sum());
        foreach (var service in new[] { "tap", "datalink/links", "soda/sync", "ssa", "spec", "coverage", "odata", "oai?verb=Identify" })
            Assert.Contains($"<a href=\"{server.BaseUri}{service}\">", html);
        Assert.Contains("iter_datalinks", html);
        Assert.Contains("stilts tapquery", html);
        Assert.Contains("specClient.set_svc_url(&quot;" + server.BaseUri + "spec&quot;)", html);
        Assert.Contains("href=\"tap/examples\"", html);
        Assert.Contains("href=\"tap/capabilities\"", html);
        // No server path: neither the archive's directory nor any absolute file path.
        Assert.DoesNotContain(server.ArchiveDir, html);
        Assert.DoesNotContain("/tmp/", html);
        Assert.DoesNotContain("catalogue.sqlite", html);
    }

    [Fact]
    public async Task The_landing_page_snippets_work_as_shown()
    {
        var html = WebUtility.HtmlDecode(await server.Client.GetStringAsync(""));
        var soda = Regex.Match(html, "curl -o cutout.fits \"([^\"]+)\"").Groups[1].Value;
        var fits = await server.Client.GetByteArrayAsync(soda);
        Assert.StartsWith("SIMPLE  =", System.Text.Encoding.ASCII.GetString(fits, 0, 9));
        var getSpec = Regex.Match(html, "curl -o spectra.fits \"([^\"]+)\"").Groups[1].Value;
        var spectra = await server.Client.GetByteArrayAsync(getSpec);
        Assert.StartsWith("SIMPLE  =", System.Text.Encoding.ASCII.GetString(spectra, 0, 9));
        var ssa = Regex.Match(html, "curl \"([^\"]+ssa\\?[^\"]+)\"").Groups[1].Value;
        Assert.Contains("<TR>", await server.Client.GetStringAsync(ssa));
        var odata = Regex.Match(html, "curl '([^']+odata/[^']+)'").Groups[1].Value;
        Assert.Contains("\"QSO\"", await server.Client.GetStringAsync(odata));
        var links = Regex.Match(html, "curl \"([^\"]+datalink/links[^\"]+)\"").Groups[1].Value;
        Assert.Contains("#preview", await server.Client.GetStringAsync(links));
    }

    [Theory]
    [InlineData("")]
    [InlineData("search")]
    [InlineData("view")]
    [InlineData("view?ID=%3Cscript%3Ealert(1)%3C/script%3E")]
    public async Task Each_page_carries_a_policy_without_inline_code_and_loads_only_this_server_assets(string path)
    {
        using var r = await server.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var policy = string.Join(",", r.Headers.GetValues("Content-Security-Policy"));
        Assert.Equal(WebPages.ContentSecurityPolicy, policy);
        Assert.DoesNotContain("unsafe-inline", policy);
        Assert.DoesNotContain("unsafe-eval", policy);
        var html = await r.Content.ReadAsStringAsync();
        Assert.Contains("name=\"viewport\"", html);
        Assert.DoesNotContain("<style", html);
        Assert.DoesNotContain(" style=", html);
        Assert.DoesNotContain("<script>", html);
        Assert.DoesNotContain("alert(1)", html);
        Assert.DoesNotMatch(" on[a-z]+=", html);
        foreach (Match m in Regex.Matches(html, "(?:src|href)=\"(web/[^\"]+)\""))
        {
            var asset = m.Groups[1].Value;
            Assert.False(asset.Contains("//"), asset);
            using var a = await server.Client.GetAsync(asset);
            Assert.True(a.StatusCode == HttpStatusCode.OK, $"{path} loads {asset}: {a.StatusCode}");
        }
        Assert.DoesNotMatch("(?:src|href)=\"https?://(?!127\\.0\\.0\\.1)", html.Replace(server.BaseUri.ToString(), ""));
    }

    [Fact]
    public async Task The_search_page_offers_the_collections()
    {
        var html = await server.Client.GetStringAsync("search");
        Assert.Contains("<option value=\"demo\">demo</option>", html);
        Assert.Contains("id=\"adql\"", html);
    }

    [Fact]
    public async Task The_sky_map_is_a_png_with_the_covered_cells_drawn()
    {
        using var r = await server.Client.GetAsync("web/skymap.png");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("image/png", r.Content.Headers.ContentType?.MediaType);
        var png = await r.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        // An empty sky and the demo's sky differ.
        var empty = Engine.Plotting.SkyMapPlot.RenderPng(Core.Sky.Moc.Empty(10), 720);
        Assert.NotEqual(empty, png);
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(180.0, 45.0)]
    [InlineData(359.0, -60.0)]
    [InlineData(90.0, 80.0)]
    public void The_projection_sends_a_position_where_its_inverse_reads_it_back(double ra, double dec)
    {
        double scale = 100, cx = 300, cy = 150;
        var (x, y) = Engine.Plotting.SkyMapPlot.Forward(ra, dec, cx, cy, scale);
        var back = Engine.Plotting.SkyMapPlot.Inverse((int)Math.Floor(x), (int)Math.Floor(y), cx, cy, scale);
        Assert.NotNull(back);
        double dRa = Math.Abs(back.Value.Ra - ra) % 360;
        Assert.True(Math.Min(dRa, 360 - dRa) * Math.Cos(dec * Math.PI / 180) < 1.5, $"{back} for {ra},{dec}");
        Assert.InRange(back.Value.Dec, dec - 1.5, dec + 1.5);
    }

    [Fact]
    public async Task The_docs_are_served_as_pages_with_an_index_and_unknown_names_are_404()
    {
        var index = await server.Client.GetStringAsync("docs/");
        Assert.Contains("<a href=\"architecture.md\">", index);
        Assert.Contains("<a href=\"reliability/security.md\">", index);
        using var page = await server.Client.GetAsync("docs/reliability/security.md");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(WebPages.ContentSecurityPolicy, page.Headers.GetValues("Content-Security-Policy").Single());
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>", html);
        Assert.Contains("href=\"../../web/site.css\"", html); // its relative links lead back from two levels down
        Assert.Contains("<a href=\"../../docs/\">Docs</a>", html);
        foreach (var bad in new[] { "docs/nope.md", "docs/../appsettings.json", "docs/%2e%2e/README.md", "docs/reliability/../../src/VoSpec.Server/Web/WebPages.cs" })
        {
            using var r = await server.Client.GetAsync(bad);
            Assert.True(r.StatusCode == HttpStatusCode.NotFound, $"{bad}: {(int)r.StatusCode}");
        }
        var landing = await server.Client.GetStringAsync("");
        Assert.Contains("<a href=\"docs/architecture.md\">", landing);
        Assert.Contains("<a href=\"tap/examples\">", landing);
        Assert.Contains("<a href=\"tap/capabilities\">", landing);
    }

    [Theory]
    [InlineData("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;")]
    [InlineData("`<img src=x onerror=alert(1)>`", "<code>&lt;img src=x onerror=alert(1)&gt;</code>")]
    [InlineData("[click](javascript:alert(1))", "<p>click)</p>")]
    [InlineData("[up](../../secret.md)", "<p>up</p>")]
    [InlineData("[faults](reliability/faults.md#top)", "<a href=\"reliability/faults.md#top\">faults</a>")]
    [InlineData("[x](\"onmouseover=alert(1))", "<p>x)</p>")]
    [InlineData("# A <b>title</b>", "<h1 id=\"a-btitleb\">A &lt;b&gt;title&lt;/b&gt;</h1>")]
    [InlineData("| a | <i>b</i> |\n|---|---|\n| `1` | 2 |", "<th>&lt;i&gt;b&lt;/i&gt;</th>")]
    public void Markdown_is_rendered_with_every_piece_of_text_escaped_and_only_served_links(string markdown, string expected)
    {
        var html = MarkdownHtml.Render(markdown, "", p => p is "reliability/faults.md" or "access.md");
        Assert.Contains(expected, html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<img", html);
        Assert.DoesNotContain("href=\"javascript", html);
        Assert.DoesNotContain("href=\"\"", html);
    }
}
