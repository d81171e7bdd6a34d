using System.Collections.Concurrent;
using System.Net;
using VoSpec.Server.Tests.Interop;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Server.Tests.ScaleOut;

/// <summary>
/// The scale-out topology of deploy/local-cluster (nginx, two nodes, a PostgreSQL primary and a hot standby) under
/// the failures it is built for: VO clients through nginx; a UWS job created on one node and followed, aborted and
/// deleted on the other; a node killed (kill -9) under load — no failed requests beyond those in flight, its running
/// job ends in ERROR with a reason, and restarted it rejoins only once warmed up; the standby stopped under load —
/// reads go on from the primary.
/// </summary>
public sealed class ScaleOutTests(LocalCluster cluster) : IClassFixture<LocalCluster>
{
    private const int Workers = 4;
    // Long enough to be still running when a test acts on it: 200^4 rows to count.
    private const string LongQuery = "SELECT COUNT(*) FROM ivoa.obscore a, ivoa.obscore b, ivoa.obscore c, ivoa.obscore d";

    [Fact]
    public void Pyvo_scenarios_pass_through_nginx()
    {
        string[] scenarios = ["tap_tables_obscore", "choose_cone", "tap_sync_obscore_cone", "tap_maxrec_overflow", "tap_async", "tap_bad_adql", "tap_unknown_table"];
        var args = new List<string> { Conformance.Script("pyvo_scenarios.py"), "--tap", cluster.PublicUri + "tap", "--strict" };
        foreach (var s in scenarios) { args.Add("--only"); args.Add(s); }
        var r = ExternalTool.Run(ExternalTool.Python, args, timeout: TimeSpan.FromMinutes(5));
        Assert.True(r.ExitCode == 0, r.All);
        Assert.Contains($"{scenarios.Length} passed, 0 failed", r.StdOut);
    }

    [Fact]
    public void Taplint_finds_no_errors_and_no_warnings_through_nginx()
    {
        using var dir = TestPaths.NewTempDir("taplint");
        ExternalTool.Require("stilts");
        var r = ExternalTool.Run("bash", [Conformance.Script("run-taplint.sh"), cluster.PublicUri + "tap", dir.Path], timeout: TimeSpan.FromMinutes(5));
        var summary = r.StdOut.Split('\n').FirstOrDefault(l => l.StartsWith("TAPLINT SUMMARY:")) ?? "";
        Assert.True(r.ExitCode == 0, "taplint reported errors:\n" + r.All);
        Assert.Contains("Errors=0", summary);
        Assert.Contains("Warnings=0", summary);
    }

