using System.Net;
using System.Text.RegularExpressions;
using VoSpec.Server.Tests.Interop;
using VoSpec.Testing;
using Xunit;
using Xunit.Abstractions;

namespace VoSpec.Server.Tests.ScaleOut;

/// <summary>
/// The scale-out topology of deploy/local-cluster (nginx, two nodes, a PostgreSQL primary and a hot standby) under
/// the failures it is built for: VO clients through nginx; a UWS job created on one node and followed, aborted and
/// deleted on the other; a node killed (kill -9) under wrk's load — no failed requests beyond those in flight, its
/// running job ends in ERROR with a reason, and restarted it rejoins only once warmed up; the standby stopped under
/// wrk's load — not one failed read (and some without the retry on the primary), reads go on from the primary.
/// </summary>
public sealed class ScaleOutTests(LocalCluster cluster, ITestOutputHelper output) : IClassFixture<LocalCluster>
{
    // wrk's connections: at most this many requests are in flight at once.
    private const int Connections = 4;
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

        // wrk through nginx; node 1 killed 3 s into its 10 s.
        var paths = await PathsAsync();
        var load = Task.Run(() => Wrk.Run(cluster.PublicUri, paths, Connections, TimeSpan.FromSeconds(10)));
        await Task.Delay(3000);
        cluster.KillNode(1);
        // The node is really gone: its own port refuses.
        await Assert.ThrowsAsync<HttpRequestException>(() => a.GetAsync("health/live"));
        var across = await load;
        output.WriteLine("node 1 killed under load: " + across);
        // A connection has one request in flight at a time: at most that many could fail at the kill.
        Assert.True(across.Failed <= Connections, $"{across.Failed} failed requests, at most {Connections} were in flight: {across}");
        Assert.True(across.Ok > 0, across.ToString());
        // The survivor carries the load alone: node 1 still dead, every request answered.
        var after = Wrk.Run(cluster.PublicUri, paths, Connections, TimeSpan.FromSeconds(3));
        Assert.True(after.Failed == 0 && after.Ok >= Connections, "with node 1 dead: " + after);

        // The killed node's job: another node ends it in ERROR with the reason once its lease has run out.
        Assert.Equal("ERROR", await WaitForAsync(b, job, p => p != "EXECUTING", TimeSpan.FromSeconds(60)));
        var doc = await b.GetStringAsync($"tap/async/{job}");
        Assert.Contains("the server running the job stopped", doc);
        Assert.Equal(HttpStatusCode.SeeOther, (await b.PostAsync($"tap/async/{job}", Form(("ACTION", "DELETE")))).StatusCode);

