using System.Net;
using System.Text.RegularExpressions;
using VoSpec.Server.Tests.Interop;
using VoSpec.Server.Tests.SpecService;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Server.Tests.Web;

/// <summary>
/// The landing page's snippets work as shown: each is read from the served HTML (the text a person copies) and run as
/// it stands — pyVO's TAP query and iter_datalinks with Debian's python3, STILTS tapquery, every curl command through
/// the shell — against the running server, and what they print or write is checked. Data Lab's client cannot run
/// here: it is published on PyPI only (astro-datalab), which this workplace cannot reach (pip download fails to
/// resolve the index), and neither Debian nor the npm or NuGet registries carry it; its snippet's URL, id and context are read from the page
/// and sent as that client sends getSpec (SpecClient), and the .npy answer is read with numpy as the client does.
/// </summary>
[Collection("host")]
public sealed class LandingSnippetsTests(RunningServer server) : IClassFixture<RunningServer>
{
    /// <summary>Every snippet of the page by its element id, as a person sees (and copies) it.</summary>
    private async Task<Dictionary<string, string>> Snippets()
    {
        var html = await server.Client.GetStringAsync("");
        return Regex.Matches(html, "<code id=\"(snippet-[a-z]+-\\d+)\">(.*?)</code>", RegexOptions.Singleline)
            .ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
    }

    [Fact]
    public async Task The_page_shows_a_snippet_for_each_client()
    {
        var snippets = await Snippets();
        foreach (var id in new[] { "snippet-tap-0", "snippet-tap-1", "snippet-tap-2", "snippet-soda-0", "snippet-spec-0", "snippet-spec-1" })
            Assert.True(snippets.ContainsKey(id), id + " missing: " + string.Join(", ", snippets.Keys));
        Assert.Contains("iter_datalinks", snippets["snippet-tap-0"]);
        Assert.StartsWith("stilts tapquery ", snippets["snippet-tap-1"]);
        Assert.Contains("specClient.set_svc_url(", snippets["snippet-spec-0"]);
    }

    [Fact]
    public async Task The_pyvo_snippet_prints_each_rows_dataset_link_and_the_links_answer()
    {
        var code = (await Snippets())["snippet-tap-0"];
        var r = ExternalTool.Run(ExternalTool.Python, ["-c", code], timeout: TimeSpan.FromMinutes(2));
        Assert.True(r.ExitCode == 0, r.All);
        var urls = r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(5, urls.Length); // TOP 5, one #this link each
        foreach (var url in urls)
        {
            Assert.StartsWith(server.BaseUri + "datalink/dataset?ID=", url);
            var fits = await server.Client.GetByteArrayAsync(url);
            Assert.StartsWith("SIMPLE  =", System.Text.Encoding.ASCII.GetString(fits, 0, 9));
        }
    }

    [Fact]
    public async Task The_STILTS_snippet_writes_the_five_rows()
    {
        var command = (await Snippets())["snippet-tap-1"];
        using var dir = TestPaths.NewTempDir("snippet-stilts");
        ExternalTool.Require("stilts");
        // The command line as shown; the JVM only kept off any outside proxy (this machine's network is closed).
        var r = ExternalTool.Run("/bin/sh", ["-c", command], workingDirectory: dir.Path, timeout: TimeSpan.FromMinutes(3),
            environment: new Dictionary<string, string> { ["JAVA_TOOL_OPTIONS"] = string.Join(" ", Conformance.StiltsGuard) });
        Assert.True(r.ExitCode == 0, r.All);
        var votable = System.Xml.Linq.XDocument.Load(Path.Combine(dir.Path, "spectra.vot"));
        var ns = votable.Root!.Name.Namespace;
        Assert.Equal(5, votable.Descendants(ns + "TR").Count());
        Assert.Equal(["obs_publisher_did", "s_ra", "s_dec"], votable.Descendants(ns + "FIELD").Select(f => (string)f.Attribute("name")!));
    }