    [Fact]
    public async Task A_job_created_on_one_node_is_read_aborted_and_deleted_on_the_other()
    {
        using var a = Direct(1);
        using var b = Direct(2);
        // A short job: run on node 1, its phase and result read on node 2, deleted on node 2.
        var quick = await SubmitAsync(a, "SELECT TOP 3 obs_id FROM ivoa.obscore ORDER BY obs_id");
        Assert.Equal("COMPLETED", await WaitForAsync(b, quick, p => p is "COMPLETED" or "ERROR" or "ABORTED"));
        using var following = new HttpClient { BaseAddress = cluster.Node(2) };
        var result = (await following.GetStringAsync($"tap/async/{quick}/results/result")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["obs_id", "4001-52068-0001"], result[..2].Select(l => l.Trim()));
        Assert.Equal(4, result.Length);
        Assert.Equal(HttpStatusCode.SeeOther, (await b.PostAsync($"tap/async/{quick}", Form(("ACTION", "DELETE")))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await a.GetAsync($"tap/async/{quick}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.GetAsync($"tap/async/{quick}")).StatusCode);

        // A long job: executing on node 1, aborted through node 2; node 1 stops its query (no query left on the database).
        var slow = await SubmitAsync(a, LongQuery);
        Assert.Equal("EXECUTING", await WaitForAsync(b, slow, p => p != "QUEUED" && p != "PENDING"));
        Assert.True(CountingQueries() > 0, "the long query is not running on the database");
        Assert.Equal(HttpStatusCode.SeeOther, (await b.PostAsync($"tap/async/{slow}/phase", Form(("PHASE", "ABORT")))).StatusCode);
        Assert.Equal("ABORTED", (await a.GetStringAsync($"tap/async/{slow}/phase")).Trim());
        for (int i = 0; i < 100 && CountingQueries() > 0; i++) await Task.Delay(200);
        Assert.Equal(0, CountingQueries());
        Assert.Equal("ABORTED", (await b.GetStringAsync($"tap/async/{slow}/phase")).Trim());
        Assert.Equal(HttpStatusCode.SeeOther, (await b.PostAsync($"tap/async/{slow}", Form(("ACTION", "DELETE")))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await a.GetAsync($"tap/async/{slow}/phase")).StatusCode);
    }

    [Fact]
    public async Task A_node_killed_under_load_costs_no_request_its_job_ends_in_error_and_it_rejoins_once_ready()
    {
        using var a = Direct(1);
        using var b = Direct(2);
        var job = await SubmitAsync(a, LongQuery);
        Assert.Equal("EXECUTING", await WaitForAsync(b, job, p => p != "QUEUED" && p != "PENDING"));

        var load = Load.Start(cluster.Client, await PathsAsync());
        await Task.Delay(2000);
        int before = load.Count;
        cluster.KillNode(1);
        // The node is really gone: its own port refuses.
        await Assert.ThrowsAsync<HttpRequestException>(() => a.GetAsync("health/live"));
        await Task.Delay(4000);
        var seen = await load.StopAsync();
        Assert.True(seen.Skip(before).Count(s => s.Ok) >= Workers, $"the surviving node answered only {seen.Skip(before).Count(s => s.Ok)} requests after the kill");
        var failed = seen.Where(s => !s.Ok).ToList();
        Assert.True(failed.Count <= Workers, $"{failed.Count} failed requests (at most {Workers} were in flight): " + string.Join("; ", failed.Take(5).Select(f => f.What)));

        // The killed node's job: another node ends it in ERROR with the reason once its lease has run out.
        Assert.Equal("ERROR", await WaitForAsync(b, job, p => p != "EXECUTING", TimeSpan.FromSeconds(60)));
        var doc = await b.GetStringAsync($"tap/async/{job}");
        Assert.Contains("the server running the job stopped", doc);
        Assert.Equal(HttpStatusCode.SeeOther, (await b.PostAsync($"tap/async/{job}", Form(("ACTION", "DELETE")))).StatusCode);

        // Restarted under load: until its warm-up has run it answers 503 (nginx passes the request on), then 200.
        load = Load.Start(cluster.Client, await PathsAsync());
        var restart = Task.Run(() => cluster.StartNode(1));
        var statuses = new List<HttpStatusCode>();
        while (!restart.IsCompleted)
        {
            try
            {
                using var r = await a.GetAsync("tap/sync?LANG=ADQL&FORMAT=csv&QUERY=" + Uri.EscapeDataString("SELECT TOP 1 obs_id FROM ivoa.obscore"));
                statuses.Add(r.StatusCode);
                if (r.StatusCode == HttpStatusCode.ServiceUnavailable) Assert.Contains("warming up", await r.Content.ReadAsStringAsync());
            }
            catch (HttpRequestException) { } // not listening yet
            await Task.Delay(50);
        }
        var started = await restart;
        Assert.True(started.ExitCode == 0, started.All);
        await Task.Delay(1000);
        seen = await load.StopAsync();
        Assert.Contains(HttpStatusCode.ServiceUnavailable, statuses);
        Assert.Empty(seen.Where(s => !s.Ok).Select(s => s.What));
        Assert.Equal(HttpStatusCode.OK, (await a.GetAsync("health/ready")).StatusCode);
    }

    [Fact]
    public async Task The_standby_stopped_under_load_leaves_reads_to_the_primary()
    {
        // Reads do go to the standby while it is there.
        var paths = await PathsAsync();
        foreach (var p in paths) Assert.Equal(HttpStatusCode.OK, (await cluster.Client.GetAsync(p)).StatusCode);
        Assert.True(int.Parse(cluster.OnStandby("SELECT count(*) FROM pg_stat_activity WHERE datname = 'vospec'")) > 0, "no node reads from the standby");

        var load = Load.Start(cluster.Client, paths);
        await Task.Delay(2000);
        int before = load.Count;
        var stop = cluster.StopStandby();
        Assert.True(stop.ExitCode == 0, stop.All);
        await Task.Delay(5000);
        var seen = await load.StopAsync();
        var start = cluster.StartStandby();
        Assert.True(start.ExitCode == 0, start.All);
        Assert.True(seen.Skip(before).Count(s => s.Ok) >= Workers, $"only {seen.Skip(before).Count(s => s.Ok)} requests answered with the standby down");
        var failed = seen.Where(s => !s.Ok).ToList();
        Assert.True(failed.Count <= Workers, $"{failed.Count} failed requests (at most {Workers} were in flight): " + string.Join("; ", failed.Take(5).Select(f => f.What)));
        Assert.True(seen.Skip(before).TakeLast(20).All(s => s.Ok), "reads fail with the standby down: " + string.Join("; ", seen.Where(s => !s.Ok).TakeLast(3).Select(f => f.What)));
    }

    [Fact]
    public async Task A_standby_too_far_behind_sends_reads_to_the_primary_until_it_catches_up()
    {
        var ids = (await cluster.Client.GetStringAsync("tap/sync?LANG=ADQL&RESPONSEFORMAT=csv&QUERY=" +
            Uri.EscapeDataString("SELECT TOP 1 obs_id, target_name FROM ivoa.obscore ORDER BY obs_id"))).Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].TrimEnd('\r').Split(',');
        var (obsId, name) = (ids[0], ids[1]);
        async Task<List<string>> NamesAsync() => [.. await Task.WhenAll(new[] { 1, 2 }.Select(async k =>
        {
            using var http = new HttpClient { BaseAddress = cluster.Node(k) };
            var csv = await http.GetStringAsync("tap/sync?LANG=ADQL&RESPONSEFORMAT=csv&QUERY=" +
                Uri.EscapeDataString($"SELECT target_name FROM ivoa.obscore WHERE obs_id = '{obsId}'"));
            return csv.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].Trim();
        }))];
        // Replay stops on the standby; the primary changes a row.
        cluster.OnStandby("SELECT pg_wal_replay_pause()");
        try
        {
            cluster.OnPrimary($"UPDATE ivoa_obscore SET target_name = 'lag probe' WHERE obs_id = '{obsId}'");
            // At first both nodes read the standby, which has not replayed it...
            Assert.All(await NamesAsync(), n => Assert.Equal(name, n));
            // ...then, the standby more than MaxStandbyLagSeconds (10) behind, they read the primary.
            var until = DateTime.UtcNow.AddSeconds(60);
            List<string> names;
            while ((names = await NamesAsync()).Any(n => n != "lag probe") && DateTime.UtcNow < until) await Task.Delay(500);
            Assert.All(names, n => Assert.Equal("lag probe", n));
            foreach (var k in new[] { 1, 2 })
                Assert.Contains("more than 10 s behind the primary: reads go to the primary", File.ReadAllText(Path.Combine(cluster.Dir, $"vospec-node-{k}.log")));
        }
        finally
        {
            cluster.OnPrimary($"UPDATE ivoa_obscore SET target_name = '{name}' WHERE obs_id = '{obsId}'");
            cluster.OnStandby("SELECT pg_wal_replay_resume()");
        }
        // Caught up again: reads go back to the standby.
        var back = DateTime.UtcNow.AddSeconds(30);
        while (!File.ReadAllText(Path.Combine(cluster.Dir, "vospec-node-1.log")).Contains("standbys caught up") && DateTime.UtcNow < back) await Task.Delay(500);
        Assert.Contains("standbys caught up: reads go to them again", File.ReadAllText(Path.Combine(cluster.Dir, "vospec-node-1.log")));
        Assert.All(await NamesAsync(), n => Assert.Equal(name, n));
    }

    /// <summary>Clients asking over and over (TAP, {links}, SSA, /spec) until stopped; every answer recorded.</summary>
    private sealed class Load
    {
        private readonly ConcurrentQueue<(bool Ok, string What)> _seen = new();
        private readonly CancellationTokenSource _stop = new();
        private List<Task> _tasks = [];
        public int Count => _seen.Count;

        public static Load Start(HttpClient http, IReadOnlyList<string> paths)
        {
            var load = new Load();
            load._tasks = Enumerable.Range(0, Workers).Select(k => Task.Run(async () =>
            {
                for (int i = k; !load._stop.IsCancellationRequested; i++)
                {
                    var path = paths[i % paths.Count];
                    try
                    {
                        using var r = await http.GetAsync(path);
                        var body = await r.Content.ReadAsStringAsync();
                        load._seen.Enqueue((r.StatusCode == HttpStatusCode.OK, $"{(int)r.StatusCode} {path}: {body[..Math.Min(200, body.Length)]}"));
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        load._seen.Enqueue((false, $"{path}: {e.Message}"));
                    }
                }
            })).ToList();
            return load;
        }

        public async Task<List<(bool Ok, string What)>> StopAsync()
        {
            _stop.Cancel();
            await Task.WhenAll(_tasks);
            return [.. _seen];
        }
    }

    private async Task<IReadOnlyList<string>> PathsAsync()
    {
        var did = (await cluster.Client.GetStringAsync("tap/sync?LANG=ADQL&FORMAT=csv&QUERY=" + Uri.EscapeDataString("SELECT TOP 1 obs_publisher_did FROM ivoa.obscore ORDER BY obs_id")))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].Trim();
        return
        [
            "tap/sync?LANG=ADQL&FORMAT=csv&QUERY=" + Uri.EscapeDataString("SELECT TOP 5 obs_id FROM ivoa.obscore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', 180, 0, 30)) = 1"),
            "datalink/links?ID=" + Uri.EscapeDataString(did),
            "ssa?REQUEST=queryData&FORMAT=all&MAXREC=5",
            "spec/available",
        ];
    }

