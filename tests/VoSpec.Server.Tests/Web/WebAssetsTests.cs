using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using VoSpec.Server.Web;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Server.Tests.Web;

/// <summary>
/// The vendored uPlot is the pinned version, byte for byte as fetched (deploy/web/fetch-uplot.sh records its SHA-256),
/// and every asset the pages load is embedded and served with its type.
/// </summary>
[Collection("host")]
public class WebAssetsTests(RunningServer server) : IClassFixture<RunningServer>
{
    private static string UplotDir => Path.Combine(TestPaths.RepoRoot, "src", "VoSpec.Server", "Web", "assets", "uplot");

    private static Dictionary<string, string> Recorded() => File.ReadAllLines(Path.Combine(UplotDir, "VERSION"))
        .Where(l => !l.StartsWith('#') && l.Contains('=')).ToDictionary(l => l[..l.IndexOf('=')], l => l[(l.IndexOf('=') + 1)..]);

    [Fact]
    public void The_vendored_uPlot_is_the_pinned_version_as_fetched()
    {
        var recorded = Recorded();
        string version = recorded["version"];
        Assert.Matches(@"^\d+\.\d+\.\d+$", version);
        Assert.StartsWith("sha512-", recorded["integrity"]);
        foreach (var file in new[] { "uPlot.iife.min.js", "uPlot.min.css", "LICENSE" })
        {
            var embedded = WebAssets.All["uplot/" + file].Bytes;
            Assert.True(Convert.ToHexStringLower(SHA256.HashData(embedded)) == recorded["sha256 " + file],
                $"uplot/{file} differs from uPlot {version} as deploy/web/fetch-uplot.sh fetched it: run the script again");
        }
        var banner = System.Text.Encoding.UTF8.GetString(WebAssets.All["uplot/uPlot.iife.min.js"].Bytes.AsSpan(0, 200));
        Assert.Contains($"(v{version})", banner);
        Assert.Contains("MIT License", System.Text.Encoding.UTF8.GetString(WebAssets.All["uplot/LICENSE"].Bytes));
        // The script re-fetches the version the VERSION file names, checked against the recorded integrity.
        var script = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "deploy", "web", "fetch-uplot.sh"));
        Assert.Contains("integrity", script);
        Assert.Contains("VERSION", script);
    }

    [Theory]
    [InlineData("web/site.css", "text/css")]
    [InlineData("web/common.js", "text/javascript")]
    [InlineData("web/search.js", "text/javascript")]
    [InlineData("web/view.js", "text/javascript")]
    [InlineData("web/npy.js", "text/javascript")]
    [InlineData("web/csv.js", "text/javascript")]
    [InlineData("web/samp.js", "text/javascript")]
    [InlineData("web/lines.json", "application/json")]
    [InlineData("web/uplot/uPlot.iife.min.js", "text/javascript")]
    [InlineData("web/uplot/uPlot.min.css", "text/css")]
    [InlineData("web/uplot/LICENSE", "text/plain")]
    public async Task Each_asset_is_served_with_its_type_and_an_etag(string path, string type)
    {
        using var r = await server.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal(type, r.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(r.Headers.ETag);
        using var again = new HttpRequestMessage(HttpMethod.Get, path);
        again.Headers.IfNoneMatch.Add(r.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await server.Client.SendAsync(again)).StatusCode);
    }

    [Theory]
    [InlineData("web/nope.js")]
    [InlineData("web/../appsettings.json")]
    [InlineData("web/%2e%2e/%2e%2e/etc/passwd")]
    [InlineData("web/uplot")]
    public async Task Unknown_assets_are_404(string path)
    {
        using var r = await server.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
    }

    [Fact]
    public void The_line_list_cites_its_source_and_holds_vacuum_wavelengths()
    {
        var doc = System.Text.Json.JsonDocument.Parse(WebAssets.All["lines.json"].Bytes);
        Assert.Contains("NIST", doc.RootElement.GetProperty("source").GetString());
        var lines = doc.RootElement.GetProperty("lines").EnumerateArray().ToList();
        Assert.True(lines.Count >= 20);
        // Hα in vacuum is 6564.6 Å (6562.8 in air).
        var halpha = lines.Single(l => l.GetProperty("name").GetString() == "Hα").GetProperty("vacuum").GetDouble();
        Assert.InRange(halpha, 6564.5, 6564.7);
    }

    [Fact]
    public void The_scripts_never_write_markup()
    {
        // Catalogue strings reach the page only through textContent and attributes.
        foreach (var (path, asset) in WebAssets.All.Where(a => a.Key.EndsWith(".js", StringComparison.Ordinal) && !a.Key.StartsWith("uplot/", StringComparison.Ordinal)))
        {
            var text = System.Text.Encoding.UTF8.GetString(asset.Bytes);
            Assert.False(Regex.IsMatch(text, @"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function"), path + " writes markup or evaluates code");
            Assert.StartsWith("//", text);
        }
    }
}
