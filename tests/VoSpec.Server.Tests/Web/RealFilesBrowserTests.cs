using Microsoft.AspNetCore.Builder;
using OpenQA.Selenium;
using VoSpec.Archive;
using VoSpec.Archive.Ingest;
using VoSpec.Server.Hosting;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Server.Tests.Web;

/// <summary>The real server over an archive of the real SDSS files (../shared/data/real/sdss, read where they lie).</summary>
public sealed class RealSdssServer : IAsyncLifetime
{
    private readonly TempDir _dir = TestPaths.NewTempDir("vospec-real-web");
    private WebApplication? _app;
    public Uri BaseUri { get; private set; } = null!;
    public HttpClient Client { get; } = new();

    public async Task InitializeAsync()
    {
        var archiveDir = Path.Combine(_dir.Path, "archive");
        using (var archive = SpectrumArchive.Open(archiveDir))
        {
            var report = new Ingester(archive).Run([Path.Combine(TestPaths.RealData, "sdss")], "sdss");
            if (report.Ingested != 20) throw new InvalidOperationException($"expected the 20 real SDSS spectra, ingested {report.Ingested}");
        }
        _app = VoSpecHost.Build(new Dictionary<string, string?>
        {
            ["VoSpec:Archive"] = archiveDir, ["VoSpec:Urls"] = "http://127.0.0.1:0", ["VoSpec:WarmUp"] = "false",
        });
        await _app.StartAsync();
        BaseUri = new Uri(VoSpecHost.BaseUrls(_app)[0]);
        Client.BaseAddress = BaseUri;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_app is not null) { await _app.StopAsync(); await _app.DisposeAsync(); }
        _dir.Dispose();
    }
}

/// <summary>
/// The three pages on the real SDSS files, in Chromium: the landing page lists the collection, the search finds all
/// 20 spectra, and the viewer draws a real spectrum (canvas pixels), all without a console error or failed request.
/// </summary>
[Collection("host")]
public sealed class RealFilesBrowserTests(RealSdssServer server, BrowserTests.Fixture fixture) : IClassFixture<RealSdssServer>, IClassFixture<BrowserTests.Fixture>
{
    private Browser B => fixture.Browser;

    private void AssertClean(string page)
    {
        var problems = B.Problems();
        Assert.True(problems.Count == 0, $"{page}: " + string.Join(" | ", problems));
    }

    [Fact]
    public async Task The_pages_work_on_the_real_sdss_files()
    {
        B.Open(new Uri(server.BaseUri, ""));
        B.Until(() => (bool)B.Js("const i = document.getElementById('skymap'); return i.complete && i.naturalWidth > 0")!, "the sky map");
        Assert.Equal("sdss", B.Driver.FindElement(By.CssSelector("#collections tbody a")).Text);
        AssertClean("/ (real files)");

        B.Open(new Uri(server.BaseUri, "search?collection=sdss"));
        B.Until(() => B.Driver.FindElement(By.Id("status")).Text.Contains("found"), "the search's result");
        Assert.Equal("20 rows found.", B.Driver.FindElement(By.Id("status")).Text);
        AssertClean("/search (real files)");

        // The multi-epoch quasar's BOSS spectrum (4,597 pixels), through its DataLink and SODA links.
        var csv = await server.Client.GetStringAsync("tap/sync?LANG=ADQL&FORMAT=csv&QUERY=" + Uri.EscapeDataString("SELECT obs_publisher_did FROM ivoa.obscore WHERE obs_id = '6717-56397-0534'"));
        var did = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].Trim();
        B.Open(new Uri(server.BaseUri, "view?ID=" + Uri.EscapeDataString(did)));
        B.Until(() => B.Driver.FindElements(By.CssSelector("#chart canvas")).Count > 0 && B.Driver.FindElements(By.CssSelector(".soda-url")).Count > 0, "the chart");
        B.Until(() => Convert.ToInt64(B.Js("""
            const c = document.querySelector('#chart canvas');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && d[i + 2] > d[i] + 40) n++;
            return n;
            """)) > 300, "the real spectrum drawn on the canvas");
        B.Screenshot("view-real-sdss");
        AssertClean("/view (real files)");
    }
}
