using System.Text.RegularExpressions;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Server.Tests.SpecService;

/// <summary>The Python examples of docs/spec-service.md, run as written (only the server address changes).</summary>
[Collection("host")]
public class DocsExamplesTests(RunningServer server) : IClassFixture<RunningServer>
{
    [Fact]
    public void The_documented_python_examples_run_against_the_real_server()
    {
        var doc = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docs", "spec-service.md"));
        var blocks = Regex.Matches(doc, "```python\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(5, blocks.Count);
        var script = string.Join("\n", blocks).Replace("http://127.0.0.1:5000/spec", server.BaseUri + "spec");
        using var dir = TestPaths.NewTempDir("spec-docs");
        var path = Path.Combine(dir.Path, "examples.py");
        File.WriteAllText(path, script);
        var r = ExternalTool.Run(ExternalTool.Python, [path], timeout: TimeSpan.FromMinutes(2), workingDirectory: dir.Path);
        Assert.True(r.ExitCode == 0, r.All);
        Assert.Contains("spectra within 0.5 degrees", r.StdOut);
        Assert.Matches(@"\d+ spectra of \d+ pixels", r.StdOut);
        Assert.Matches(@"\(\d+, 800\) float32 valid fraction", r.StdOut);
        Assert.Contains("panels on one 1 Angstrom grid:", r.StdOut);
        var png = File.ReadAllBytes(Path.Combine(dir.Path, "grid.png"));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
    }
}
