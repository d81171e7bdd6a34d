using VoSpec.Server.Tests.Interop;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Server.Tests.DataLink;

/// <summary>STILTS datalinklint/votlint and pyVO 1.2.1 against {links} and SODA on the real server.</summary>
[Collection("host")]
public class DataLinkInteropTests(RunningServer server) : IClassFixture<RunningServer>
{
    [Fact]
    public void Datalinklint_and_votlint_find_no_errors()
    {
        var did = Catalogue.Spectra(server, 1)[0].Did;
        var links = $"{server.BaseUri}datalink/links?ID={Catalogue.Esc(did)}";
        var soda = $"{server.BaseUri}soda/sync?ID={Catalogue.Esc(did)}&BAND=5e-7%206e-7&RESPONSEFORMAT=votable";
        var vot = $"{server.BaseUri}datalink/dataset?ID={Catalogue.Esc(did)}&RESPONSEFORMAT=votable";
        using var dir = TestPaths.NewTempDir("datalinklint");
        ExternalTool.Require("stilts");
        var r = ExternalTool.Run("env", [$"OUTDIR={dir.Path}", "bash", Conformance.Script("run-datalinklint.sh"), links, soda, vot], timeout: TimeSpan.FromMinutes(5));
        Assert.True(r.ExitCode == 0, "datalinklint reported errors:\n" + r.All);
        Assert.Contains("DATALINKLINT SUMMARY: Errors=0", r.StdOut);
    }

    [Fact]
    public void All_seventeen_pyvo_scenarios_pass_with_none_skipped()
    {
        var r = ExternalTool.Run(ExternalTool.Python, [Conformance.Script("pyvo_scenarios.py"), "--strict",
            "--tap", server.BaseUri + "tap", "--ssa", server.BaseUri + "ssa"], timeout: TimeSpan.FromMinutes(5));
        Assert.True(r.ExitCode == 0, r.All);
        Assert.Contains("17 passed, 0 failed", r.StdOut);
        Assert.DoesNotContain("skipped", r.StdOut.Split('\n').Last(l => l.Contains("passed")));
    }
}
