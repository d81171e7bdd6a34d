using System.Globalization;
using System.Text.RegularExpressions;
using OpenQA.Selenium;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Server.Tests.Web;

/// <summary>
/// The pages in a real browser against the real server: each loads with no console error and no failed request, the
/// search finds what TAP finds, the viewer draws (canvas pixels), zooming changes the SODA URL to the zoomed band and
/// that URL answers a FITS file, a permalink restores the view, and the basic path works from the keyboard alone.
/// Screenshots of each page go to the test output's screenshots/ directory.
/// </summary>
[Collection("host")]
public sealed class BrowserTests(RunningServer server, BrowserTests.Fixture fixture) : IClassFixture<RunningServer>, IClassFixture<BrowserTests.Fixture>
{
    public sealed class Fixture : IDisposable
    {
        private Browser? _browser;
        public Browser Browser => _browser ??= new Browser();
        public void Dispose() => _browser?.Dispose();
    }

    private Browser B => fixture.Browser;
    private Uri Url(string path) => new(server.BaseUri, path);

    private async Task<List<string>> TapDids(string where)
    {
        var body = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["LANG"] = "ADQL", ["FORMAT"] = "csv",
            ["QUERY"] = "SELECT o.obs_publisher_did FROM ivoa.obscore AS o JOIN spec.specobj AS s ON s.collection = o.obs_collection AND s.obs_id = o.obs_id" + where,
        });
        using var r = await server.Client.PostAsync("tap/sync", body);
        r.EnsureSuccessStatusCode();
        return (await r.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1).ToList();
    }

    private void AssertClean(string page)
    {
        var problems = B.Problems();
        Assert.True(problems.Count == 0, $"{page}: " + string.Join(" | ", problems));
    }

    private void AssertFitsNarrow(int width, string? screenshot = null)
    {
        B.Driver.Manage().Window.Size = new System.Drawing.Size(width, 800);
        try
        {
            B.Until(() => Convert.ToInt64(B.Js("return window.innerWidth")) <= width, "the narrow window");
            long scroll = Convert.ToInt64(B.Js("return document.documentElement.scrollWidth")), inner = Convert.ToInt64(B.Js("return document.documentElement.clientWidth"));
            if (screenshot is not null) B.Screenshot(screenshot);
            Assert.True(scroll <= inner + 1, $"the page is {scroll} px wide in a {inner} px window");
        }
        finally { B.Driver.Manage().Window.Size = new System.Drawing.Size(1280, 1000); }
    }

    [Fact]
    public void The_landing_page_loads_cleanly_with_its_sky_map_and_fits_360_px()
    {
        B.Open(Url(""));
        B.Until(() => (bool)B.Js("const i = document.getElementById('skymap'); return i.complete && i.naturalWidth > 0")!, "the sky map");
        Assert.Equal("demo", B.Driver.FindElement(By.CssSelector("#collections tbody a")).Text);
        B.Screenshot("landing");
        AssertClean("/");
        AssertFitsNarrow(360, "landing-360");
    }

    [Fact]
    public async Task The_search_finds_the_rows_TAP_finds_with_their_previews()
    {
        var first = server.Positions(1)[0];
        var expected = await TapDids(FormattableString.Invariant($" WHERE CONTAINS(POINT('ICRS', o.s_ra, o.s_dec), CIRCLE('ICRS', {first.Ra}, {first.Dec}, 0.5)) = 1 AND s.z >= 0.1"));
        Assert.NotEmpty(expected);
        B.Open(Url("search"));
        // RA in sexagesimal hours, as astronomers type it.
        double h = first.Ra / 15;
        string ra = FormattableString.Invariant($"{(int)h}:{(int)(h % 1 * 60)}:{h * 3600 % 60:0.###}");
        B.Driver.FindElement(By.Id("ra")).SendKeys(ra);
        B.Driver.FindElement(By.Id("dec")).SendKeys(first.Dec.ToString("R", CultureInfo.InvariantCulture));
        B.Driver.FindElement(By.Id("radius")).SendKeys("0.5");
        B.Driver.FindElement(By.Id("zmin")).SendKeys("0.1");
        B.Driver.FindElement(By.Id("run-form")).Click();
        B.Until(() => B.Driver.FindElement(By.Id("status")).Text.Contains("found"), "the search's result");
        Assert.Equal($"{expected.Count} row{(expected.Count == 1 ? "" : "s")} found.", B.Driver.FindElement(By.Id("status")).Text);
        // The search is in the address: opening it again runs it again.
        B.Until(() => B.Driver.Url.Contains("zmin=0.1", StringComparison.Ordinal), "the search in the address");
        string address = B.Driver.Url;
        var shown = B.Driver.FindElements(By.CssSelector("#result-table tbody a[href^='view?ID=']")).Select(a => a.Text).ToList();
        Assert.Equal(Math.Min(20, expected.Count), shown.Count);
        Assert.All(shown, d => Assert.Contains(d, expected));
        B.Until(() => (bool)B.Js("return [...document.querySelectorAll('img.thumb')].every(i => i.complete && i.naturalWidth > 0)")!, "the #preview thumbnails");
        // Sorting by z orders the rows.
        B.Driver.FindElements(By.CssSelector("#result-table thead button")).Single(b => b.Text.StartsWith("z", StringComparison.Ordinal)).Click();
        var zIndex = Convert.ToInt32(B.Js("return [...document.querySelectorAll('#result-table thead th')].findIndex(th => th.textContent.startsWith('z'))"));
        var zs = B.Driver.FindElements(By.CssSelector($"#result-table tbody tr td:nth-child({zIndex + 1})")).Select(td => double.Parse(td.Text, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(zs.OrderBy(z => z), zs);
        B.Screenshot("search");
        AssertClean("/search");
        B.Open(new Uri(address));
        B.Until(() => B.Driver.FindElement(By.Id("status")).Text.Contains("found"), "the search from its address");
        Assert.Equal($"{expected.Count} row{(expected.Count == 1 ? "" : "s")} found.", B.Driver.FindElement(By.Id("status")).Text);
        AssertFitsNarrow(360, "search-360");
    }

    [Fact]
    public async Task Class_S_N_and_wavelength_constraints_find_the_rows_TAP_finds()
    {
        var expected = await TapDids(" WHERE s.class = 'QSO' AND s.sn_median >= 2 AND o.em_min <= 6.563e-7 AND o.em_max >= 6.563e-7");
        var all = await TapDids("");
        Assert.NotEmpty(expected);
        Assert.True(expected.Count < all.Count, "the constraints must exclude some rows");
        B.Open(Url("search"));
        B.Driver.FindElement(By.Id("class")).SendKeys("qso"); // any case
        B.Driver.FindElement(By.Id("snmin")).SendKeys("2");
        B.Driver.FindElement(By.Id("wave")).SendKeys("6563");
        B.Driver.FindElement(By.Id("run-form")).Click();
        B.Until(() => B.Driver.FindElement(By.Id("status")).Text.Contains("found"), "the search's result");
        Assert.Equal($"{expected.Count} row{(expected.Count == 1 ? "" : "s")} found.", B.Driver.FindElement(By.Id("status")).Text);
        var shown = B.Driver.FindElements(By.CssSelector("#result-table tbody a[href^='view?ID=']")).Select(a => a.Text).ToList();
        Assert.All(shown, d => Assert.Contains(d, expected));
        AssertClean("/search constraints");
    }

    [Fact]
    public async Task The_search_pages_through_all_rows()
    {
        var all = await TapDids("");
        B.Open(Url("search?collection=demo"));
        B.Until(() => B.Driver.FindElement(By.Id("status")).Text.Contains("found"), "the search's result");
        Assert.Equal($"{all.Count} rows found.", B.Driver.FindElement(By.Id("status")).Text);
        var seen = new HashSet<string>();
        for (int page = 0; page < 10; page++)
        {
            foreach (var a in B.Driver.FindElements(By.CssSelector("#result-table tbody a[href^='view?ID=']"))) seen.Add(a.Text);
            var next = B.Driver.FindElement(By.Id("next"));
            if (!next.Displayed || !next.Enabled) break;
            next.Click();
        }
        Assert.Equal(all.OrderBy(d => d), seen.OrderBy(d => d));
        AssertClean("/search?collection=demo");
    }

    [Fact]
    public async Task A_selection_downloads_as_a_VOTable_of_those_rows_and_through_getSpec()
    {
        B.Open(Url("search?collection=demo&top=5"));
        B.Until(() => B.Driver.FindElement(By.Id("status")).Text.Contains("found"), "the search's result");
        var boxes = B.Driver.FindElements(By.CssSelector("#result-table tbody input[type=checkbox]"));
        boxes[0].Click(); boxes[2].Click();
        var chosen = B.Driver.FindElements(By.CssSelector("#result-table tbody tr")).Where((_, i) => i is 0 or 2)
            .Select(tr => tr.FindElement(By.CssSelector("a[href^='view?ID=']")).Text).ToList();
        // What the page posts is captured, then sent by this test: the browser would save it as a file.
        B.Js("window.__posted = []; HTMLFormElement.prototype.submit = function () { window.__posted.push({ action: this.action, fields: Object.fromEntries(new FormData(this)) }); };");
        B.Driver.FindElement(By.Id("votable-selected")).Click();
        B.Driver.FindElement(By.Id("getspec-selected")).Click();
        var posted = System.Text.Json.JsonDocument.Parse((string)B.Js("return JSON.stringify(window.__posted)")!).RootElement;
        Assert.Equal(2, posted.GetArrayLength());
        FormUrlEncodedContent Fields(int i) => new(posted[i].GetProperty("fields").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!));

        Assert.EndsWith("/tap/sync", posted[0].GetProperty("action").GetString());
        using var votable = await server.Client.PostAsync("tap/sync", Fields(0));
        var xml = System.Xml.Linq.XDocument.Parse(await votable.Content.ReadAsStringAsync());
        var ns = xml.Root!.Name.Namespace;
        Assert.Equal(2, xml.Descendants(ns + "TR").Count());
        foreach (var did in chosen) Assert.Contains(did, xml.ToString());

        Assert.EndsWith("/spec/getSpec", posted[1].GetProperty("action").GetString());
        using var aligned = await server.Client.PostAsync("spec/getSpec", Fields(1));
        Assert.Equal(System.Net.HttpStatusCode.OK, aligned.StatusCode);
        Assert.Equal("application/x-votable+xml", aligned.Content.Headers.ContentType?.MediaType); // two spectra on one grid
        Assert.Contains("<VOTABLE", await aligned.Content.ReadAsStringAsync());

        // The same selection as one aligned .npy, and as CSV: two rows on one grid.
        foreach (var (format, check) in new (string, Func<byte[], bool>)[]
        {
            ("numpy", b => b[0] == 0x93 && System.Text.Encoding.ASCII.GetString(b, 1, 5) == "NUMPY" && System.Text.Encoding.ASCII.GetString(b, 10, 200).Contains("'shape': (2, ", StringComparison.Ordinal)),
            ("csv", b => System.Text.Encoding.UTF8.GetString(b).Split('\n')[0].Contains("flux", StringComparison.Ordinal)),
        })
        {
            Choose("getspec-format", format);
            B.Js("window.__posted = [];");
            B.Driver.FindElement(By.Id("getspec-selected")).Click();
            var sent = System.Text.Json.JsonDocument.Parse((string)B.Js("return JSON.stringify(window.__posted)")!).RootElement;
            var fields = sent[0].GetProperty("fields").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            Assert.Equal(format, fields["format"]);
            Assert.Equal("True", fields["align"]);
            using var answer = await server.Client.PostAsync("spec/getSpec", new FormUrlEncodedContent(fields));
            Assert.Equal(System.Net.HttpStatusCode.OK, answer.StatusCode);
            Assert.True(check(await answer.Content.ReadAsByteArrayAsync()), format);
        }
        // FITS holds one spectrum: asked for two, the page says so and posts nothing.
        Choose("getspec-format", "fits");
        B.Js("window.__posted = [];");
        B.Driver.FindElement(By.Id("getspec-selected")).Click();
        Assert.Equal("[]", (string)B.Js("return JSON.stringify(window.__posted)")!);
        Assert.Contains("FITS holds one spectrum", B.Driver.FindElement(By.Id("status")).Text);
        AssertClean("/search selection");
    }

    [Fact]
    public async Task Send_selected_to_SAMP_hub_hands_the_selected_rows_as_a_TAP_URL_to_a_listening_client()
    {
        using var hub = new AstropySampHub();
        B.Open(Url("search?collection=demo&top=5"));
        B.Until(() => B.Driver.FindElement(By.Id("status")).Text.Contains("found"), "the search's result");
        var boxes = B.Driver.FindElements(By.CssSelector("#result-table tbody input[type=checkbox]"));
        boxes[1].Click(); boxes[3].Click();
        var chosen = B.Driver.FindElements(By.CssSelector("#result-table tbody tr")).Where((_, i) => i is 1 or 3)
            .Select(tr => tr.FindElement(By.CssSelector("a[href^='view?ID=']")).Text).ToList();
        B.Driver.FindElement(By.Id("samp-selected")).Click();
        B.Until(() => B.Driver.FindElement(By.Id("samp-status")).Text.StartsWith("Sent", StringComparison.Ordinal), "the SAMP send");
        B.Until(() => hub.Messages().Count > 0, "the listening client's message");
        var (mtype, p) = Assert.Single(hub.Messages());
        Assert.Equal("table.load.votable", mtype);
        var xml = System.Xml.Linq.XDocument.Parse(await server.Client.GetStringAsync(p.GetProperty("url").GetString()));
        var ns = xml.Root!.Name.Namespace;
        Assert.Equal(2, xml.Descendants(ns + "TR").Count());
        foreach (var did in chosen) Assert.Contains(did, xml.ToString());
        AssertClean("/search SAMP selection");
    }

    [Fact]
    public void A_syntax_error_in_the_ADQL_box_is_marked_where_the_server_says()
    {
        B.Open(Url("search"));
        B.Until(() => B.Driver.FindElements(By.CssSelector("#examples option")).Count > 1, "the examples from /tap/examples");
        Assert.StartsWith("SELECT", B.Driver.FindElement(By.Id("adql")).GetDomProperty("value"));
        B.Driver.FindElement(By.CssSelector("#adql-box summary")).Click();
        var adql = B.Driver.FindElement(By.Id("adql"));
        adql.Clear();
        adql.SendKeys("SELECT TOP 5 *\nFROM ivoa.obscore\nWHERE s_ra >< 3");
        B.Driver.FindElement(By.Id("run-adql")).Click();
        B.Until(() => B.Driver.FindElement(By.Id("adql-error")).Text.Length > 0, "the error");
        var error = B.Driver.FindElement(By.Id("adql-error")).Text;
        var at = Regex.Match(error, @"line (\d+), column (\d+)");
        Assert.True(at.Success, error);
        var mark = B.Driver.FindElement(By.CssSelector("#adql-marked mark"));
        Assert.Equal($"line {at.Groups[1].Value}, column {at.Groups[2].Value}", mark.GetAttribute("title"));
        Assert.Equal("3", at.Groups[1].Value);
        B.Screenshot("search-adql-error");
    }

    private async Task<List<string>> Dids(int n) => (await TapDids(" ORDER BY o.obs_publisher_did")).Take(n).ToList();

    private long InkPixels() => Convert.ToInt64(B.Js("""
        const c = document.querySelector('#chart canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && d[i + 2] > d[i] + 40) n++;
        return n;
        """));

    private void WaitDrawn()
    {
        B.Until(() => B.Driver.FindElements(By.CssSelector("#chart canvas")).Count > 0 && B.Driver.FindElements(By.CssSelector(".soda-url")).Count > 0, "the chart");
        B.Until(() => InkPixels() > 300, "flux drawn on the canvas");
    }

    /// <summary>Picks an option of a select as the keyboard would (its value, then a change event).</summary>
    private void Choose(string id, string value)
    {
        var select = B.Driver.FindElement(By.Id(id));
        select.Click();
        B.Js("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change'));", select, value);
    }

    // Read through the page, not an element handle: the links are rebuilt 120 ms after the view rests.
    private string SodaUrl() => Href("soda-url-0");

    private string Href(string id) => (string)B.Js("return document.getElementById(arguments[0]).href", id)!;

    /// <summary>Waits until the permalink and the SODA links have followed the view (they do so once it rests).</summary>
    private void Settled() => B.Until(() =>
    {
        string links = Href("permalink") + SodaUrl();
        Thread.Sleep(300);
        return links == Href("permalink") + SodaUrl();
    }, "the links following the view");

    private static (double Lo, double Hi) Band(string url)
    {
        var band = Uri.UnescapeDataString(Regex.Match(url, "[?&]BAND=([^&]+)").Groups[1].Value).Split(' ');
        return (double.Parse(band[0], CultureInfo.InvariantCulture), double.Parse(band[1], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task The_viewer_draws_and_zooming_gives_a_SODA_URL_of_the_zoomed_band_that_answers_FITS()
    {
        var did = (await Dids(1))[0];
        B.Open(Url("view?ID=" + Uri.EscapeDataString(did)));
        WaitDrawn();
        Assert.Equal("", B.Driver.FindElement(By.Id("view-status")).Text);
        var full = SodaUrl();
        Assert.DoesNotContain("BAND=", full);
        B.Screenshot("view");
        AssertClean("/view");

        B.Driver.FindElement(By.Id("zoom-in")).Click();
        B.Until(() => SodaUrl().Contains("BAND="), "the SODA URL to take the zoomed band");
        var zoomed = SodaUrl();
        var (lo, hi) = Band(zoomed);
        // The band is the zoomed range the URL keeps (observed Å), in metres.
        var shown = (IReadOnlyCollection<object>)B.Js("const p = new URL(document.getElementById('permalink').href).searchParams; return [Number(p.get('lo')), Number(p.get('hi'))];")!;
        var ends = shown.Select(Convert.ToDouble).ToArray();
        Assert.Equal(ends[0] * 1e-10, lo, 2e-12); // the URL keeps 0.01 Å
        Assert.Equal(ends[1] * 1e-10, hi, 2e-12);
        Assert.True(hi > lo && hi - lo < 4e-7, $"{lo}..{hi}");
        Assert.Contains(zoomed, B.Driver.FindElement(By.Id("soda-urls")).Text);
        using var cut = await server.Client.GetAsync(zoomed);
        Assert.Equal(System.Net.HttpStatusCode.OK, cut.StatusCode);
        Assert.Equal("application/fits", cut.Content.Headers.ContentType?.MediaType);
        var bytes = await cut.Content.ReadAsByteArrayAsync();
        Assert.StartsWith("SIMPLE  =                    T", System.Text.Encoding.ASCII.GetString(bytes, 0, 30));
        Assert.Equal(0, bytes.Length % 2880);
        // Those pixels: astropy reads the file, and its wavelengths lie in the band (and fill it to a pixel).
        using (var dir = VoSpec.Testing.TestPaths.NewTempDir("view-cutout"))
        {
            var file = Path.Combine(dir.Path, "cut.fits");
            await File.WriteAllBytesAsync(file, bytes);
            var r = VoSpec.Testing.ExternalTool.RunPython("import sys\nfrom astropy.io import fits\nw = 10 ** fits.open(sys.argv[1])[1].data['loglam'].astype(float)\nprint(repr(w.min()), repr(w.max()), len(w))", file);
            Assert.True(r.ExitCode == 0, r.All);
            var got = r.StdOut.Trim().Split(' ').Select(v => double.Parse(v.Replace("np.float64(", "").TrimEnd(')'), CultureInfo.InvariantCulture)).ToArray();
            Assert.InRange(got[0], lo * 1e10 - 1e-6, lo * 1e10 + 3); // the first pixel at or just inside the band (a pixel is about 1-2 Å)
            Assert.InRange(got[1], hi * 1e10 - 3, hi * 1e10 + 1e-6);
            Assert.True(got[2] > 10, r.StdOut);
        }
        B.Until(() => InkPixels() > 300, "the zoomed flux drawn");
        B.Screenshot("view-zoomed");
        AssertClean("/view zoomed");
        AssertFitsNarrow(360, "view-360");
    }

    [Fact]
    public async Task The_mouse_zooms_by_dragging_and_the_wheel_and_double_click_resets()
    {
        var did = (await Dids(1))[0];
        B.Open(Url("view?ID=" + Uri.EscapeDataString(did)));
        WaitDrawn();
        var over = B.Driver.FindElement(By.CssSelector("#chart .u-over"));
        int width = over.Size.Width;
        // Drag across the middle fifth of the plot: the band becomes that fifth.
        new OpenQA.Selenium.Interactions.Actions(B.Driver).MoveToElement(over, -width / 10, 0).ClickAndHold()
            .MoveByOffset(width / 5, 0).Release().Perform();
        B.Until(() => SodaUrl().Contains("BAND="), "the zoom by dragging");
        var (lo, hi) = Band(SodaUrl());
        // The wheel towards the user zooms out about the pointer.
        var wheel = new OpenQA.Selenium.Interactions.WheelInputDevice.ScrollOrigin { Element = over };
        new OpenQA.Selenium.Interactions.Actions(B.Driver).ScrollFromOrigin(wheel, 0, 120).Perform();
        B.Until(() => Band(SodaUrl()) is var b && b.Hi - b.Lo > (hi - lo) * 1.1, "the zoom out by the wheel");
        new OpenQA.Selenium.Interactions.Actions(B.Driver).ScrollFromOrigin(wheel, 0, -120).Perform();
        new OpenQA.Selenium.Interactions.Actions(B.Driver).ScrollFromOrigin(wheel, 0, -120).Perform();
        B.Until(() => Band(SodaUrl()) is var b && b.Hi - b.Lo < (hi - lo) * 0.95, "the zoom in by the wheel");
        new OpenQA.Selenium.Interactions.Actions(B.Driver).DoubleClick(over).Perform();
        B.Until(() => !SodaUrl().Contains("BAND="), "the reset by double click");
        AssertClean("/view with the mouse");
    }

    [Fact]
    public async Task Send_to_SAMP_hub_hands_the_zoomed_SODA_request_to_a_listening_client_of_astropys_hub()
    {
        using var hub = new AstropySampHub();
        var did = (await Dids(1))[0];
        B.Open(Url("view?ID=" + Uri.EscapeDataString(did)));
        WaitDrawn();
        B.Driver.FindElement(By.Id("zoom-in")).Click();
        B.Until(() => SodaUrl().Contains("BAND="), "the zoom");
        B.Driver.FindElement(By.Id("samp-send")).Click();
        B.Until(() => B.Driver.FindElement(By.Id("samp-status")).Text.StartsWith("Sent", StringComparison.Ordinal), "the SAMP send");
        B.Until(() => hub.Messages().Count > 0, "the listening client's message");
        var (mtype, p) = Assert.Single(hub.Messages());
        Assert.Equal("spectrum.load.ssa-generic", mtype);
        Assert.Equal(did, p.GetProperty("spectrum-id").GetString());
        var url = p.GetProperty("url").GetString()!;
        Assert.Equal(SodaUrl(), url);
        var fits = await server.Client.GetByteArrayAsync(url);
        Assert.StartsWith("SIMPLE  =", System.Text.Encoding.ASCII.GetString(fits, 0, 9));
        AssertClean("/view SAMP");
    }

    [Fact]
    public async Task Send_the_table_to_SAMP_hub_hands_the_search_as_a_TAP_URL_to_a_listening_client()
    {
        using var hub = new AstropySampHub();
        B.Open(Url("search?collection=demo"));
        B.Until(() => B.Driver.FindElement(By.Id("status")).Text.Contains("found"), "the search's result");
        B.Driver.FindElement(By.Id("samp-table")).Click();
        B.Until(() => B.Driver.FindElement(By.Id("samp-status")).Text.StartsWith("Sent", StringComparison.Ordinal), "the SAMP send");
        B.Until(() => hub.Messages().Count > 0, "the listening client's message");
        var (mtype, p) = Assert.Single(hub.Messages());
        Assert.Equal("table.load.votable", mtype);
        var votable = await server.Client.GetStringAsync(p.GetProperty("url").GetString());
        Assert.Contains("<VOTABLE", votable);
        Assert.Contains("QUERY_STATUS\" value=\"OK", votable);
        AssertClean("/search SAMP");
    }

    [Theory]
    [InlineData("153.57", true, 153.57)]
    [InlineData("10:14:18", true, 153.575)]
    [InlineData("10 14 18", true, 153.575)]
    [InlineData("10h14m18s", true, 153.575)]
    [InlineData("+79:18:36", false, 79.31)]
    [InlineData("-05 30", false, -5.5)]
    [InlineData("-0:30:00", false, -0.5)]
    [InlineData("1e1", false, 10)]
    public void Angles_are_read_in_degrees_or_sexagesimal(string text, bool isRa, double degrees)
    {
        B.Open(Url("search"));
        var value = B.Driver.ExecuteAsyncScript("const done = arguments[arguments.length - 1]; import('./web/search.js').then(m => done(m.parseAngle(arguments[0], arguments[1])));", text, isRa);
        Assert.Equal(degrees, Convert.ToDouble(value, CultureInfo.InvariantCulture), 1e-9);
    }

    [Fact]
    public void Unreadable_angles_and_quoted_csv_are_handled()
    {
        B.Open(Url("search"));
        var result = (string)B.Driver.ExecuteAsyncScript(""""
            const done = arguments[arguments.length - 1];
            Promise.all([import('./web/search.js'), import('./web/csv.js')]).then(([s, c]) => done(JSON.stringify({
              bad: ['', 'abc', '10:xx', '1:2:3:4'].map(t => s.parseAngle(t, true)),
              csv: c.parseCsv('a,b\r\n"x, ""y""","multi\nline"\n1,\n'),
            })));
            """")!;
        Assert.Equal("""{"bad":[null,null,null,null],"csv":[["a","b"],["x, \"y\"","multi\nline"],["1",""]]}""", result);
    }

    [Fact]
    public async Task The_npy_reader_reads_what_SODA_sends()
    {
        var did = (await Dids(1))[0];
        B.Open(Url("view"));
        var result = (string)B.Driver.ExecuteAsyncScript("""
            const done = arguments[arguments.length - 1];
            import('./web/npy.js').then(async (m) => {
              const r = await fetch('soda/sync?ID=' + encodeURIComponent(arguments[0]) + '&BAND=5e-7%206e-7&RESPONSEFORMAT=application/x-npy');
              const { fields, length } = m.parseNpy(await r.arrayBuffer());
              done(JSON.stringify({ length, names: Object.keys(fields), first: fields.wavelength[0], last: fields.wavelength[length - 1] }));
            }).catch(e => done('error: ' + e.message));
            """, did)!;
        var doc = System.Text.Json.JsonDocument.Parse(result).RootElement;
        Assert.True(doc.GetProperty("length").GetInt32() > 100, result);
        Assert.Equal(["wavelength", "loglam", "flux", "ivar", "and_mask", "or_mask", "wdisp", "sky", "model"], doc.GetProperty("names").EnumerateArray().Select(e => e.GetString()));
        Assert.InRange(doc.GetProperty("first").GetDouble(), 4999, 5002);
        Assert.InRange(doc.GetProperty("last").GetDouble(), 5998, 6001);
    }

    [Fact]
    public async Task A_permalink_restores_the_same_view_with_several_spectra()
    {
        var dids = await Dids(2);
        B.Open(Url("view?" + string.Join("&", dids.Select(d => "ID=" + Uri.EscapeDataString(d)))));
        WaitDrawn();
        Assert.Equal(2, B.Driver.FindElements(By.CssSelector("#legend span")).Count);
        Assert.Equal(2, B.Driver.FindElements(By.CssSelector(".soda-url")).Count);
        Choose("unit", "nm");
        Choose("frame", "rest");
        Choose("soda-format", "application/x-votable+xml");
        var smooth = B.Driver.FindElement(By.Id("smooth"));
        smooth.SendKeys(Keys.Control + "a"); smooth.SendKeys("5"); smooth.SendKeys(Keys.Tab);
        B.Driver.FindElement(By.Id("show-sky")).Click();
        B.Driver.FindElement(By.Id("show-model")).Click();
        B.Driver.FindElement(By.Id("zoom-in")).Click();
        B.Driver.FindElement(By.Id("pan-right")).Click();
        WaitDrawn();
        B.Until(() => SodaUrl().Contains("BAND="), "the zoomed SODA URL");
        Settled();
        string permalink = Href("permalink"), soda0 = SodaUrl();
        string soda1 = Href("soda-url-1");
        string State() => (string)B.Js("return ['unit','frame','smooth','z','soda-format'].map(id => document.getElementById(id).value).join('|') + '|' + ['show-sky','show-err','show-model'].map(id => document.getElementById(id).checked).join('|')")!;
        var before = State();
        Assert.Contains("RESPONSEFORMAT=application%2Fx-votable%2Bxml", soda0);
        Assert.StartsWith("nm|rest|5|", before);
        B.Screenshot("view-overlay");

        B.Open(new Uri("about:blank"));
        B.Open(new Uri(permalink));
        WaitDrawn();
        Settled();
        Assert.True(before == State(), $"{before} then {State()}");
        Assert.True(soda0 == SodaUrl(), $"{soda0} then {SodaUrl()}");
        Assert.Equal(soda1, Href("soda-url-1"));
        AssertClean("/view permalink");
    }

    [Fact]
    public async Task Gaussian_smoothing_in_km_per_s_and_f_nu_draw_and_live_in_the_permalink()
    {
        var did = (await Dids(1))[0];
        B.Open(Url("view?ID=" + Uri.EscapeDataString(did)));
        WaitDrawn();
        Choose("kernel", "gauss");
        Choose("swunit", "kms");
        var width = B.Driver.FindElement(By.Id("smooth"));
        width.SendKeys(Keys.Control + "a"); width.SendKeys("300"); width.SendKeys(Keys.Tab);
        Choose("fluxu", "fnu");
        B.Until(() => B.Driver.Url.Contains("kernel=gauss", StringComparison.Ordinal) && B.Driver.Url.Contains("sw=kms", StringComparison.Ordinal)
            && B.Driver.Url.Contains("fu=fnu", StringComparison.Ordinal) && B.Driver.Url.Contains("smooth=300", StringComparison.Ordinal), "the state in the address");
        B.Until(() => InkPixels() > 300, "the smoothed f_nu spectrum drawn");
        Assert.Contains("f_ν (µJy)", B.Driver.FindElement(By.Id("chart")).GetAttribute("aria-label"));
        string address = B.Driver.Url;
        B.Open(new Uri(address));
        WaitDrawn();
        Assert.Equal("gauss|kms|300|fnu", (string)B.Js("return ['kernel', 'swunit', 'smooth', 'fluxu'].map(id => document.getElementById(id).value).join('|')")!);
        Assert.Contains("f_ν (µJy)", B.Driver.FindElement(By.Id("chart")).GetAttribute("aria-label"));
        B.Screenshot("view-gauss-fnu");
        AssertClean("/view gaussian f_nu");
    }

    [Fact]
    public async Task Keyboard_alone_searches_opens_a_spectrum_and_zooms()
    {
        var all = await TapDids(" WHERE o.obs_collection = 'demo'");
        B.Open(Url("search"));
        IWebElement Active() => B.Driver.SwitchTo().ActiveElement();
        void TabTo(Func<IWebElement, bool> target, string what)
        {
            for (int i = 0; i < 80; i++)
            {
                if (target(Active())) return;
                new OpenQA.Selenium.Interactions.Actions(B.Driver).SendKeys(Keys.Tab).Perform();
            }
            throw new InvalidOperationException("Tab never reached " + what);
        }
        TabTo(e => e.GetAttribute("id") == "top", "the row limit");
        new OpenQA.Selenium.Interactions.Actions(B.Driver).SendKeys(Keys.Enter).Perform();
        B.Until(() => B.Driver.FindElement(By.Id("status")).Text.Contains("found"), "the search's result");
        Assert.Equal($"{all.Count} rows found.", B.Driver.FindElement(By.Id("status")).Text);
        TabTo(e => (e.GetAttribute("href") ?? "").Contains("/view?ID=", StringComparison.Ordinal), "a result's viewer link");
        new OpenQA.Selenium.Interactions.Actions(B.Driver).SendKeys(Keys.Enter).Perform();
        B.Until(() => B.Driver.Url.Contains("/view?ID=", StringComparison.Ordinal), "the viewer");
        WaitDrawn();
        TabTo(e => e.GetAttribute("id") == "chart", "the chart");
        new OpenQA.Selenium.Interactions.Actions(B.Driver).SendKeys("+").Perform();
        B.Until(() => SodaUrl().Contains("BAND="), "the zoom by '+'");
        var (lo1, hi1) = Band(SodaUrl());
        new OpenQA.Selenium.Interactions.Actions(B.Driver).SendKeys(Keys.ArrowRight).Perform();
        B.Until(() => Band(SodaUrl()).Lo > lo1, "the pan by the right arrow");
        var (lo2, hi2) = Band(SodaUrl());
        Assert.Equal(hi1 - lo1, hi2 - lo2, 1e-12);
        new OpenQA.Selenium.Interactions.Actions(B.Driver).SendKeys("0").Perform();
        B.Until(() => !SodaUrl().Contains("BAND="), "the reset by '0'");
        AssertClean("keyboard path");
    }

    /// <summary>Opaque pixels (lines, not the translucent bands and mask shading) of canvas <paramref name="index"/> in the
    /// chart that are clearly the first spectrum's blue, or the second's red.</summary>
    private long Ink(int index, bool red) => Convert.ToInt64(B.Js("""
        const c = document.querySelectorAll('#chart canvas')[arguments[0]];
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) {
          const [r, g, b, a] = [d[i], d[i + 1], d[i + 2], d[i + 3]];
          if (a > 200 && (arguments[1] ? r > 150 && g < 100 && b < 100 : b > r + 40 && b > g + 20)) n++;
        }
        return n;
        """, index, red));

    private List<string> Fetched(string part) => ((IReadOnlyCollection<object>)B.Js(
        "return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes(arguments[0]))", part)!).Select(o => (string)o).ToList();

    [Fact]
    public async Task Several_spectra_are_overlaid_aligned_through_getSpec_or_stacked_on_one_wavelength_axis()
    {
        var dids = await Dids(2);
        string ids = string.Join("&", dids.Select(d => "ID=" + Uri.EscapeDataString(d)));
        B.Open(Url("view?" + ids));
        WaitDrawn();
        Assert.Equal("", B.Driver.FindElement(By.Id("view-status")).Text);
        // The data came through getSpec (one aligned request for the collection), not SODA; DataLink still gave the SODA URLs.
        Assert.Single(Fetched("/spec/getSpec"));
        Assert.Empty(Fetched("/soda/sync"));
        Assert.Equal(2, B.Driver.FindElements(By.CssSelector(".soda-url")).Count);
        Assert.Single(B.Driver.FindElements(By.CssSelector("#chart canvas")));
        B.Until(() => Ink(0, red: false) > 300 && Ink(0, red: true) > 300, "both spectra drawn in one chart (blue and red)");
        Assert.True(B.Driver.FindElement(By.Id("layout-box")).Displayed);
        B.Screenshot("view-overlay-getspec");

        Choose("layout", "stack");
        B.Until(() => B.Driver.FindElements(By.CssSelector("#chart canvas")).Count == 2, "two stacked panels");
        B.Until(() => Ink(0, red: false) > 300 && Ink(1, red: true) > 300, "one spectrum per panel");
        // Each panel holds its own spectrum only: next to no red in the first, no blue in the second (a few
        // antialiased pixels of the orange model and the grey line markers aside).
        long red0 = Ink(0, red: true), red1 = Ink(1, red: true), blue0 = Ink(0, red: false), blue1 = Ink(1, red: false);
        Assert.True(red0 * 20 < red1 && blue1 * 20 < blue0, $"red {red0} and {red1}, blue {blue0} and {blue1} in the two panels");
        B.Until(() => B.Driver.Url.Contains("layout=stack", StringComparison.Ordinal), "the layout in the address");
        Assert.Contains("2 stacked panels", B.Driver.FindElement(By.Id("chart")).GetAttribute("aria-label"));

        // Zooming one panel zooms both: they share the wavelength axis.
        string Ranges() => (string)B.Js("return JSON.stringify(document.getElementById('chart').ranges())")!;
        var whole = Ranges();
        B.Driver.FindElement(By.Id("zoom-in")).Click();
        B.Driver.FindElement(By.Id("pan-right")).Click();
        B.Until(() => SodaUrl().Contains("BAND=") && Ranges() != whole, "the zoom");
        var ranges = System.Text.Json.JsonSerializer.Deserialize<double[][]>(Ranges())!;
        Assert.Equal(2, ranges.Length);
        Assert.Equal(ranges[0], ranges[1]);
        var over = B.Driver.FindElements(By.CssSelector("#chart .u-over"))[1];
        new OpenQA.Selenium.Interactions.Actions(B.Driver).MoveToElement(over, -over.Size.Width / 10, 0).ClickAndHold().MoveByOffset(over.Size.Width / 5, 0).Release().Perform();
        B.Until(() => System.Text.Json.JsonSerializer.Deserialize<double[][]>(Ranges())! is var r && r[0][1] - r[0][0] < (ranges[0][1] - ranges[0][0]) * 0.5, "the drag in the second panel");
        var dragged = System.Text.Json.JsonSerializer.Deserialize<double[][]>(Ranges())!;
        Assert.Equal(dragged[0], dragged[1]);
        B.Screenshot("view-stacked");
        B.Until(() => B.Driver.FindElement(By.Id("permalink")).GetAttribute("href")!.Contains("layout=stack", StringComparison.Ordinal)
            && SodaUrl() is var u && Band(u).Hi - Band(u).Lo < (ranges[0][1] - ranges[0][0]) * 0.6e-10, "the permalink of the dragged view");
        string permalink = B.Driver.FindElement(By.Id("permalink")).GetAttribute("href")!, soda = SodaUrl();
        AssertClean("/view stacked");

        B.Open(new Uri("about:blank"));
        B.Open(new Uri(permalink));
        B.Until(() => B.Driver.FindElements(By.CssSelector("#chart canvas")).Count == 2, "the stacked panels from the permalink");
        B.Until(() => Ink(0, red: false) > 100 && Ink(1, red: true) > 100, "both panels drawn again");
        Assert.Equal("stack", B.Driver.FindElement(By.Id("layout")).GetDomProperty("value"));
        B.Until(() => SodaUrl() == soda, "the same SODA band");
        AssertClean("/view stacked permalink");
    }

    [Fact]
    public async Task Masked_pixels_are_shaded_by_their_mask_bit_with_a_legend()
    {
        var did = (await Dids(1))[0];
        B.Open(Url("view?ID=" + Uri.EscapeDataString(did)));
        WaitDrawn();
        // The bits the spectrum has (each masked pixel counted under its lowest and_mask bit; -1: no ivar), from SODA.
        var expected = (string)B.Driver.ExecuteAsyncScript("""
            const done = arguments[arguments.length - 1];
            import('./web/npy.js').then(async (m) => {
              const r = await fetch('soda/sync?ID=' + encodeURIComponent(arguments[0]) + '&RESPONSEFORMAT=application/x-npy');
              const { fields } = m.parseNpy(await r.arrayBuffer());
              const bits = new Set();
              fields.and_mask.forEach((v, i) => { const k = v >>> 0; if (k) bits.add(31 - Math.clz32(k & -k)); else if (!(fields.ivar[i] > 0)) bits.add(-1); });
              done([...bits].sort((a, b) => a - b).join(','));
            });
            """, did)!;
        Assert.NotEqual("", expected); // the demo spectra have masked sky lines
        var legend = B.Driver.FindElement(By.Id("mask-legend"));
        Assert.True(legend.Displayed);
        Assert.Equal(expected, string.Join(",", legend.FindElements(By.CssSelector(".mask-bit")).Select(e => e.GetAttribute("data-bit"))));
        if (expected.Split(',').Contains("23")) Assert.Contains("BRIGHTSKY (bit 23)", legend.Text);
        // The shade of the first bit is on the canvas (translucent: its hue at a low alpha), and goes with the toggle.
        long Shaded() => Convert.ToInt64(B.Js("""
            const sw = document.querySelector('#mask-legend .mask-swatch');
            const [r0, g0, b0] = getComputedStyle(sw).backgroundColor.match(/[\d.]+/g).map(Number);
            const c = document.querySelector('#chart canvas');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 0; i < d.length; i += 4)
              if (d[i + 3] > 20 && d[i + 3] < 80 && Math.abs(d[i] - r0) < 16 && Math.abs(d[i + 1] - g0) < 16 && Math.abs(d[i + 2] - b0) < 16) n++;
            return n;
            """));
        Assert.True(Shaded() > 100, $"shaded pixels: {Shaded()}");
        B.Driver.FindElement(By.Id("show-mask")).Click();
        B.Until(() => !legend.Displayed, "the legend hidden with the masks");
        AssertClean("/view masks");
    }

    [Fact]
    public async Task The_redshift_starts_at_the_catalogue_z_and_the_slider_moves_the_line_list()
    {
        var did = (await Dids(1))[0];
        var body = new FormUrlEncodedContent(new Dictionary<string, string> { ["LANG"] = "ADQL", ["FORMAT"] = "csv",
            ["QUERY"] = $"SELECT s.z FROM ivoa.obscore AS o JOIN spec.specobj AS s ON s.collection = o.obs_collection AND s.obs_id = o.obs_id WHERE o.obs_publisher_did = '{did}'" });
        using var r = await server.Client.PostAsync("tap/sync", body);
        double z = double.Parse((await r.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        B.Open(Url("view?ID=" + Uri.EscapeDataString(did) + "&model=0&err=0&mask=0"));
        WaitDrawn();
        Assert.Equal(z, double.Parse(B.Driver.FindElement(By.Id("z")).GetDomProperty("value")!, CultureInfo.InvariantCulture), 1e-5);
        // The line markers are grey dashes: where they are, column by column, before and after moving the slider.
        string Markers() => (string)B.Js("""
            const c = document.querySelector('#chart canvas'), ctx = c.getContext('2d');
            const d = ctx.getImageData(0, 0, c.width, c.height).data, cols = new Set();
            for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 60 && Math.abs(d[i] - 60) < 25 && Math.abs(d[i + 1] - 60) < 25 && Math.abs(d[i + 2] - 60) < 25) cols.add((i / 4) % c.width);
            return [...cols].sort((a, b) => a - b).join(',');
            """)!;
        var before = Markers();
        Assert.NotEqual("", before);
        var slider = B.Driver.FindElement(By.Id("z-slider"));
        B.Js("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'));", slider, (z + 0.05).ToString(CultureInfo.InvariantCulture));
        B.Until(() => Markers() != before, "the line markers moved");
        var moved = B.Driver.FindElement(By.Id("z")).GetDomProperty("value")!; // the slider's step rounds it
        Assert.Equal(z + 0.05, double.Parse(moved, CultureInfo.InvariantCulture), 1e-4);
        B.Until(() => B.Driver.Url.Contains("z=" + moved, StringComparison.Ordinal), "the redshift in the address");
        AssertClean("/view redshift");
    }

    [Fact]
    public async Task Touch_drags_pan_and_a_pinch_zooms()
    {
        var did = (await Dids(1))[0];
        B.Open(Url("view?ID=" + Uri.EscapeDataString(did)));
        WaitDrawn();
        B.Driver.FindElement(By.Id("zoom-in")).Click();
        B.Until(() => SodaUrl().Contains("BAND="), "the zoom");
        var (lo, hi) = Band(SodaUrl());
        var over = B.Driver.FindElement(By.CssSelector("#chart .u-over"));
        int w = over.Size.Width;
        // One finger from right to left: the spectrum follows it, so the band moves to longer wavelengths, same width.
        var finger = new OpenQA.Selenium.Interactions.PointerInputDevice(OpenQA.Selenium.Interactions.PointerKind.Touch, "finger");
        var drag = new OpenQA.Selenium.Interactions.ActionBuilder();
        drag.AddAction(finger.CreatePointerMove(over, w / 4, 0, TimeSpan.Zero));
        drag.AddAction(finger.CreatePointerDown(OpenQA.Selenium.Interactions.MouseButton.Touch));
        drag.AddAction(finger.CreatePointerMove(over, -w / 4, 0, TimeSpan.FromMilliseconds(200)));
        drag.AddAction(finger.CreatePointerUp(OpenQA.Selenium.Interactions.MouseButton.Touch));
        ((IActionExecutor)B.Driver).PerformActions(drag.ToActionSequenceList());
        B.Until(() => Band(SodaUrl()).Lo > lo + (hi - lo) * 0.3, "the pan by one finger");
        var (lo2, hi2) = Band(SodaUrl());
        Assert.Equal(hi - lo, hi2 - lo2, (hi - lo) * 1e-3);

        // Two fingers moving apart: a zoom in about their middle.
        var a = new OpenQA.Selenium.Interactions.PointerInputDevice(OpenQA.Selenium.Interactions.PointerKind.Touch, "a");
        var b = new OpenQA.Selenium.Interactions.PointerInputDevice(OpenQA.Selenium.Interactions.PointerKind.Touch, "b");
        var pinch = new OpenQA.Selenium.Interactions.ActionBuilder();
        pinch.AddAction(a.CreatePointerMove(over, -w / 10, 0, TimeSpan.Zero)).AddAction(b.CreatePointerMove(over, w / 10, 0, TimeSpan.Zero));
        pinch.AddAction(a.CreatePointerDown(OpenQA.Selenium.Interactions.MouseButton.Touch)).AddAction(b.CreatePointerDown(OpenQA.Selenium.Interactions.MouseButton.Touch));
        pinch.AddAction(a.CreatePointerMove(over, -w / 4, 0, TimeSpan.FromMilliseconds(200))).AddAction(b.CreatePointerMove(over, w / 4, 0, TimeSpan.FromMilliseconds(200)));
        pinch.AddAction(a.CreatePointerUp(OpenQA.Selenium.Interactions.MouseButton.Touch)).AddAction(b.CreatePointerUp(OpenQA.Selenium.Interactions.MouseButton.Touch));
        ((IActionExecutor)B.Driver).PerformActions(pinch.ToActionSequenceList());
        B.Until(() => Band(SodaUrl()) is var z && z.Hi - z.Lo < (hi2 - lo2) * 0.6, "the zoom by a pinch");
        var (lo3, hi3) = Band(SodaUrl());
        Assert.InRange((lo3 + hi3) / 2, lo2 + (hi2 - lo2) * 0.4, lo2 + (hi2 - lo2) * 0.6); // about the middle
        AssertClean("/view by touch");
    }

    [Theory]
    [InlineData(3840, 2160, 1)] // a 4K screen at 100 %
    [InlineData(1920, 1080, 2)] // the same screen at 200 %: the canvas keeps every device pixel
    public async Task On_a_4K_screen_the_pages_fit_and_the_chart_is_drawn_at_device_resolution(int width, int height, int scale)
    {
        var did = (await Dids(1))[0];
        B.Driver.ExecuteCdpCommand("Emulation.setDeviceMetricsOverride", new Dictionary<string, object?>
            { ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = scale, ["mobile"] = false });
        try
        {
            foreach (var page in new[] { "", "search?collection=demo", "view?ID=" + Uri.EscapeDataString(did) })
            {
                B.Open(Url(page));
                if (page.StartsWith("view", StringComparison.Ordinal)) WaitDrawn();
                Assert.Equal((long)width, Convert.ToInt64(B.Js("return window.innerWidth")));
                long scroll = Convert.ToInt64(B.Js("return document.documentElement.scrollWidth")), inner = Convert.ToInt64(B.Js("return document.documentElement.clientWidth"));
                Assert.True(scroll <= inner + 1, $"/{page} is {scroll} px wide in a {inner} px window");
                AssertClean("/" + page + $" at {width}x{height}@{scale}");
            }
            var (canvas, css) = ((IReadOnlyCollection<object>)B.Js("const c = document.querySelector('#chart canvas'); return [c.width, c.getBoundingClientRect().width];")!)
                .Select(Convert.ToDouble).ToArray() switch { var v => (v[0], v[1]) };
            Assert.Equal(Math.Round(css * scale), canvas, 1.0);
            Assert.True(InkPixels() > 300 * scale, "the flux drawn");
            B.Screenshot($"view-{width}x{height}@{scale}");
        }
        finally { B.Driver.ExecuteCdpCommand("Emulation.clearDeviceMetricsOverride", new Dictionary<string, object?>()); }
    }

    [Fact]
    public async Task Every_docs_link_of_the_landing_page_answers_and_loads_cleanly()
    {
        B.Open(Url(""));
        var links = B.Driver.FindElements(By.CssSelector("#docs-list a")).Select(a => a.GetAttribute("href")!).ToList();
        AssertClean("/ (docs links)");
        // Every document of docs/ (the index's README aside), the index, and the /spec reference.
        int documents = Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "docs"), "*.md", SearchOption.AllDirectories).Length - 1;
        Assert.Equal(documents + 2, links.Count);
        Assert.Contains(Url("docs/architecture.md").AbsoluteUri, links);
        Assert.Contains(Url("docs/reliability/security.md").AbsoluteUri, links);
        foreach (var link in links)
        {
            B.Open(new Uri(link));
            Assert.Equal(200L, Convert.ToInt64(B.Js("return performance.getEntriesByType('navigation')[0].responseStatus")));
            // The /spec reference (Scalar) runs under its own policy: its scripts draw the OpenAPI document.
            if (link.Contains("/docs/api", StringComparison.Ordinal))
                B.Until(() => B.Driver.FindElement(By.TagName("body")).Text.Contains("getSpec", StringComparison.Ordinal), "the /spec reference drawn");
            AssertClean(link);
            if (!link.Contains("/docs/api", StringComparison.Ordinal))
            {
                Assert.NotEmpty(B.Driver.FindElements(By.CssSelector("main h1")));
                // The links inside a document lead somewhere on this server (or outside it): none is broken.
                var inner = ((IReadOnlyCollection<object>)B.Js("return [...document.querySelectorAll('main a')].map(a => a.href).filter(h => h.startsWith(location.origin))")!)
                    .Cast<string>().Select(h => h.Split('#')[0]).Distinct();
                foreach (var target in inner)
                {
                    using var answer = await server.Client.GetAsync(target);
                    Assert.True(answer.IsSuccessStatusCode, $"{link} links {target}, which answers {(int)answer.StatusCode}");
                }
            }
        }
        B.Screenshot("docs-page");
    }

    [Fact]
    public void A_docs_page_shows_script_text_escaped()
    {
        B.Js("window.alert = () => { window.__alerted = true; };");
        B.Open(Url("docs/reliability/security.md"));
        var codes = B.Driver.FindElements(By.CssSelector("article.doc code")).Select(c => c.Text).ToList();
        Assert.Contains("<script>alert(1)</script>", codes);
        Assert.Equal(0L, Convert.ToInt64(B.Js("return document.querySelectorAll('main script, main [onload], main [onerror]').length")));
        Assert.Null(B.Js("return window.__alerted ?? null"));
        AssertClean("/docs/reliability/security.md");
        AssertFitsNarrow(360, "docs-360");
    }

    [Fact]
    public async Task Stacked_panels_each_have_their_own_redshift_kept_in_the_permalink()
    {
        var dids = await Dids(2);
        var zs = new List<double>();
        foreach (var did in dids)
        {
            var body = new FormUrlEncodedContent(new Dictionary<string, string> { ["LANG"] = "ADQL", ["FORMAT"] = "csv",
                ["QUERY"] = $"SELECT s.z FROM ivoa.obscore AS o JOIN spec.specobj AS s ON s.collection = o.obs_collection AND s.obs_id = o.obs_id WHERE o.obs_publisher_did = '{did}'" });
            using var r = await server.Client.PostAsync("tap/sync", body);
            zs.Add(double.Parse((await r.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture));
        }
        Assert.True(Math.Abs(zs[0] - zs[1]) > 0.01, $"the two spectra's redshifts differ ({zs[0]}, {zs[1]})");
        string ids = string.Join("&", dids.Select(d => "ID=" + Uri.EscapeDataString(d)));
        B.Open(Url("view?" + ids + "&model=0&err=0&mask=0"));
        WaitDrawn();
        // Overlaid: one redshift for all, no panel's own.
        Assert.Empty(B.Driver.FindElements(By.Id("z-0")));
        Choose("layout", "stack");
        B.Until(() => B.Driver.FindElements(By.CssSelector("#chart canvas")).Count == 2 && B.Driver.FindElements(By.Id("z-1")).Count == 1, "two stacked panels with their redshifts");
        double PanelZ(int k) => double.Parse(B.Driver.FindElement(By.Id("z-" + k)).GetDomProperty("value")!, CultureInfo.InvariantCulture);
        Assert.Equal(zs[0], PanelZ(0), 1e-5);
        Assert.Equal(zs[1], PanelZ(1), 1e-5);
        // The line markers (grey dashes) of each panel, column by column.
        string Markers(int k) => (string)B.Js("""
            const c = document.querySelectorAll('#chart canvas')[arguments[0]], ctx = c.getContext('2d');
            const d = ctx.getImageData(0, 0, c.width, c.height).data, cols = new Set();
            for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 60 && Math.abs(d[i] - 60) < 25 && Math.abs(d[i + 1] - 60) < 25 && Math.abs(d[i + 2] - 60) < 25) cols.add((i / 4) % c.width);
            return [...cols].sort((a, b) => a - b).join(',');
            """, k)!;
        B.Until(() => Markers(0) != "" && Markers(1) != "", "the line markers of both panels");
        // The panels' own redshifts place their lines apart (one shared redshift would draw the same columns).
        Assert.NotEqual(Markers(0), Markers(1));
        string before0 = Markers(0), before1 = Markers(1);
        var field = B.Driver.FindElement(By.Id("z-1"));
        field.Clear();
        field.SendKeys("0.5" + Keys.Tab);
        B.Until(() => Markers(1) != before1, "the second panel's lines moved");
        Assert.Equal(before0, Markers(0)); // the first panel's did not
        Assert.Equal(zs[0], PanelZ(0), 1e-5);
        B.Until(() => Href("permalink").Contains("zs=", StringComparison.Ordinal) && Href("permalink").Contains("%2C0.5", StringComparison.Ordinal), "the panels' redshifts in the permalink");
        string permalink = Href("permalink"), lines1 = Markers(1);
        AssertClean("/view stacked redshifts");

        B.Open(new Uri("about:blank"));
        B.Open(new Uri(permalink));
        B.Until(() => B.Driver.FindElements(By.Id("z-1")).Count == 1 && InkPixels() > 100, "the stacked panels from the permalink");
        Assert.Equal(zs[0], PanelZ(0), 1e-5);
        Assert.Equal(0.5, PanelZ(1), 1e-9);
        B.Until(() => Markers(1) == lines1 && Markers(0) == before0, "the same line markers again");
        AssertClean("/view stacked redshifts permalink");
    }

    [Fact]
    public void The_viewer_without_an_ID_says_so_and_fits_360_px()
    {
        B.Open(Url("view"));
        B.Until(() => B.Driver.FindElement(By.Id("view-status")).Text.Contains("No spectrum"), "the viewer's note");
        AssertClean("/view without ID");
        AssertFitsNarrow(360);
        B.Open(Url("view?ID=" + Uri.EscapeDataString("ivo://nowhere/x?1<b>")));
        B.Until(() => B.Driver.FindElement(By.Id("view-status")).Text.Contains("Not shown"), "the unknown ID's note");
        Assert.Empty(B.Driver.FindElements(By.CssSelector("#view-status b")));
    }
}
