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
/// its median, p90, p99 and maximum. With --profile, the frames run under Chromium's sampling profiler (DevTools
/// Protocol, 100 µs) and the functions with the most self time in them are printed, the garbage collector among them.
/// Every Chromium runs in a fresh profile under a temporary directory that is
/// removed with it.
/// </summary>
internal static class WebBudgetBench
{
    public static void Run(Options o)
    {
        var url = new Uri(o.Str("url", "http://127.0.0.1:5000/").TrimEnd('/') + "/");
        int rounds = o.Int("rounds", 5);
        bool profile = o.Has("profile");
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
        var selfTimes = new Dictionary<string, double>(StringComparer.Ordinal);
        // Zoom in twice, pan right and left, zoom out twice, then once more each way: every kind of frame.
        string[] keys = ["+", "+", Keys.ArrowRight, Keys.ArrowRight, Keys.ArrowLeft, "-", "-", "+", Keys.ArrowLeft, "-"];
        if (profile)
        {
            browser.ExecuteCdpCommand("Profiler.enable", []);
            browser.ExecuteCdpCommand("Profiler.setSamplingInterval", new() { ["interval"] = 100 });
        }
        for (int r = 0; r < rounds; r++)
        {
            browser.Navigate().GoToUrl(new Uri(url, view));
            WaitFor(browser, "performance.getEntriesByName('vospec:drawn').length > 0");
            draws.Add(Convert.ToDouble(((IJavaScriptExecutor)browser).ExecuteScript("return performance.measure('draw', 'vospec:data', 'vospec:drawn').duration"), CultureInfo.InvariantCulture));
            // A person's first zoom comes well after the first draw: the page settles (its garbage collected) first.
            Thread.Sleep(1000);
            var chart = browser.FindElement(By.Id("chart"));
            if (profile) browser.ExecuteCdpCommand("Profiler.start", []);
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
            if (profile) Tally(selfTimes, browser.ExecuteCdpCommand("Profiler.stop", []));
        }
        // Each frame in the order measured, and the machine's load: a busy machine's scheduler makes the slow frames.
        Console.WriteLine("frames in order (ms): " + string.Join(" ", frames.Select(f => f.ToString("0.0", CultureInfo.InvariantCulture))));
        if (File.Exists("/proc/loadavg")) Console.WriteLine("load average (1, 5, 15 min) at the end: " + string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)));
        if (profile)
        {
            double total = selfTimes.Values.Sum();
            Console.WriteLine($"profile of the frame phases (self time, ms, of {total:0} ms sampled, idle excluded):");
            foreach (var (name, ms) in selfTimes.OrderByDescending(kv => kv.Value).Take(25))
                Console.WriteLine(FormattableString.Invariant($"  {ms,8:0.0}  {ms / total,6:P1}  {name}"));
        }
        draws.Sort(); frames.Sort();
        double P(List<double> v, double p) => v[Math.Min(v.Count - 1, (int)Math.Ceiling(v.Count * p) - 1)];
        Console.WriteLine(FormattableString.Invariant(
            $"first complete draw after the data arrived: median {P(draws, 0.5):0.0} ms, max {draws[^1]:0.0} ms over {draws.Count} loads (budget 200 ms)"));
        Console.WriteLine(FormattableString.Invariant(
            $"zoom/pan frame: median {P(frames, 0.5):0.0} ms, p90 {P(frames, 0.9):0.0} ms, p99 {P(frames, 0.99):0.0} ms, max {frames[^1]:0.0} ms over {frames.Count} frames, {frames.Count(f => f > 16)} over 16 ms (budget 16 ms)"));
    }

    /// <summary>Adds a DevTools CPU profile's self time per function (name, script and line) to <paramref name="into"/>, idle left out.</summary>
    private static void Tally(Dictionary<string, double> into, object? stopped)
    {
        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(stopped));
        var profile = doc.RootElement.GetProperty("profile");
        var names = new Dictionary<long, string>();
        foreach (var node in profile.GetProperty("nodes").EnumerateArray())
        {
            var frame = node.GetProperty("callFrame");
            string fn = frame.GetProperty("functionName").GetString() is { Length: > 0 } f ? f : "(anonymous)";
            string url = frame.GetProperty("url").GetString() ?? "";
            names[node.GetProperty("id").GetInt64()] = url.Length == 0 ? fn : $"{fn} {url[(url.LastIndexOf('/') + 1)..]}:{frame.GetProperty("lineNumber").GetInt32() + 1}";
        }
        var samples = profile.GetProperty("samples").EnumerateArray().Select(e => e.GetInt64()).ToList();
        var deltas = profile.GetProperty("timeDeltas").EnumerateArray().Select(e => e.GetDouble()).ToList();
        // Each sample's time is the delta to the next one (µs).
        for (int i = 0; i + 1 < samples.Count; i++)
        {
            string name = names[samples[i]];
            if (name == "(idle)") continue;
            into[name] = into.GetValueOrDefault(name) + deltas[i + 1] / 1000;
        }
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
