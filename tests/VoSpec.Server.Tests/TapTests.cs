using System.Net;
using System.Xml.Linq;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Server.Tests;

/// <summary>TAP behaviour over HTTP: formats, limits, errors (never a 500), safety, async jobs.</summary>
[Collection("host")]
public class TapTests(RunningServer server) : IClassFixture<RunningServer>
{
    private static readonly XNamespace V = "http://www.ivoa.net/xml/VOTable/v1.3";

    private Task<HttpResponseMessage> Sync(params (string, string)[] p) =>
        server.Client.PostAsync("tap/sync", new FormUrlEncodedContent(p.Select(x => new KeyValuePair<string, string>(x.Item1, x.Item2))));

    private static string Status(XDocument d) =>
        d.Descendants(V + "INFO").Where(i => (string?)i.Attribute("name") == "QUERY_STATUS").Select(i => (string)i.Attribute("value")!).Last();

    [Fact]
    public async Task Parameter_names_are_case_insensitive_and_unknown_ones_ignored()
    {
        var r = await server.Client.GetAsync("tap/sync?lang=ADQL&Query=SELECT%20TOP%202%20obs_id%20FROM%20ivoa.obscore&responseformat=votable/td&DUMMY=x");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var doc = XDocument.Parse(await r.Content.ReadAsStringAsync());
        Assert.Equal(2, doc.Descendants(V + "TR").Count());
        Assert.Equal("OK", Status(doc));
    }

    [Theory]
    [InlineData("csv", "text/csv")]
    [InlineData("text/csv", "text/csv")]
    [InlineData("tsv", "text/tab-separated-values")]
    [InlineData("fits", "application/fits")]
    [InlineData("votable", "application/x-votable+xml")]
    [InlineData("application/x-votable+xml;serialization=TABLEDATA", "application/x-votable+xml")]
    public async Task Every_declared_format_answers_with_its_content_type(string format, string mediaType)
    {
        var r = await Sync(("LANG", "ADQL"), ("QUERY", "SELECT TOP 3 obs_id, s_ra FROM ivoa.obscore"), ("RESPONSEFORMAT", format));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal(mediaType, r.Content.Headers.ContentType?.MediaType);
        var body = await r.Content.ReadAsByteArrayAsync();
        if (format.Contains("csv")) Assert.Equal(4, System.Text.Encoding.UTF8.GetString(body).Trim().Split('\n').Length);
        if (format == "fits") Assert.StartsWith("SIMPLE  =", System.Text.Encoding.ASCII.GetString(body, 0, 9));
    }

    [Fact]
    public async Task Maxrec_truncates_with_overflow_and_zero_gives_metadata_only()
    {
        var doc = XDocument.Parse(await (await Sync(("LANG", "ADQL"), ("QUERY", "SELECT obs_id FROM ivoa.obscore"), ("MAXREC", "5"), ("RESPONSEFORMAT", "votable/td"))).Content.ReadAsStringAsync());
        Assert.Equal(5, doc.Descendants(V + "TR").Count());
        Assert.Equal("OVERFLOW", Status(doc));
        var exact = XDocument.Parse(await (await Sync(("LANG", "ADQL"), ("QUERY", $"SELECT TOP 5 obs_id FROM ivoa.obscore"), ("MAXREC", "5"), ("RESPONSEFORMAT", "votable/td"))).Content.ReadAsStringAsync());
        Assert.Equal("OK", Status(exact));
        var zero = XDocument.Parse(await (await Sync(("LANG", "ADQL"), ("QUERY", "SELECT obs_id, s_ra FROM ivoa.obscore"), ("MAXREC", "0"))).Content.ReadAsStringAsync());
        Assert.Equal(2, zero.Descendants(V + "FIELD").Count());
        Assert.Equal("OVERFLOW", Status(zero));
    }

