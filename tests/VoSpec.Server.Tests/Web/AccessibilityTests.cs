using System.Security.Cryptography;
using System.Text.Json;
using Xunit;

namespace VoSpec.Server.Tests.Web;

/// <summary>
/// axe-core (vendored for the tests by deploy/web/fetch-axe.sh; never served) run in Chromium on every page in the
/// state a user sees it — the landing page, a search with its results, the viewer with a spectrum drawn — finds no
/// violation of serious or critical impact (WCAG 2 A/AA rules and axe's best practices). The vendored file must
/// still be the recorded version, and the check is shown to fail on a page with a known violation.
/// </summary>
[Collection("host")]
public sealed class AccessibilityTests(RunningServer server, BrowserTests.Fixture fixture) : IClassFixture<RunningServer>, IClassFixture<BrowserTests.Fixture>
{
    private static readonly string AxeDir = Path.Combine(VoSpec.Testing.TestPaths.RepoRoot, "tests", "VoSpec.Server.Tests", "Web", "axe");
    private Browser B => fixture.Browser;

    /// <summary>The serious and critical violations on the page now: rule id, impact and the first offending node.</summary>
    private List<string> Violations()
    {
        B.Js(File.ReadAllText(Path.Combine(AxeDir, "axe.min.js")));
        var json = (string)B.Driver.ExecuteAsyncScript("""
            const done = arguments[arguments.length - 1];
            axe.run(document, { resultTypes: ['violations'] })
               .then(r => done(JSON.stringify(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                                .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at ' + (v.nodes[0] ? v.nodes[0].target.join(' ') : '')))))
               .catch(e => done(JSON.stringify(['axe failed: ' + e])));
            """)!;
        return JsonSerializer.Deserialize<List<string>>(json)!;
    }

    [Theory]
    [InlineData("", "#skymap")]
    [InlineData("search?collection=demo", "#result-table tbody tr")]
    [InlineData("view?ID=", "canvas")]
    public void Axe_finds_no_serious_violation(string path, string ready)
    {
        if (path == "view?ID=")
            path += Uri.EscapeDataString(server.Query("SELECT TOP 1 obs_publisher_did FROM ivoa.obscore ORDER BY obs_publisher_did")[0][0]!.ToString()!);
        B.Open(new Uri(server.BaseUri, path));
        B.Until(() => (bool)B.Js($"return document.querySelector('{ready}') !== null")!, ready);
        var violations = Violations();
        Assert.True(violations.Count == 0, $"/{path}: " + string.Join(" | ", violations));
    }

    [Fact]
    public void The_check_fails_on_a_page_with_a_known_violation()
    {
        B.Open(new Uri(server.BaseUri, ""));
        // An image without any text alternative and a button without a name: both serious or critical in axe.
        B.Js("const i = document.createElement('img'); i.src = 'web/none.png'; document.body.appendChild(i);"
            + "document.body.appendChild(document.createElement('button'));");
        var violations = Violations();
        Assert.Contains(violations, v => v.StartsWith("image-alt", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("button-name", StringComparison.Ordinal));
    }

    [Fact]
    public void The_vendored_axe_core_is_the_recorded_version()
    {
        var recorded = File.ReadAllLines(Path.Combine(AxeDir, "VERSION")).Where(l => l.StartsWith("sha256 ", StringComparison.Ordinal))
            .Select(l => l["sha256 ".Length..].Split('=')).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(2, recorded.Count);
        foreach (var (file, sha) in recorded)
            Assert.Equal(sha, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(AxeDir, file)))));
        Assert.Contains("version=", File.ReadAllText(Path.Combine(AxeDir, "VERSION")));
        // The version inside the file is the pinned one.
        var version = File.ReadAllLines(Path.Combine(AxeDir, "VERSION")).Single(l => l.StartsWith("version=", StringComparison.Ordinal))["version=".Length..];
        Assert.Contains("axe v" + version, File.ReadAllText(Path.Combine(AxeDir, "axe.min.js"))[..400]);
    }
}
