using System.Globalization;
using System.Text.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace VoSpec.Bench;

/// <summary>
/// The web pages' budgets (issue 14) in Debian's headless Chromium against a running server: bytes transferred by a
/// first load of each page (fresh profile, nothing cached) before any spectrum data; the viewer's first complete draw
/// after its data arrived (User Timing marks 'vospec:data' → 'vospec:drawn' in view.js), for the longest spectrum of
/// the archive with model, sky and ±1σ; and each zoom or pan frame ('vospec:zoom', set when the x range is asked to
/// change, → the next 'vospec:frame', set when the chart has been drawn), by keyboard (+, -, arrows), reported with
/// its median, p90, p99 and maximum. Every Chromium runs in a fresh profile under a temporary directory that is
/// removed with it.
/// </summary>
internal static class WebBudgetBench
{
    public static void Run(Options o)
    {
        var url = new Uri(o.Str("url", "http://127.0.0.1:5000/").TrimEnd('/') + "/");
        int rounds = o.Int("rounds", 5);
        var (did, npix) = Longest(url);
        Console.WriteLine($"viewer spectrum: {did} ({npix} pixels)");
        string view = "view?ID=" + Uri.EscapeDataString(did);
        Console.WriteLine("| page | first load, bytes (budget 300 KB before spectrum data) | of which spectrum data |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var page in new[] { "", "search", view })
        {
            using var fresh = new Chromium();
            var b = fresh.Driver;
            b.Navigate().GoToUrl(new Uri(url, page));
            WaitFor(b, page == view ? "performance.getEntriesByName('vospec:drawn').length > 0" : "document.readyState === 'complete'");
            Thread.Sleep(500); // late images (the sky map, thumbnails)
            var bytes = JsonSerializer.Deserialize<long[]>((string)((IJavaScriptExecutor)b).ExecuteScript("""
                const nav = performance.getEntriesByType('navigation')[0];
                const res = performance.getEntriesByType('resource');
                const data = res.filter(r => /\/(soda|datalink|tap)\//.test(r.name) || r.name.includes('/tap/sync'));
                const page = res.filter(r => !data.includes(r));
                return JSON.stringify([nav.transferSize + page.reduce((s, r) => s + r.transferSize, 0), data.reduce((s, r) => s + r.transferSize, 0)]);
                """)!)!;
            Console.WriteLine(FormattableString.Invariant($"| /{(page == view ? "view?ID=…" : page)} | {bytes[0]:N0} | {bytes[1]:N0} |"));
        }

        using var chromium = new Chromium();
        var browser = chromium.Driver;
        var draws = new List<double>();
        var frames = new List<double>();
        // Zoom in twice, pan right and left, zoom out twice, then once more each way: every kind of frame.
        string[] keys = ["+", "+", Keys.ArrowRight, Keys.ArrowRight, Keys.ArrowLeft, "-", "-", "+", Keys.ArrowLeft, "-"];
        for (int r = 0; r < rounds; r++)
        {
            browser.Navigate().GoToUrl(new Uri(url, view));
            WaitFor(browser, "performance.getEntriesByName('vospec:drawn').length > 0");
            draws.Add(Convert.ToDouble(((IJavaScriptExecutor)browser).ExecuteScript("return performance.measure('draw', 'vospec:data', 'vospec:drawn').duration"), CultureInfo.InvariantCulture));
            // A person's first zoom comes well after the first draw: the page settles (its garbage collected) first.
            Thread.Sleep(1000);
            var chart = browser.FindElement(By.Id("chart"));
            int before = Convert.ToInt32(((IJavaScriptExecutor)browser).ExecuteScript("return performance.getEntriesByName('vospec:zoom').length"), CultureInfo.InvariantCulture);
            for (int k = 0; k < keys.Length; k++)
            {
                int n = before + k;
                chart.SendKeys(keys[k]);
                WaitFor(browser, $"performance.getEntriesByName('vospec:zoom').length === {n + 1} && performance.getEntriesByName('vospec:frame').some(f => f.startTime > performance.getEntriesByName('vospec:zoom')[{n}].startTime)");
                frames.Add(Convert.ToDouble(((IJavaScriptExecutor)browser).ExecuteScript($$"""
                    const z = performance.getEntriesByName('vospec:zoom')[{{n}}].startTime;
                    return performance.getEntriesByName('vospec:frame').find(f => f.startTime > z).startTime - z;
                    """), CultureInfo.InvariantCulture));
                Thread.Sleep(150); // the view at rest: the address and SODA links follow outside the frame
            }
        }
        // Each frame in the order measured, and the machine's load: a busy machine's scheduler makes the slow frames.
        Console.WriteLine("frames in order (ms): " + string.Join(" ", frames.Select(f => f.ToString("0.0", CultureInfo.InvariantCulture))));
        if (File.Exists("/proc/loadavg")) Console.WriteLine("load average (1, 5, 15 min) at the end: " + string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)));
        draws.Sort(); frames.Sort();
        double P(List<double> v, double p) => v[Math.Min(v.Count - 1, (int)Math.Ceiling(v.Count * p) - 1)];
        Console.WriteLine(FormattableString.Invariant(
            $"first complete draw after the data arrived: median {P(draws, 0.5):0.0} ms, max {draws[^1]:0.0} ms over {draws.Count} loads (budget 200 ms)"));
        Console.WriteLine(FormattableString.Invariant(
            $"zoom/pan frame: median {P(frames, 0.5):0.0} ms, p90 {P(frames, 0.9):0.0} ms, p99 {P(frames, 0.99):0.0} ms, max {frames[^1]:0.0} ms over {frames.Count} frames, {frames.Count(f => f > 16)} over 16 ms (budget 16 ms)"));
    }

    /// <summary>The archive's longest spectrum, through TAP.</summary>
    private static (string Did, long Npix) Longest(Uri url)
    {
        using var http = new HttpClient { BaseAddress = url };
        var csv = http.GetStringAsync("tap/sync?LANG=ADQL&FORMAT=csv&QUERY=" + Uri.EscapeDataString("SELECT TOP 1 obs_publisher_did, em_xel FROM ivoa.obscore ORDER BY em_xel DESC")).GetAwaiter().GetResult();
        var cells = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].Trim().Split(',');
        return (cells[0], long.Parse(cells[1], CultureInfo.InvariantCulture));
    }

    /// <summary>Headless Chromium in a fresh profile directory, removed when the browser is disposed.</summary>
    private sealed class Chromium : IDisposable
    {
        private readonly DirectoryInfo _profile = Directory.CreateTempSubdirectory("vospec-bench-chromium");
        public ChromeDriver Driver { get; }

        public Chromium()
        {
            var service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
            service.SuppressInitialDiagnosticInformation = true;
            var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
            options.AddArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + _profile.FullName, "--window-size=1280,1000");
            Driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        }

        public void Dispose()
        {
            Driver.Quit(); // Chromium has exited when Quit returns: its profile can go
            Driver.Dispose();
            try { _profile.Delete(recursive: true); } catch (IOException) { } // a straggling child's late write: the OS temp cleaner has it
        }
    }

    private static void WaitFor(IWebDriver b, string condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (((IJavaScriptExecutor)b).ExecuteScript("return " + condition) is true) return;
            Thread.Sleep(20);
        }
        throw new TimeoutException("timed out waiting for " + condition);
    }
}
