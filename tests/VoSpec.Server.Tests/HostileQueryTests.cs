using System.Net;
using System.Text;
using System.Xml.Linq;
using Xunit;

namespace VoSpec.Server.Tests;

/// <summary>
/// The extreme ADQL forms that once overflowed the stack and stopped the whole process, sent to a running
/// server through every door that parses ADQL (TAP sync, TAP async, the /spec query's cond): each gets the
/// protocol's error naming the nesting limit, and the server then answers a normal query.
/// </summary>
[Collection("host")]
public class HostileQueryTests(RunningServer server) : IClassFixture<RunningServer>
{
    private static readonly XNamespace V = "http://www.ivoa.net/xml/VOTable/v1.3";
    private static readonly XNamespace Uws = "http://www.ivoa.net/xml/UWS/v1.0";

    private static string Repeat(string s, int n) => new StringBuilder(s.Length * n).Insert(0, s, n).ToString();

    public static TheoryData<string> Extremes() =>
    [
        "SELECT " + Repeat("(", 5000) + "1" + Repeat(")", 5000) + " FROM ivoa.obscore",
        "SELECT " + string.Join(" + ", Enumerable.Repeat("s_ra", 10_000)) + " FROM ivoa.obscore",
        "SELECT s_ra FROM ivoa.obscore WHERE " + Repeat("NOT ", 20_000) + "s_ra > 0",
        "SELECT s_ra FROM ivoa.obscore WHERE " + string.Join(" AND ", Enumerable.Range(0, 20_000).Select(i => $"s_ra <> {i}")),
        "SELECT * FROM " + Repeat("(SELECT * FROM ", 5000) + "ivoa.obscore" + Repeat(") AS t", 5000),
        string.Join(" UNION ", Enumerable.Repeat("SELECT s_ra FROM ivoa.obscore", 10_000)),
    ];

    private Task<HttpResponseMessage> Sync(string query) =>
        server.Client.PostAsync("tap/sync", new FormUrlEncodedContent(new Dictionary<string, string> { ["LANG"] = "ADQL", ["QUERY"] = query }));

    private async Task The_server_still_answers()
    {
        var r = await server.Client.PostAsync("tap/sync", new FormUrlEncodedContent(new Dictionary<string, string>
            { ["LANG"] = "ADQL", ["QUERY"] = "SELECT TOP 2 obs_id FROM ivoa.obscore", ["RESPONSEFORMAT"] = "votable/td" }));
        Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync());
        Assert.Equal(2, XDocument.Parse(await r.Content.ReadAsStringAsync()).Descendants(V + "TR").Count());
    }

    [Theory]
    [MemberData(nameof(Extremes))]
    public async Task Tap_sync_answers_a_query_status_error_naming_the_limit(string query)
    {
        var r = await Sync(query);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        var doc = XDocument.Parse(await r.Content.ReadAsStringAsync());
        var info = Assert.Single(doc.Descendants(V + "INFO"), i => (string?)i.Attribute("name") == "QUERY_STATUS");
        Assert.Equal("ERROR", (string?)info.Attribute("value"));
        Assert.Contains("nested too deeply", info.Value);
        await The_server_still_answers();
    }

    [Fact]
    public async Task Tap_async_jobs_with_extreme_queries_end_in_error()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseUri };
        var create = await client.PostAsync("tap/async", new FormUrlEncodedContent(new Dictionary<string, string>
            { ["LANG"] = "ADQL", ["QUERY"] = "SELECT " + Repeat("(", 5000) + "1" + Repeat(")", 5000) + " FROM ivoa.obscore", ["PHASE"] = "RUN" }));
        Assert.Equal(HttpStatusCode.SeeOther, create.StatusCode);
        var job = create.Headers.Location!.ToString();
        XDocument doc;
        int polls = 0;
        do doc = XDocument.Parse(await server.Client.GetStringAsync(job + "?WAIT=10"));
        while (doc.Root!.Element(Uws + "phase")!.Value is not ("COMPLETED" or "ERROR" or "ABORTED") && ++polls < 20);
        Assert.Equal("ERROR", doc.Root!.Element(Uws + "phase")!.Value);
        Assert.Contains("nested too deeply", doc.Root!.Element(Uws + "errorSummary")!.Value);
        await The_server_still_answers();
    }

    [Fact]
    public async Task Spec_query_with_a_deeply_nested_cond_is_a_user_error()
    {
        string cond = Repeat("(", 1000) + "z > 0" + Repeat(")", 1000);
        var r = await server.Client.GetAsync("spec/query?fields=specobjid&cond=" + Uri.EscapeDataString(cond));
        Assert.True((int)r.StatusCode is >= 400 and < 500, $"{(int)r.StatusCode}: {await r.Content.ReadAsStringAsync()}");
        Assert.Contains("nested too deeply", await r.Content.ReadAsStringAsync());
        await The_server_still_answers();
    }
}