    // Redirects not followed: a job's creation answers 303 with its URL.
    private HttpClient Direct(int node) => new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = cluster.Node(node), Timeout = TimeSpan.FromSeconds(60) };

    private static FormUrlEncodedContent Form(params (string, string)[] fields) => new(fields.Select(f => KeyValuePair.Create(f.Item1, f.Item2)));

    private static async Task<string> SubmitAsync(HttpClient http, string adql)
    {
        using var r = await http.PostAsync("tap/async", Form(("LANG", "ADQL"), ("QUERY", adql), ("RESPONSEFORMAT", "csv"), ("PHASE", "RUN")));
        Assert.Equal(HttpStatusCode.SeeOther, r.StatusCode);
        return r.Headers.Location!.ToString().TrimEnd('/').Split('/')[^1];
    }

    /// <summary>Polls the job's phase on one node until it satisfies <paramref name="done"/>.</summary>
    private static async Task<string> WaitForAsync(HttpClient http, string id, Func<string, bool> done, TimeSpan? within = null)
    {
        var end = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(60));
        string phase;
        do
        {
            phase = (await http.GetStringAsync($"tap/async/{id}/phase")).Trim();
            if (done(phase)) return phase;
            await Task.Delay(200);
        }
        while (DateTime.UtcNow < end);
        return phase;
    }

    /// <summary>Queries counting the four-way join, running on either database server.</summary>
    private int CountingQueries() =>
        int.Parse(cluster.OnStandby("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query ILIKE '%count(%' AND pid <> pg_backend_pid()"));
}