    [Fact]
    public async Task In_unit_results_declare_the_unit_they_were_converted_to()
    {
        var doc = XDocument.Parse(await (await Sync(("LANG", "ADQL"), ("RESPONSEFORMAT", "votable/td"),
            ("QUERY", "SELECT TOP 3 em_min, IN_UNIT(em_min, 'Angstrom') AS lo FROM ivoa.obscore"))).Content.ReadAsStringAsync());
        var fields = doc.Descendants(V + "FIELD").ToList();
        Assert.Equal("m", (string?)fields[0].Attribute("unit"));
        Assert.Equal("Angstrom", (string?)fields[1].Attribute("unit"));
        foreach (var tr in doc.Descendants(V + "TR"))
        {
            var td = tr.Elements(V + "TD").Select(e => double.Parse(e.Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(td[0] * 1e10, td[1], 1e-6);
        }
    }

    [Theory]
    [InlineData("SELECT * FROM ivoa.obscore; DROP TABLE specobj", "")]
    [InlineData("SELECT * FROM sqlite_master", "sqlite_master")]
    [InlineData("SELECT spec_id FROM ivoa.obscore", "spec_id")]
    [InlineData("PRAGMA table_info(specobj)", "")]
    [InlineData("SELECT TOP 1 * FROM spatial_idx", "spatial_idx")]
    [InlineData("SELECT no_such_function(1) FROM ivoa.obscore", "no_such_function")]
    [InlineData("SELEC x", "")]
    [InlineData("SELECT IN_UNIT(em_min, 's') FROM ivoa.obscore", "IN_UNIT")]
    public async Task Bad_or_hostile_queries_get_a_400_error_document_naming_the_problem(string query, string named)
    {
        var r = await Sync(("LANG", "ADQL"), ("QUERY", query));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        var doc = XDocument.Parse(await r.Content.ReadAsStringAsync());
        var info = Assert.Single(doc.Descendants(V + "INFO"), i => (string?)i.Attribute("name") == "QUERY_STATUS");
        Assert.Equal("ERROR", (string?)info.Attribute("value"));
        Assert.False(string.IsNullOrWhiteSpace(info.Value));
        Assert.Contains(named, info.Value);
        Assert.Empty(doc.Descendants(V + "TABLE"));
    }

    [Theory]
    [InlineData("LANG", "OOBLECK")]
    [InlineData("MAXREC", "-3")]
    [InlineData("MAXREC", "many")]
    [InlineData("RESPONSEFORMAT", "application/x-nonsense")]
    [InlineData("REQUEST", "getCapabilities")]
    public async Task Bad_parameters_get_a_400_error_document(string name, string value)
    {
        var p = new Dictionary<string, string> { ["LANG"] = "ADQL", ["QUERY"] = "SELECT TOP 1 obs_id FROM ivoa.obscore", [name] = value };
        var r = await Sync(p.Select(kv => (kv.Key, kv.Value)).ToArray());
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains("QUERY_STATUS", await r.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Missing_query_or_repeated_single_parameters_are_user_errors()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await Sync(("LANG", "ADQL"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Sync(("LANG", "ADQL"), ("LANG", "ADQL"), ("QUERY", "SELECT TOP 1 obs_id FROM ivoa.obscore"))).StatusCode);
    }

    [Fact]
    public async Task Obscore_results_carry_the_datalink_service_descriptor_referencing_the_did_column()
    {
        var doc = XDocument.Parse(await (await Sync(("LANG", "ADQL"), ("QUERY", "SELECT TOP 2 obs_publisher_did, s_ra FROM ivoa.obscore"))).Content.ReadAsStringAsync());
        var field = doc.Descendants(V + "FIELD").Single(f => (string?)f.Attribute("name") == "obs_publisher_did");
        var meta = doc.Descendants(V + "RESOURCE").Single(r => (string?)r.Attribute("type") == "meta" && (string?)r.Attribute("utype") == "adhoc:service");
        var id = meta.Descendants(V + "PARAM").Single(p => (string?)p.Attribute("name") == "ID");
        Assert.Equal((string?)field.Attribute("ID"), (string?)id.Attribute("ref"));
        Assert.Equal(server.BaseUri + "datalink/links", (string?)meta.Elements(V + "PARAM").Single(p => (string?)p.Attribute("name") == "accessURL").Attribute("value"));
        // A result without the DID column has no descriptor.
        var plain = XDocument.Parse(await (await Sync(("LANG", "ADQL"), ("QUERY", "SELECT TOP 2 s_ra FROM ivoa.obscore"))).Content.ReadAsStringAsync());
        Assert.DoesNotContain(plain.Descendants(V + "RESOURCE"), r => (string?)r.Attribute("type") == "meta");
    }

    /// <summary>Polls with WAIT (which returns at every phase change) until the job ends, as pyVO does.</summary>
    private async Task<XDocument> WaitFinal(string job)
    {
        XNamespace uws = "http://www.ivoa.net/xml/UWS/v1.0";
        for (int i = 0; i < 20; i++)
        {
            var doc = XDocument.Parse(await server.Client.GetStringAsync(job + "?WAIT=10"));
            if (doc.Root!.Element(uws + "phase")!.Value is "COMPLETED" or "ERROR" or "ABORTED") return doc;
        }
        throw new TimeoutException("job did not finish");
    }

    [Fact]
    public async Task Async_jobs_follow_uws_and_reject_bad_queries_at_run_time()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseUri };
        var create = await client.PostAsync("tap/async", new FormUrlEncodedContent(new Dictionary<string, string>
            { ["LANG"] = "ADQL", ["QUERY"] = "SELECT TOP 3 obs_id FROM ivoa.obscore", ["RUNID"] = "test-1" }));
        Assert.Equal(HttpStatusCode.SeeOther, create.StatusCode);
        var job = create.Headers.Location!.ToString();
        Assert.Equal("PENDING", await server.Client.GetStringAsync(job + "/phase"));
        var run = await client.PostAsync(job + "/phase", new FormUrlEncodedContent(new Dictionary<string, string> { ["PHASE"] = "RUN" }));
        Assert.Equal(HttpStatusCode.SeeOther, run.StatusCode);
        XNamespace uws = "http://www.ivoa.net/xml/UWS/v1.0";
        var doc = await WaitFinal(job);
        Assert.Equal("COMPLETED", doc.Root!.Element(uws + "phase")!.Value);
        Assert.Equal("test-1", doc.Root!.Element(uws + "runId")!.Value);
        var result = XDocument.Parse(await server.Client.GetStringAsync(job + "/results/result"));
        Assert.Equal("OK", Status(result));
        Assert.Single(result.Descendants(V + "FIELD"));

        var bad = await client.PostAsync("tap/async", new FormUrlEncodedContent(new Dictionary<string, string>
            { ["LANG"] = "ADQL", ["QUERY"] = "SELECT nope FROM ivoa.obscore", ["PHASE"] = "RUN" }));
        var badJob = bad.Headers.Location!.ToString();
        var badDoc = await WaitFinal(badJob);
        Assert.Equal("ERROR", badDoc.Root!.Element(uws + "phase")!.Value);
        Assert.Contains("nope", badDoc.Root!.Element(uws + "errorSummary")!.Value);
        var error = await server.Client.GetAsync(badJob + "/error");
        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
        Assert.Contains("QUERY_STATUS", await error.Content.ReadAsStringAsync());

        var delete = await client.DeleteAsync(job);
        Assert.Equal(HttpStatusCode.SeeOther, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync(job)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync(job + "/phase")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync("tap/async/nosuchjob")).StatusCode);
    }

