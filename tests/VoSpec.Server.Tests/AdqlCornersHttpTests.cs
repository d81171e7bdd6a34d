using System.Net;
using System.Xml.Linq;
using Xunit;
using static VoSpec.Server.Tests.DataLink.Catalogue;

namespace VoSpec.Server.Tests;

/// <summary>
/// Issue 10's ADQL corners and geometry rules seen from outside: a running server answers each through TAP (sync and
/// async), SODA, SSA and /spec in the protocol's own form — the result, or a 400 with QUERY_STATUS=ERROR, a
/// "UsageError: …" text, or the /spec error text — never a 500; and the TAP capabilities declare the UDFs it runs.
/// </summary>
[Collection("host")]
public class AdqlCornersHttpTests(RunningServer server) : IClassFixture<RunningServer>
{
    private static readonly XNamespace V = "http://www.ivoa.net/xml/VOTable/v1.3";

    private async Task<(HttpStatusCode Status, string Body)> Sync(string query, string format = "votable/td")
    {
        var r = await server.Client.PostAsync("tap/sync", new FormUrlEncodedContent(new Dictionary<string, string>
            { ["LANG"] = "ADQL", ["QUERY"] = query, ["RESPONSEFORMAT"] = format }));
        return (r.StatusCode, await r.Content.ReadAsStringAsync());
    }

    private static string QueryStatus(string votable, out string message)
    {
        var info = XDocument.Parse(votable).Descendants(V + "INFO").Last(i => (string?)i.Attribute("name") == "QUERY_STATUS");
        message = info.Value;
        return (string)info.Attribute("value")!;
    }

    [Theory]
    [InlineData("votable/td")]
    [InlineData("votable")]
    [InlineData("csv")]
    [InlineData("tsv")]
    public async Task Cast_to_char_types_answers_in_every_format(string format)
    {
        var (status, body) = await Sync("SELECT TOP 2 CAST(obs_id AS CHAR) AS a, CAST(obs_id AS CHAR(10)) AS b, CAST(obs_id AS VARCHAR(30)) AS c, "
            + "CAST(s_ra AS VARCHAR) AS d, CAST(s_ra AS CHAR(4)) AS e, CAST('ab' AS CHAR(5)) AS f FROM ivoa.obscore -- it's \"cast\"", format);
        Assert.True(status == HttpStatusCode.OK, body);
        Assert.DoesNotContain("ERROR", body);
        if (format == "votable/td")
        {
            var cells = XDocument.Parse(body).Descendants(V + "TR").First().Elements(V + "TD").Select(td => td.Value).ToList();
            Assert.Single(cells[0]);
            Assert.Equal(10, cells[1].Length);
            Assert.StartsWith(cells[1], cells[2]);
            Assert.Equal(4, cells[4].Length);
            Assert.Equal("ab", cells[5].TrimEnd());
        }
    }

