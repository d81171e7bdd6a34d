using System.Globalization;
using System.Net;
using System.Xml.Linq;
using VoSpec.Core.Sky;
using VoSpec.Server.Tests.Interop;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Server.Tests;

[Collection("host")]
public class SsaTests(RunningServer server) : IClassFixture<RunningServer>
{
    private static readonly XNamespace V = "http://www.ivoa.net/xml/VOTable/v1.3";

    private async Task<(HttpStatusCode Status, XDocument Doc)> Query(string query)
    {
        var r = await server.Client.GetAsync("ssa?" + query);
        return (r.StatusCode, XDocument.Parse(await r.Content.ReadAsStringAsync()));
    }

    private static List<Dictionary<string, string>> Rows(XDocument doc)
    {
        var names = doc.Descendants(V + "FIELD").Select(f => (string)f.Attribute("name")!).ToList();
        return doc.Descendants(V + "TR").Select(tr => tr.Elements(V + "TD").Select((td, i) => (names[i], td.Value)).ToDictionary(x => x.Item1, x => x.Value)).ToList();
    }

    private static string Status(XDocument d) =>
        d.Descendants(V + "INFO").Where(i => (string?)i.Attribute("name") == "QUERY_STATUS").Select(i => (string)i.Attribute("value")!).Last();

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_cone_search_finds_exactly_the_spectra_inside_with_ssa_utypes_and_datalink()
    {
        var (ra, dec) = server.Positions(1)[0];
        var (status, doc) = await Query($"REQUEST=queryData&POS={F(ra)},{F(dec)}&SIZE=2");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("OK", Status(doc));
        var utypes = doc.Descendants(V + "FIELD").Select(f => (string?)f.Attribute("utype")).ToHashSet();
        foreach (var u in new[] { "Access.Reference", "Access.Format", "Dataset.DataModel", "Dataset.Length", "DataID.Title", "Curation.Publisher", "Target.Pos" })
            Assert.Contains("ssa:" + u, utypes);
        var rows = Rows(doc);
        Assert.NotEmpty(rows);
        var centre = new SkyPoint(ra, dec);
        foreach (var row in rows)
        {
            var p = row["target_pos"].Split(' ').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            Assert.True(centre.DistanceTo(new SkyPoint(p[0], p[1])) <= 1.0 + 1e-9);
        }
        // Every spectrum within 1 degree, by a brute-force check over the whole catalogue.
        var all = server.Positions(RunningServer.DemoCount);
        Assert.Equal(all.Count(x => centre.DistanceTo(new SkyPoint(x.Ra, x.Dec)) <= 1.0), rows.Count);
        var meta = doc.Descendants(V + "RESOURCE").Single(r => (string?)r.Attribute("utype") == "adhoc:service");
        Assert.Equal("publisher_did", (string?)meta.Descendants(V + "PARAM").Single(p => (string?)p.Attribute("name") == "ID").Attribute("ref"));
    }

    [Fact]
    public async Task Band_time_redshift_and_class_constrain_the_result()
    {
        var everything = Rows((await Query("REQUEST=queryData&MAXREC=1000")).Doc);
        Assert.Equal(RunningServer.DemoCount, everything.Count);
        double D(Dictionary<string, string> r, string k) => double.Parse(r[k], CultureInfo.InvariantCulture);
        // H-alpha at 656.3 nm lies inside every demo spectrum; 1.2 µm inside none.
        Assert.Equal(everything.Count, Rows((await Query("REQUEST=queryData&BAND=6.563e-7&MAXREC=1000")).Doc).Count);
        Assert.Empty(Rows((await Query("REQUEST=queryData&BAND=1.2e-6/1.3e-6")).Doc));
        Assert.Equal(everything.Count, Rows((await Query("REQUEST=queryData&BAND=/&MAXREC=1000")).Doc).Count);
        var z = Rows((await Query("REQUEST=queryData&REDSHIFT=0.1/0.3&MAXREC=1000")).Doc);
        Assert.Equal(everything.Count(r => D(r, "redshift") is >= 0.1 and <= 0.3), z.Count);
        var qso = Rows((await Query("REQUEST=queryData&TARGETCLASS=QSO&MAXREC=1000")).Doc);
        Assert.Equal(everything.Count(r => r["target_class"] == "QSO"), qso.Count);
        Assert.Empty(Rows((await Query("REQUEST=queryData&TIME=1990-01-01/1990-12-31")).Doc));
        Assert.Equal(everything.Count, Rows((await Query("REQUEST=queryData&TIME=1995/2030&MAXREC=1000")).Doc).Count);
        var (_, truncated) = await Query("REQUEST=queryData&MAXREC=3");
        Assert.Equal(3, Rows(truncated).Count);
        Assert.Equal("OVERFLOW", Status(truncated));
        // FORMAT asks for a format we don't serve: no rows, but no error either.
        var (_, votable) = await Query("REQUEST=queryData&FORMAT=application/x-votable+xml");
        Assert.Equal("OK", Status(votable));
        Assert.Empty(Rows(votable));
    }

    [Fact]
    public async Task Format_metadata_describes_inputs_and_fields_without_rows()
    {
        var (status, doc) = await Query("REQUEST=queryData&FORMAT=METADATA");
        Assert.Equal(HttpStatusCode.OK, status);
        var inputs = doc.Descendants(V + "PARAM").Select(p => (string?)p.Attribute("name")).Where(n => n!.StartsWith("INPUT:")).ToList();
        Assert.Contains("INPUT:POS", inputs);
        Assert.Contains("INPUT:BAND", inputs);
        Assert.NotEmpty(doc.Descendants(V + "FIELD"));
        Assert.Empty(doc.Descendants(V + "TR"));
    }

    [Theory]
    [InlineData("REQUEST=queryData&POS=not,a,position")]
    [InlineData("REQUEST=queryData&POS=10,95")]
    [InlineData("REQUEST=queryData&POS=10,20;GALACTIC")]
    [InlineData("REQUEST=queryData&SIZE=-1&POS=10,20")]
    [InlineData("REQUEST=queryData&BAND=7e-7/6e-7")]
    [InlineData("REQUEST=queryData&TIME=yesterday")]
    [InlineData("REQUEST=getCapabilities")]
    public async Task Malformed_parameters_get_query_status_error(string query)
    {
        var (status, doc) = await Query(query);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("ERROR", Status(doc));
    }

    [Fact]
    public void Pyvo_finds_spectra_and_reports_bad_requests()
    {
        var r = ExternalTool.Run(ExternalTool.Python, [Conformance.Script("pyvo_scenarios.py"), "--tap", server.BaseUri + "tap", "--ssa", server.BaseUri + "ssa",
            "--only", "choose_cone", "--only", "ssa_search", "--only", "ssa_bad_request", "--strict"], timeout: TimeSpan.FromMinutes(3));
        Assert.True(r.ExitCode == 0, r.All);
        Assert.Contains("3 passed, 0 failed", r.StdOut);
    }

    [Fact]
    public void Votlint_finds_no_errors_in_an_ssa_response()
    {
        var (ra, dec) = server.Positions(1)[0];
        var url = server.BaseUri + $"ssa?REQUEST=queryData&POS={F(ra)},{F(dec)}&SIZE=2";
        using var dir = TestPaths.NewTempDir("votlint");
        var r = ExternalTool.Run("bash", [Conformance.Script("run-datalinklint.sh"), "--votlint", url], timeout: TimeSpan.FromMinutes(3),
            workingDirectory: dir.Path);
        Assert.True(r.ExitCode == 0, r.All);
    }
}
