using System.Text.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using VoSpec.Testing;

namespace VoSpec.Server.Tests.Web;

/// <summary>
/// Debian's headless Chromium driven by its chromedriver (Selenium). A missing browser or driver fails with its name
/// (.ci/run installs both). The flags keep Chromium off the network (this machine's closed network refuses its
/// background connections); every run gets a fresh profile directory. ChromeDriverService stops its own process.
/// </summary>
public sealed class Browser : IDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string ChromeDriverPath = "/usr/bin/chromedriver";

    private readonly TempDir _profile = TestPaths.NewTempDir("vospec-chromium");
    private readonly ChromeDriverService _service;
    public ChromeDriver Driver { get; }

    /// <summary>Screenshots go under the test output directory.</summary>
    public static string ScreenshotDir { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    public Browser()
    {
        ExternalTool.Require(ChromiumPath);
        ExternalTool.Require(ChromeDriverPath);
        _service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriverPath)!, Path.GetFileName(ChromeDriverPath));
        _service.HideCommandPromptWindow = true;
        _service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        options.AddArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + _profile.Path, "--window-size=1280,1000");
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        Driver = new ChromeDriver(_service, options, TimeSpan.FromSeconds(60));
        Driver.Manage().Timeouts().AsynchronousJavaScript = TimeSpan.FromSeconds(30);
    }

    /// <summary>Opens a page and waits until the document has loaded.</summary>
    public void Open(Uri url)
    {
        Log(); // what an earlier page wrote is not this page's
        Driver.Navigate().GoToUrl(url);
        Until(() => Driver.ExecuteScript("return document.readyState") as string == "complete", "the page to load");
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails naming <paramref name="what"/> after the timeout.</summary>
    public void Until(Func<bool> condition, string what, double seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try { if (condition()) return; last = null; }
            catch (WebDriverException e) { last = e; }
            catch (InvalidOperationException e) { last = e; }
            Thread.Sleep(100);
        }
        try { Screenshot("timeout-" + string.Concat(what.Where(char.IsLetterOrDigit))); } catch (WebDriverException) { }
        throw new TimeoutException($"timed out waiting for {what}" + (last is null ? "" : $" ({last.Message})") + "; browser log: " + string.Join(" | ", Log()));
    }

    public object? Js(string script, params object[] args) => Driver.ExecuteScript(script, args);

    /// <summary>Everything the page wrote to its console (and Chromium's own notes of failed loads) since the last call.</summary>
    public IReadOnlyList<string> Log() => Driver.Manage().Logs.GetLog(LogType.Browser).Select(e => $"{e.Level}: {e.Message}").ToList();

    /// <summary>Errors of the console, plus every resource that answered 400 or more (the Resource Timing API).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = Log().Where(l => l.StartsWith("Severe", StringComparison.OrdinalIgnoreCase) || l.Contains("Content Security Policy", StringComparison.Ordinal)).ToList();
        var failed = (string)Js("return JSON.stringify(performance.getEntriesByType('resource').filter(e => e.responseStatus >= 400 || (e.responseStatus === 0 && e.transferSize === 0 && e.decodedBodySize === 0 && e.initiatorType !== 'other')).map(e => e.name + ' ' + e.responseStatus))")!;
        problems.AddRange(JsonSerializer.Deserialize<string[]>(failed)!);
        return problems;
    }

    public void Screenshot(string name) => Driver.GetScreenshot().SaveAsFile(Path.Combine(ScreenshotDir, name + ".png"));

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
        _service.Dispose();
        _profile.Dispose();
    }
}