    [Fact]
    public async Task Comments_with_quotes_pass_through_sync_and_async()
    {
        const string query = "SELECT TOP 2 obs_id -- the 'id', \"quoted\"\nFROM ivoa.obscore -- it's the end";
        var (status, body) = await Sync(query);
        Assert.True(status == HttpStatusCode.OK, body);
        Assert.Equal(2, XDocument.Parse(body).Descendants(V + "TR").Count());

        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseUri };
        var create = await client.PostAsync("tap/async", new FormUrlEncodedContent(new Dictionary<string, string>
            { ["LANG"] = "ADQL", ["QUERY"] = query, ["PHASE"] = "RUN", ["RESPONSEFORMAT"] = "votable/td" }));
        var job = create.Headers.Location!.ToString().TrimEnd('/');
        string phase = "";
        for (int i = 0; i < 100 && phase is not ("COMPLETED" or "ERROR"); i++)
        {
            phase = (await client.GetStringAsync(job + "/phase")).Trim();
            if (phase is not ("COMPLETED" or "ERROR")) await Task.Delay(50);
        }
        Assert.Equal("COMPLETED", phase);
        Assert.Equal(2, XDocument.Parse(await client.GetStringAsync(job + "/results/result")).Descendants(V + "TR").Count());
    }

    [Theory]
    [InlineData("SELECT obs_id FROM ivoa.obscore WHERE CONTAINS(POINT(s_ra, s_dec), CIRCLE(10, 10, -1)) = 1", "radius -1")]
    [InlineData("SELECT obs_id FROM ivoa.obscore WHERE CONTAINS(POINT(s_ra, s_dec), CIRCLE(10, 95, 1)) = 1", "latitude 95")]
    [InlineData("SELECT obs_id FROM ivoa.obscore WHERE DISTANCE(s_ra, s_dec, 1e999, 0) < 1", "")]
    [InlineData("SELECT obs_id FROM ivoa.obscore WHERE CONTAINS(POINT(s_ra, s_dec), POLYGON(1, 1, 2, 2, 1, 1)) = 1", "distinct vertices")]
    [InlineData("SELECT POINT(s_ra, s_dec + 100) FROM ivoa.obscore", "latitude")]
    [InlineData("SELECT '1' + 2 FROM ivoa.obscore", "CAST('1' AS DOUBLE PRECISION)")]
    [InlineData("SELECT CAST(obs_id AS DOUBLE PRECISION) FROM ivoa.obscore", "is not a number")]
    [InlineData("SELECT obs_id FROM ivoa.obscore WHERE CONTAINS(CIRCLE(1, 1, 1), REGION('Union (Circle 1 1 1 Circle 2 2 1)')) = 1", "cannot be decided exactly")]
    public async Task Tap_answers_nonsense_with_query_status_error(string query, string why)
    {
        var (status, body) = await Sync(query);
        Assert.True(status == HttpStatusCode.BadRequest, $"{status}: {body}");
        Assert.Equal("ERROR", QueryStatus(body, out var message));
        Assert.Contains(why, message);
        Assert.DoesNotContain("internal error", message);
        Assert.DoesNotContain("Exception", message);
    }

    [Fact]
    public async Task Tap_runs_compound_regions_and_the_udfs()
    {
        var (status, body) = await Sync("SELECT COUNT(*) AS n, ivo_string_agg(obs_id, ',') AS ids FROM ivoa.obscore "
            + "WHERE CONTAINS(POINT(s_ra, s_dec), REGION('Not (Circle ICRS 0 0 0.001)')) = 1 AND ivo_hasword('a b c', 'B') = 1 "
            + "AND ivo_nocasematch(obs_id, '%-%') = 1 AND 1 = ivo_interval_overlaps(em_min, em_max, 0, 1) AND ivo_healpix_index(6, s_ra, s_dec) >= 0");
        Assert.True(status == HttpStatusCode.OK, body);
        var cells = XDocument.Parse(body).Descendants(V + "TD").Select(td => td.Value).ToList();
        Assert.Equal(RunningServer.DemoCount, int.Parse(cells[0]));
        Assert.Equal(RunningServer.DemoCount, cells[1].Split(',').Length);
    }

    [Fact]
    public async Task Capabilities_declare_each_udf_with_its_signature()
    {
        var doc = XDocument.Parse(await server.Client.GetStringAsync("tap/capabilities"));
        var udf = Assert.Single(doc.Descendants("languageFeatures"), e => (string?)e.Attribute("type") == "ivo://ivoa.net/std/TAPRegExt#features-udf");
        var forms = udf.Elements("feature").Select(f => (string)f.Element("form")!).ToList();
        Assert.Contains("ivo_hasword(haystack VARCHAR, needle VARCHAR) -> INTEGER", forms);
        Assert.Contains("ivo_nocasematch(value VARCHAR, pattern VARCHAR) -> INTEGER", forms);
        Assert.Contains("ivo_interval_overlaps(l1 DOUBLE, h1 DOUBLE, l2 DOUBLE, h2 DOUBLE) -> INTEGER", forms);
        Assert.Contains("ivo_string_agg(expr VARCHAR, delim VARCHAR) -> VARCHAR", forms);
        Assert.Contains("ivo_healpix_index(hpxOrder INTEGER, ra DOUBLE, dec DOUBLE) -> BIGINT", forms);
        Assert.All(udf.Elements("feature"), f => Assert.False(string.IsNullOrWhiteSpace((string?)f.Element("description"))));
    }

    [Theory]
    [InlineData("CIRCLE", "10 20 -1", "radius -1")]
    [InlineData("CIRCLE", "10 20 0", "radius 0")]
    [InlineData("CIRCLE", "10 20 181", "radius 181")]
    [InlineData("CIRCLE", "10 -90.5 1", "latitude -90.5")]
    [InlineData("CIRCLE", "Inf 20 1", "not finite")]
    [InlineData("POS", "CIRCLE 10 20 -1", "radius -1")]
    [InlineData("POLYGON", "10 10 11 11 10 10", "distinct vertices")]
    [InlineData("POLYGON", "0 0 10 0 20 0", "one great circle")]
    [InlineData("POS", "POLYGON 10 10 11 95 12 10", "latitude 95")]
    public async Task Soda_answers_nonsense_with_a_usage_error(string name, string value, string why)
    {
        var did = Spectra(server, 1)[0].Did;
        var r = await server.Client.GetAsync($"soda/sync?ID={Esc(did)}&{name}={Esc(value)}");
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.BadRequest, body);
        Assert.StartsWith("UsageError: ", body);
        Assert.Contains(why, body);
    }

    [Theory]
    [InlineData("POS=10,90.5", "latitude 90.5")]
    [InlineData("POS=NaN,10", "not finite")]
    [InlineData("POS=10,Infinity", "")]
    [InlineData("POS=400,10", "right ascension")]
    public async Task Ssa_answers_nonsense_with_query_status_error(string parameter, string why)
    {
        var r = await server.Client.GetAsync("ssa?REQUEST=queryData&" + parameter);
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.BadRequest, body);
        Assert.Equal("ERROR", QueryStatus(body, out var message));
        Assert.Contains(why, message);
    }

    [Theory]
    [InlineData("q3c_radial_query(ra, dec, 10, 10, -1)", "radius -1")]
    [InlineData("q3c_radial_query(ra, dec, 10, 91, 1)", "latitude 91")]
    [InlineData("q3c_radial_query(ra, dec, 1e999, 10, 1)", "not finite")]
    [InlineData("q3c_poly_query(ra, dec, ARRAY[10, 10, 11, 11, 10, 10])", "distinct vertices")]
    [InlineData("q3c_poly_query(ra, dec, ARRAY[0, 0, 10, 0, 20, 0])", "one great circle")]
    public async Task Spec_query_answers_nonsense_with_its_error_text(string cond, string why)
    {
        var r = await server.Client.GetAsync("spec/query?fields=specobjid&catalog=spec.specobj&cond=" + Uri.EscapeDataString(cond));
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.BadRequest, body);
        Assert.Contains(why, body);
    }
}
