using System.Net;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using VoSpec.Server.Hosting;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Server.Tests;

/// <summary>Time limits and job persistence, each on a server of its own (small limits, restarts).</summary>
[Collection("host")]
public class TapLimitsTests
{
    private static readonly XNamespace Uws = "http://www.ivoa.net/xml/UWS/v1.0";
    // 40^6 rows through a function: far longer than a second.
    private const string SlowQuery = "SELECT COUNT(*) FROM ivoa.obscore AS a, ivoa.obscore AS b, ivoa.obscore AS c, ivoa.obscore AS d, ivoa.obscore AS e, ivoa.obscore AS f WHERE SQRT(a.s_ra * b.s_ra + c.s_ra + d.s_ra + e.s_ra + f.s_ra) > -1";

    private static async Task<(WebApplication App, HttpClient Client)> Start(string archive, int demo = 40)
    {
        var app = VoSpecHost.Build(new Dictionary<string, string?>
        {
            ["VoSpec:Archive"] = archive, ["VoSpec:Urls"] = "http://127.0.0.1:0", ["VoSpec:WarmUp"] = "false", ["VoSpec:Demo"] = demo.ToString(),
            ["VoSpec:Tap:SyncTimeoutSeconds"] = "1", ["VoSpec:Tap:AsyncExecutionSeconds"] = "2",
        });
        await app.StartAsync();
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(VoSpecHost.BaseUrls(app)[0]) };
        return (app, client);
    }

    private static async Task Stop(WebApplication app, HttpClient client)
    {
        client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private static async Task<XDocument> WaitFinal(HttpClient client, string job)
    {
        for (int i = 0; i < 30; i++)
        {
            var doc = XDocument.Parse(await client.GetStringAsync(job + "?WAIT=5"));
            if (doc.Root!.Element(Uws + "phase")!.Value is "COMPLETED" or "ERROR" or "ABORTED") return doc;
        }
        throw new TimeoutException("job did not finish");
    }

    [Fact]
    public async Task A_sync_query_past_the_time_limit_is_interrupted_with_an_error_document()
    {
        using var dir = TestPaths.NewTempDir();
        var (app, client) = await Start(Path.Combine(dir.Path, "a"));
        try
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var r = await client.PostAsync("tap/sync", new FormUrlEncodedContent(new Dictionary<string, string> { ["LANG"] = "ADQL", ["QUERY"] = SlowQuery }));
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(15), $"took {sw.Elapsed}");
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.Contains("time limit", await r.Content.ReadAsStringAsync());
        }
        finally { await Stop(app, client); }
    }

    [Fact]
    public async Task An_async_job_past_its_execution_duration_is_aborted()
    {
        using var dir = TestPaths.NewTempDir();
        var (app, client) = await Start(Path.Combine(dir.Path, "a"));
        try
        {
            var create = await client.PostAsync("tap/async", new FormUrlEncodedContent(new Dictionary<string, string>
                { ["LANG"] = "ADQL", ["QUERY"] = SlowQuery, ["PHASE"] = "RUN" }));
            var job = create.Headers.Location!.ToString();
            Assert.Equal("2", await client.GetStringAsync(job + "/executionduration"));
            var doc = await WaitFinal(client, job);
            Assert.Equal("ABORTED", doc.Root!.Element(Uws + "phase")!.Value);
        }
        finally { await Stop(app, client); }
    }

    [Fact]
    public async Task Jobs_and_their_results_survive_a_restart_and_deleted_ones_do_not()
    {
        using var dir = TestPaths.NewTempDir();
        var archive = Path.Combine(dir.Path, "a");
        string kept, deleted;
        var (app, client) = await Start(archive);
        try
        {
            async Task<string> Run(string q)
            {
                var c = await client.PostAsync("tap/async", new FormUrlEncodedContent(new Dictionary<string, string> { ["LANG"] = "ADQL", ["QUERY"] = q, ["PHASE"] = "RUN" }));
                var j = c.Headers.Location!.ToString();
                await WaitFinal(client, j);
                return j;
            }
            kept = await Run("SELECT TOP 4 obs_id FROM ivoa.obscore");
            deleted = await Run("SELECT TOP 1 obs_id FROM ivoa.obscore");
            await client.DeleteAsync(deleted);
        }
        finally { await Stop(app, client); }

        (app, client) = await Start(archive);
        try
        {
            var keptPath = new Uri(kept).AbsolutePath.TrimStart('/');
            var doc = XDocument.Parse(await client.GetStringAsync(keptPath));
            Assert.Equal("COMPLETED", doc.Root!.Element(Uws + "phase")!.Value);
            var result = await client.GetAsync(keptPath + "/results/result");
            Assert.Equal(HttpStatusCode.OK, result.StatusCode);
            Assert.Contains("QUERY_STATUS", await result.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri(deleted).AbsolutePath.TrimStart('/'))).StatusCode);
            var list = XDocument.Parse(await client.GetStringAsync("tap/async"));
            Assert.Single(list.Descendants(Uws + "jobref"));
        }
        finally { await Stop(app, client); }
    }

    [Fact]
    public async Task At_its_destruction_time_a_job_and_its_result_files_are_removed()
    {
        using var dir = TestPaths.NewTempDir();
        var archive = Path.Combine(dir.Path, "a");
        var (app, client) = await Start(archive);
        try
        {
            var c = await client.PostAsync("tap/async", new FormUrlEncodedContent(new Dictionary<string, string> { ["LANG"] = "ADQL", ["QUERY"] = "SELECT TOP 2 obs_id FROM ivoa.obscore", ["PHASE"] = "RUN" }));
            var job = c.Headers.Location!.ToString();
            await WaitFinal(client, job);
            var id = job[(job.LastIndexOf('/') + 1)..];
            var jobDir = Path.Combine(archive, "jobs", id);
            Assert.True(File.Exists(Path.Combine(jobDir, "result")));
            var when = DateTimeOffset.UtcNow.AddSeconds(1).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
            var set = await client.PostAsync(job + "/destruction", new FormUrlEncodedContent(new Dictionary<string, string> { ["DESTRUCTION"] = when }));
            Assert.Equal(HttpStatusCode.SeeOther, set.StatusCode);
            Assert.Equal(when, await client.GetStringAsync(job + "/destruction"));
            await Task.Delay(1500);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(job)).StatusCode);
            Assert.False(Directory.Exists(jobDir));
        }
        finally { await Stop(app, client); }
    }
}