    [Fact]
    public async Task Each_curl_snippet_runs_in_the_shell_and_gets_its_answer()
    {
        var snippets = (await Snippets()).Where(s => s.Value.StartsWith("curl ", StringComparison.Ordinal)).ToList();
        Assert.True(snippets.Count >= 6, string.Join(", ", snippets.Select(s => s.Key)));
        using var dir = TestPaths.NewTempDir("snippet-curl");
        foreach (var (id, command) in snippets)
        {
            var r = ExternalTool.Run("/bin/sh", ["-c", command + " --fail --silent --show-error"], workingDirectory: dir.Path, timeout: TimeSpan.FromMinutes(1));
            Assert.True(r.ExitCode == 0, $"{id}: {command}\n{r.All}");
            string Written(string name) => File.ReadAllText(Path.Combine(dir.Path, name), System.Text.Encoding.Latin1);
            switch (id)
            {
                case "snippet-soda-0":
                    // A FITS file of the 200 Å band the snippet asks for.
                    var cutout = Written("cutout.fits");
                    Assert.StartsWith("SIMPLE  =", cutout);
                    Assert.Equal(0, cutout.Length % 2880);
                    var band = Uri.UnescapeDataString(Regex.Match(command, "BAND=([^\"&]+)").Groups[1].Value).Split(' ').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
                    Assert.Equal(200e-10, band[1] - band[0], 1e-12);
                    break;
                case "snippet-spec-1": Assert.StartsWith("SIMPLE  =", Written("spectra.fits")); break;
                case "snippet-datalink-0": Assert.Contains("#this", r.StdOut); Assert.Contains("#cutout", r.StdOut); break;
                case "snippet-ssa-0": Assert.Contains("<TR>", r.StdOut); break;
                case "snippet-coverage-0": Assert.Contains("\"", r.StdOut); Assert.Matches("\"\\d+\"\\s*:", r.StdOut); break;
                case "snippet-odata-0": Assert.Contains("\"QSO\"", r.StdOut); Assert.DoesNotContain("\"GALAXY\"", r.StdOut); break;
                default: Assert.NotEmpty(r.StdOut); break;
            }
        }
        // A known-bad command fails the same way: curl --fail on a refused request.
        var bad = ExternalTool.Run("/bin/sh", ["-c", $"curl \"{server.BaseUri}soda/sync?ID=nothing\" --fail --silent --show-error"], workingDirectory: dir.Path);
        Assert.NotEqual(0, bad.ExitCode);
    }

    [Fact]
    public async Task The_TOPCAT_snippet_is_the_TAP_URL_that_answers_its_capabilities()
    {
        var url = (await Snippets())["snippet-tap-2"].Trim();
        Assert.Equal(server.BaseUri + "tap", url);
        Assert.Contains("ivo://ivoa.net/std/TAP", await server.Client.GetStringAsync(url + "/capabilities"));
    }

    [Fact]
    public async Task The_Data_Lab_snippet_names_this_servers_spec_service_and_a_spectrum_getSpec_serves()
    {
        var code = (await Snippets())["snippet-spec-0"];
        var svc = Regex.Match(code, "specClient\\.set_svc_url\\(\"([^\"]+)\"\\)");
        var get = Regex.Match(code, "specClient\\.getSpec\\(\\[(\\d+)\\], context=\"([^\"]+)\"\\)");
        Assert.True(svc.Success && get.Success, code);
        Assert.Equal(server.BaseUri + "spec", svc.Groups[1].Value);
        // What the client does: isAlive on the URL, then getSpec of the one id (align=False, numpy) in that context.
        Assert.StartsWith("hello world", (await server.Client.GetStringAsync(svc.Groups[1].Value)).ToLowerInvariant());
        var npy = await SpecClient.PostBytes(server, "getSpec", [get.Groups[1].Value],
            ("context", get.Groups[2].Value), ("values", "all"), ("format", "numpy"), ("align", "False"), ("cutout", ""), ("w0", "0.0"), ("w1", "0.0"));
        using var dir = TestPaths.NewTempDir("snippet-datalab");
        var file = Path.Combine(dir.Path, "spec.npy");
        await File.WriteAllBytesAsync(file, npy);
        var r = ExternalTool.RunPython("import sys, numpy\na = numpy.load(sys.argv[1], allow_pickle=False)\nprint(a.ndim, len(a) > 100, 'loglam' in a.dtype.names, 'flux' in a.dtype.names)", file);
        Assert.True(r.ExitCode == 0, r.All);
        Assert.Equal("1 True True True", r.StdOut.Trim());
    }
}
