using System.Globalization;
using System.Xml.Linq;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Server.Tests.Interop;

/// <summary>Real clients against the real server: STILTS taplint and tapquery (TOPCAT's TAP code), and pyVO.</summary>
[Collection("host")]
public class TapInteropTests(RunningServer server) : IClassFixture<RunningServer>
{
    private string Tap => server.BaseUri + "tap";

    [Fact]
    public void Taplint_finds_no_errors_and_no_warnings()
    {
        using var dir = TestPaths.NewTempDir("taplint");
        ExternalTool.Require("stilts");
        var r = ExternalTool.Run("bash", [Conformance.Script("run-taplint.sh"), Tap, dir.Path], timeout: TimeSpan.FromMinutes(5));
        var summary = r.StdOut.Split('\n').FirstOrDefault(l => l.StartsWith("TAPLINT SUMMARY:")) ?? "";
        Assert.True(r.ExitCode == 0, "taplint reported errors:\n" + r.All);
        Assert.Contains("Errors=0", summary);
        Assert.Contains("Warnings=0", summary);
    }

    [Fact]
    public void Pyvo_tap_scenarios_pass()
    {
        string[] scenarios = ["tap_tables_obscore", "choose_cone", "tap_sync_obscore_cone", "tap_maxrec_overflow", "tap_async", "tap_bad_adql", "tap_unknown_table"];
        var args = new List<string> { Conformance.Script("pyvo_scenarios.py"), "--tap", Tap, "--strict" };
        foreach (var s in scenarios) { args.Add("--only"); args.Add(s); }
        var r = ExternalTool.Run(ExternalTool.Python, args, timeout: TimeSpan.FromMinutes(5));
        Assert.True(r.ExitCode == 0, r.All);
        Assert.Contains($"{scenarios.Length} passed, 0 failed", r.StdOut);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Stilts_tapquery_runs_sync_and_async(bool sync)
    {
        using var dir = TestPaths.NewTempDir("tapquery");
        var output = Path.Combine(dir.Path, "out.vot");
        var r = ExternalTool.Run("stilts", [.. Conformance.StiltsGuard, "tapquery", $"tapurl={Tap}",
            "adql=SELECT TOP 5 obs_publisher_did, s_ra, s_dec FROM ivoa.obscore ORDER BY s_ra", $"sync={sync.ToString().ToLowerInvariant()}",
            "ofmt=votable", $"out={output}"], timeout: TimeSpan.FromMinutes(3));
        Assert.True(r.ExitCode == 0, r.All);
        var rows = XDocument.Load(output).Descendants().Where(e => e.Name.LocalName == "TR").ToList();
        Assert.Equal(5, rows.Count);
    }

    [Fact]
    public void Stilts_uploads_a_table_and_cross_matches_it_with_obscore()
    {
        using var dir = TestPaths.NewTempDir("upload");
        // Positions of three spectra in the archive, and one far from any.
        var three = server.Positions(3);
        var upload = Path.Combine(dir.Path, "targets.csv");
        File.WriteAllLines(upload, new[] { "name,ra,dec" }
            .Concat(three.Select((p, i) => string.Create(CultureInfo.InvariantCulture, $"t{i},{p.Ra},{p.Dec}")))
            .Append("nowhere,10.0,-80.0"));
        var output = Path.Combine(dir.Path, "match.csv");
        var r = ExternalTool.Run("stilts", [.. Conformance.StiltsGuard, "tapquery", $"tapurl={Tap}",
            "adql=SELECT u.name, o.obs_publisher_did FROM TAP_UPLOAD.targets AS u JOIN ivoa.obscore AS o " +
                "ON 1 = CONTAINS(POINT('ICRS', o.s_ra, o.s_dec), CIRCLE('ICRS', u.ra, u.dec, 0.0003))",
            "nupload=1", "upload1=" + upload, "ufmt1=csv", "upname1=targets", "sync=false", "ofmt=csv", $"out={output}"], timeout: TimeSpan.FromMinutes(3));
        Assert.True(r.ExitCode == 0, r.All);
        var names = File.ReadAllLines(output).Skip(1).Select(l => l.Split(',')[0]).ToList();
        Assert.Equal(["t0", "t1", "t2"], names.Order().Distinct());
    }
}