    [Fact]
    public async Task Uploads_come_inline_or_from_loopback_urls_never_from_elsewhere()
    {
        // The server itself serves a VOTable: three positions, by URL on loopback.
        var source = server.BaseUri + "tap/sync?LANG=ADQL&QUERY=" + Uri.EscapeDataString("SELECT TOP 3 s_ra AS ra, s_dec AS dec, obs_id AS id FROM ivoa.obscore ORDER BY obs_id");
        var byUrl = await Sync(("LANG", "ADQL"), ("UPLOAD", "t," + source), ("RESPONSEFORMAT", "csv"),
            ("QUERY", "SELECT u.id, o.obs_id FROM TAP_UPLOAD.t AS u JOIN ivoa.obscore AS o ON o.obs_id = u.id"));
        Assert.Equal(HttpStatusCode.OK, byUrl.StatusCode);
        var lines = (await byUrl.Content.ReadAsStringAsync()).Trim().Split('\n');
        Assert.Equal(4, lines.Length);

        var inline = new MultipartFormDataContent
        {
            { new StringContent("ADQL"), "LANG" },
            { new StringContent("SELECT COUNT(*) AS n FROM TAP_UPLOAD.mine"), "QUERY" },
            { new StringContent("mine,param:table1"), "UPLOAD" },
            { new ByteArrayContent(await server.Client.GetByteArrayAsync(source)), "table1", "table1.xml" },
        };
        var r = await server.Client.PostAsync("tap/sync", inline);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);

        var elsewhere = await Sync(("LANG", "ADQL"), ("UPLOAD", "t,http://192.0.2.1/table.xml"), ("QUERY", "SELECT * FROM TAP_UPLOAD.t"));
        Assert.Equal(HttpStatusCode.BadRequest, elsewhere.StatusCode);
        Assert.Contains("loopback", await elsewhere.Content.ReadAsStringAsync());
        var notVotable = await Sync(("LANG", "ADQL"), ("UPLOAD", "t," + server.BaseUri + "tap/examples"), ("QUERY", "SELECT * FROM TAP_UPLOAD.t"));
        Assert.Equal(HttpStatusCode.BadRequest, notVotable.StatusCode);
        Assert.Contains("UPLOAD t", await notVotable.Content.ReadAsStringAsync());
    }
}