        // Restarted under load (wrk through nginx, 3 s at a time until node 1 is ready): until its warm-up has run it
        // answers 503 (nginx passes the request on), then 200.
        var restart = Task.Run(() => cluster.StartNode(1));
        var rounds = Task.Run(() =>
        {
            var seen = new List<Wrk.Counts>();
            do seen.Add(Wrk.Run(cluster.PublicUri, paths, Connections, TimeSpan.FromSeconds(3)));
            while (!restart.IsCompleted);
            seen.Add(Wrk.Run(cluster.PublicUri, paths, Connections, TimeSpan.FromSeconds(3)));
            return seen;
        });
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
        var during = await rounds;
        Assert.Contains(HttpStatusCode.ServiceUnavailable, statuses);
        Assert.All(during, c => Assert.True(c.Failed == 0 && c.Ok > 0, "while node 1 restarted: " + c));
        Assert.Equal(HttpStatusCode.OK, (await a.GetAsync("health/ready")).StatusCode);
    }

    [Fact]
    public async Task The_standby_stopped_under_load_costs_no_read_they_go_on_from_the_primary()
    {
        // Reads do go to the standby while it is there.
        var paths = await PathsAsync();
        foreach (var p in paths) Assert.Equal(HttpStatusCode.OK, (await cluster.Client.GetAsync(p)).StatusCode);
        Assert.True(int.Parse(cluster.OnStandby("SELECT count(*) FROM pg_stat_activity WHERE datname = 'vospec'")) > 0, "no node reads from the standby");

        // wrk through nginx, the standby stopped (fast shutdown) 3 s into its 10 s: not one failed request. A query
        // of a few hundred ms among the reads keeps reads under way on the standby when it stops.
        paths = [.. paths, "tap/sync?LANG=ADQL&FORMAT=csv&QUERY=" + Uri.EscapeDataString("SELECT COUNT(*) FROM ivoa.obscore a, ivoa.obscore b, ivoa.obscore c")];
        var (across, down) = await StandbyStoppedUnderAsync(cluster.PublicUri, paths);
        output.WriteLine($"standby stopped under load, through nginx: {across}; then with it down: {down}");
        try
        {
            Assert.True(across.Failed == 0 && across.Ok > 0, "with the standby stopped: " + across);
            Assert.True(down.Failed == 0 && down.Ok >= Connections, "with the standby down: " + down);
            // The nodes with reads under way on it saw it go and sent their reads to the primary at once (a node whose
            // connections to it were all idle may find them closed and leave the standby to Npgsql, which opens the
            // next one on the primary).
            Assert.Contains(new[] { 1, 2 }, k => Regex.IsMatch(File.ReadAllText(Path.Combine(cluster.Dir, $"vospec-node-{k}.log")), @"standby 127\.0\.0\.1:\d+ lost \("));
        }
        finally { Assert.True(cluster.StartStandby().ExitCode == 0); }
        await BackOnTheStandbyAsync(paths);

        // The same on a node whose reads are not retried on the primary (VoSpec:RetryReadsOnPrimary=false), driven
        // directly: the reads under way on the standby fail — what the retry saves, and what the assertion above sees.
        var started = cluster.StartExtraNode(3, new Dictionary<string, string> { ["VOSPEC_RETRYREADSONPRIMARY"] = "false" });
        try
        {
            Assert.True(started.ExitCode == 0, started.All);
            var (unretried, downUnretried) = await StandbyStoppedUnderAsync(cluster.Node(3), paths);
            output.WriteLine($"standby stopped under load, node 3 without the retry: {unretried}; then with it down: {downUnretried}");
            Assert.True(unretried.Failed > 0, "no read failed without the retry: " + unretried);
            Assert.True(downUnretried.Failed == 0, "the standby marked lost, reads on the primary: " + downUnretried);
        }
        finally
        {
            Assert.True(cluster.StartStandby().ExitCode == 0);
            cluster.StopNode(3);
        }
        await BackOnTheStandbyAsync(paths);
    }

    [Fact]
    public async Task A_standby_too_far_behind_sends_reads_to_the_primary_until_it_catches_up()
    {
        var ids = (await cluster.Client.GetStringAsync("tap/sync?LANG=ADQL&RESPONSEFORMAT=csv&QUERY=" +
            Uri.EscapeDataString("SELECT TOP 1 specobjid, class FROM spec.specobj WHERE class <> '' ORDER BY specobjid"))).Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].TrimEnd('\r').Split(',');
        // A column of spec.specobj: ObsCore's rows on PostgreSQL can only be changed through VoSpec (their stored bytes).
        var (specObjId, name) = (long.Parse(ids[0], System.Globalization.CultureInfo.InvariantCulture), ids[1]);
        async Task<List<string>> NamesAsync() => [.. await Task.WhenAll(new[] { 1, 2 }.Select(async k =>
        {
            using var http = new HttpClient { BaseAddress = cluster.Node(k) };
            var csv = await http.GetStringAsync("tap/sync?LANG=ADQL&RESPONSEFORMAT=csv&QUERY=" +
                Uri.EscapeDataString($"SELECT class FROM spec.specobj WHERE specobjid = {specObjId}"));
            return csv.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].Trim();
        }))];
        // Both nodes on the standby first: after an earlier test stopped it, Npgsql rechecks a host it saw go down only
        // after a while, so a node can read the primary for some seconds after its watch saw the standby again. Until
        // both nodes answer the old value with replay paused and the row changed, the change is undone and tried again.
        var settled = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            cluster.OnStandby("SELECT pg_wal_replay_pause()");
            cluster.OnPrimary($"UPDATE specobj SET class = 'lag probe' WHERE specobjid = {specObjId}");
            var first = await NamesAsync();
            if (first.All(n => n == name)) break;
            cluster.OnPrimary($"UPDATE specobj SET class = '{name}' WHERE specobjid = {specObjId}");
            cluster.OnStandby("SELECT pg_wal_replay_resume()");
            Assert.True(DateTime.UtcNow < settled, "a node still reads the primary after 90 s: " + string.Join(", ", first));
            await Task.Delay(2000);
        }
        // Replay is paused on the standby and the primary changed a row; both nodes read the standby, which has not
        // replayed it.
        try
        {
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
            cluster.OnPrimary($"UPDATE specobj SET class = '{name}' WHERE specobjid = {specObjId}");
            cluster.OnStandby("SELECT pg_wal_replay_resume()");
        }
        // Caught up again: reads go back to the standby.
        var back = DateTime.UtcNow.AddSeconds(30);
        while (!File.ReadAllText(Path.Combine(cluster.Dir, "vospec-node-1.log")).Contains("standbys caught up") && DateTime.UtcNow < back) await Task.Delay(500);
        Assert.Contains("standbys caught up: reads go to them again", File.ReadAllText(Path.Combine(cluster.Dir, "vospec-node-1.log")));
        Assert.All(await NamesAsync(), n => Assert.Equal(name, n));
    }

    /// <summary>
    /// wrk at <paramref name="root"/> for 10 s with the standby stopped 3 s in (Across), then 3 s more with it down
    /// (Down); the standby stays down (the caller starts it).
    /// </summary>
    private async Task<(Wrk.Counts Across, Wrk.Counts Down)> StandbyStoppedUnderAsync(Uri root, IReadOnlyList<string> paths)
    {
        var load = Task.Run(() => Wrk.Run(root, paths, Connections, TimeSpan.FromSeconds(10)));
        await Task.Delay(3000);
        var stop = cluster.StopStandby();
        Assert.True(stop.ExitCode == 0, stop.All);
        var across = await load;
        return (across, Wrk.Run(root, paths, Connections, TimeSpan.FromSeconds(3)));
    }

    /// <summary>
    /// After the standby was started again: both nodes read from it again, as the other tests expect. A node that did
    /// not read while it was down finds the connections to it dead at its next reads (each retried on the primary,
    /// the standby marked lost); every loss in a node's log is followed by "standbys answer again" within a few s.
    /// </summary>
    private async Task BackOnTheStandbyAsync(IReadOnlyList<string> paths)
    {
        foreach (var k in new[] { 1, 2 })
        {
            using var http = new HttpClient { BaseAddress = cluster.Node(k) };
            foreach (var p in paths.Concat(paths)) Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(p)).StatusCode);
            var log = Path.Combine(cluster.Dir, $"vospec-node-{k}.log");
            int Count(string text) => File.ReadLines(log).Count(l => l.Contains(text));
            for (int i = 0; i < 120 && Count("standbys answer again") < Count(" lost ("); i++) await Task.Delay(500);
            Assert.Equal(Count(" lost ("), Count("standbys answer again"));
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
