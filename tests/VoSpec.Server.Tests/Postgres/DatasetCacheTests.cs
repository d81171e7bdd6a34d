using System.Net;
using Microsoft.AspNetCore.Builder;
using VoSpec.Server.Hosting;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Server.Tests.Postgres;

/// <summary>
/// The dataset cache on PostgreSQL (PostgresDatasetCache) with two servers on one database, as a scale-out without
/// standbys runs: a change made on the database (psql here, as another server or tool would) is in the other server's
/// {links} answers once its notification has arrived (the tests ask until then, at most 5 s: it comes after the commit,
/// so the very next answer may still be the one from before — why the cache is off by default); a change the triggers cannot see (made with them switched off) shows that the cache is really
/// used; a killed listening connection, or a trigger switched off, turns the cache off until it listens again.
/// Also the probe behind VOSI availability: answered from the last probe for a second, not once a request.
/// </summary>
public class DatasetCacheTests : IAsyncLifetime
{
    private const string ListenerName = "vospec dataset cache";
    private readonly TempDir _dir = TestPaths.NewTempDir("vospec-dscache");
    private string _database = null!, _dbName = null!;
    private WebApplication _a = null!, _b = null!;
    private HttpClient _httpA = null!, _httpB = null!;

    public async Task InitializeAsync()
    {
        _database = PostgresDatabases.NewDatabase();
        _dbName = _database.Split(';').Select(p => p.Split('=', 2)).Single(kv => kv[0] == "Database")[1];
        (_a, _httpA) = await Start(demo: true);
        // B's sessions log their statements (the cluster's log), for the availability test to count its probes.
        (_b, _httpB) = await Start(demo: false, options: "-c log_statement=all");
    }

    private async Task<(WebApplication, HttpClient)> Start(bool demo, string? options = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["VoSpec:Archive"] = Path.Combine(_dir.Path, "archive"), ["VoSpec:Database"] = options is null ? _database : _database + $";Options={options}",
            ["VoSpec:Urls"] = "http://127.0.0.1:0", ["VoSpec:WarmUp"] = "false", ["VoSpec:DatasetCache"] = "true",
        };
        if (demo) settings["VoSpec:Demo"] = "20";
        var app = VoSpecHost.Build(settings);
        await app.StartAsync();
        return (app, new HttpClient { BaseAddress = new Uri(VoSpecHost.BaseUrls(app)[0]), Timeout = TimeSpan.FromSeconds(30) });
    }

    public async Task DisposeAsync()
    {
        foreach (var app in new[] { _a, _b })
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        _dir.Dispose();
    }

    private string Sql(string sql)
    {
        var r = PostgresDatabases.Cluster.Psql(sql, _dbName);
        Assert.True(r.ExitCode == 0, r.All);
        return r.StdOut.Trim();
    }

    private async Task<List<string>> Dids(int n) =>
        (await _httpA.GetStringAsync("tap/sync?LANG=ADQL&FORMAT=csv&QUERY=" + Uri.EscapeDataString($"SELECT TOP {n} obs_publisher_did FROM ivoa.obscore ORDER BY obs_publisher_did")))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Trim()).ToList();

    private static async Task<string> Links(HttpClient http, string did)
    {
        using var r = await http.GetAsync("datalink/links?ID=" + Uri.EscapeDataString(did));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        return await r.Content.ReadAsStringAsync();
    }

    /// <summary>A links document without the server's own address (each server has its port).</summary>
    private static string Local(string links) => System.Text.RegularExpressions.Regex.Replace(links, @"http://127\.0\.0\.1:\d+/", "/");

    private static long SpecObjId(string did) => long.Parse(did[(did.IndexOf('?') + 1)..]);

    /// <summary>
    /// Until both servers' caches listen: their listening connections (by application name) have checked the triggers,
    /// after which the cache is turned on.
    /// </summary>
    private async Task Listening()
    {
        for (int i = 0; i < 100; i++)
        {
            if (int.Parse(Sql($"SELECT count(*) FROM pg_stat_activity WHERE application_name = '{ListenerName}' AND datname = current_database() AND query LIKE '%pg_trigger%'")) >= 2)
            {
                await Task.Delay(200);
                return;
            }
            await Task.Delay(100);
        }
        Assert.Fail("the dataset caches do not listen");
    }

    /// <summary>
    /// Asks B until its answer for <paramref name="did"/> passes <paramref name="reflects"/>: the notification of a
    /// change reaches the other server after the commit (as long as the listening backend and the server's task take to
    /// be scheduled: longer on a loaded machine), and until then a cached answer is the one from before. Fails after five seconds; returns the
    /// number of answers that did not reflect the change yet.
    /// </summary>
    private static async Task<int> Reflected(HttpClient http, string did, Func<string, bool> reflects)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int stale = 0; ; stale++)
        {
            if (reflects(await Links(http, did))) return stale;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"{stale} answers in 5 s did not reflect the change");
            await Task.Delay(2);
        }
    }

    /// <summary>A change no trigger sees (the notifying trigger off for its transaction): a cached answer keeps what it was.</summary>
    private string Unnotified(string change) => Sql($"""
        BEGIN;
        ALTER TABLE spectrum_store DISABLE TRIGGER vospec_catalogue_changed;
        {change};
        ALTER TABLE spectrum_store ENABLE ALWAYS TRIGGER vospec_catalogue_changed;
        COMMIT;
        """);

    [Fact]
    public async Task A_change_made_on_the_database_reaches_the_other_server_once_notified()
    {
        var dids = await Dids(3);
        string before = await Links(_httpB, dids[0]);
        Assert.Equal(before, await Links(_httpB, dids[0])); // cached now
        await Links(_httpA, dids[0]);
        await Listening();

        // An UPDATE of the store's row (npix: the #this link's content_length).
        Sql($"UPDATE spectrum_store SET npix = npix + 7 WHERE specobjid = {SpecObjId(dids[0])}");
        await Reflected(_httpB, dids[0], a => a != before);
        string after = await Links(_httpB, dids[0]);
        Assert.Equal(Local(after), Local(await Links(_httpA, dids[0])));

        // A DELETE of the ObsCore row: not found on both servers.
        Assert.DoesNotContain("NotFoundFault", await Links(_httpB, dids[1]));
        Sql($"DELETE FROM ivoa_obscore WHERE obs_publisher_did = '{dids[1]}'");
        await Reflected(_httpB, dids[1], a => a.Contains("NotFoundFault", StringComparison.Ordinal));
        Assert.Contains("NotFoundFault", await Links(_httpA, dids[1]));

        // A TRUNCATE of the store (every dataset gone).
        Assert.DoesNotContain("NotFoundFault", await Links(_httpB, dids[2]));
        Sql("TRUNCATE spectrum_store");
        await Reflected(_httpB, dids[2], a => a.Contains("NotFoundFault", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_cache_is_used_and_a_killed_listening_connection_turns_it_off_until_it_listens_again()
    {
        var dids = await Dids(2);
        await Links(_httpA, dids[0]);
        await Links(_httpB, dids[0]);
        await Listening();
        string before = await Links(_httpB, dids[0]);
        Assert.Equal(before, await Links(_httpB, dids[0]));

        // A change the triggers do not see is not in the cached answer: the cache answers (without asking the database).
        Unnotified($"UPDATE spectrum_store SET npix = npix + 3 WHERE specobjid = {SpecObjId(dids[0])}");
        Assert.Equal(before, await Links(_httpB, dids[0]));

        // Kill both servers' listening connections: the caches are emptied and off; the next answers come from the database.
        Sql($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '{ListenerName}' AND datname = current_database()");
        string fresh = "";
        await Reflected(_httpB, dids[0], a => (fresh = a) != before);
        // It listens again within seconds, and the cache is used again (an unnotified change is not seen)...
        await Listening();
        string cached = await Links(_httpB, dids[0]);
        Assert.Equal(cached, await Links(_httpB, dids[0]));
        Unnotified($"UPDATE spectrum_store SET npix = npix + 11 WHERE specobjid = {SpecObjId(dids[0])}");
        Assert.Equal(cached, await Links(_httpB, dids[0]));
        // ... and emptied by the next notified change.
        Sql($"UPDATE spectrum_store SET npix = npix WHERE specobjid = {SpecObjId(dids[1])}");
        await Reflected(_httpB, dids[0], a => a != cached);
    }

    [Fact]
    public async Task A_notifying_trigger_switched_off_turns_the_cache_off()
    {
        var dids = await Dids(1);
        await Links(_httpA, dids[0]);
        await Links(_httpB, dids[0]);
        await Listening();
        Sql("ALTER TABLE ivoa_obscore DISABLE TRIGGER vospec_catalogue_changed");
        // Checked once a second on the listening connection; the switch itself notifies nothing.
        await Task.Delay(2500);
        string before = await Links(_httpB, dids[0]);
        Unnotified($"UPDATE spectrum_store SET npix = npix + 13 WHERE specobjid = {SpecObjId(dids[0])}");
        Assert.NotEqual(before, await Links(_httpB, dids[0]));
        // Back on (as a server's start puts it): the cache is used again.
        Sql("ALTER TABLE ivoa_obscore ENABLE ALWAYS TRIGGER vospec_catalogue_changed");
        await Task.Delay(2500);
        string cached = await Links(_httpB, dids[0]);
        Unnotified($"UPDATE spectrum_store SET npix = npix + 17 WHERE specobjid = {SpecObjId(dids[0])}");
        Assert.Equal(cached, await Links(_httpB, dids[0]));
    }

    [Fact]
    public async Task Availability_asks_the_database_at_most_about_once_a_second()
    {
        Assert.Contains("<vosi:available>true</vosi:available>", await _httpB.GetStringAsync("tap/availability"));
        // The probe's statement as server B's sessions logged it (only B logs its statements; other tests' servers on
        // the same cluster do not).
        var log = Path.Combine(PostgresDatabases.Cluster.SocketDir, "log");
        int Probes() => File.ReadLines(log).Count(l => l.Contains("SELECT value FROM archive_meta WHERE key = 'schema_version'", StringComparison.Ordinal));
        int before = Probes();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // 4 s of requests: at least two probes even when the machine stalls the client for a second (a 2.5 s loop once
        // saw one, at load 20).
        for (int i = 0; i < 400 || clock.Elapsed < TimeSpan.FromSeconds(4); i++)
        {
            Assert.Contains("<vosi:available>true</vosi:available>", await _httpB.GetStringAsync("tap/availability"));
            Assert.Equal("True", await _httpB.GetStringAsync("spec/available"));
        }
        double seconds = clock.Elapsed.TotalSeconds;
        int probes = Probes() - before;
        // Without the standing probe: one a request. With it: one a second (the first may stand on the probe before).
        Assert.True(probes >= 2 && probes <= Math.Ceiling(seconds) + 1, $"{probes} probes for the availability requests in {seconds:F2} s");
    }

    [Fact]
    public async Task A_soda_cutout_and_a_dataset_read_their_spectrum_in_one_statement()
    {
        var dids = await Dids(2);
        var log = Path.Combine(PostgresDatabases.Cluster.SocketDir, "log");
        // As server B's sessions logged them: the dataset lookup with the metadata joined, and LoadMeta's own statement.
        (int Joined, int Meta) Statements()
        {
            var lines = File.ReadLines(log).ToList();
            return (lines.Count(l => l.Contains("LEFT JOIN specobj s ON s.spec_id = st.spec_id", StringComparison.Ordinal)),
                lines.Count(l => l.Contains("FROM specobj s JOIN ivoa_obscore o ON o.spec_id = s.spec_id WHERE s.spec_id", StringComparison.Ordinal)));
        }
        var before = Statements();
        using (var soda = await _httpB.GetAsync("soda/sync?ID=" + Uri.EscapeDataString(dids[0]) + "&BAND=" + Uri.EscapeDataString("4e-7 5e-7")))
        {
            Assert.Equal(HttpStatusCode.OK, soda.StatusCode);
            Assert.Equal("application/fits", soda.Content.Headers.ContentType?.MediaType);
        }
        using (var whole = await _httpB.GetAsync("datalink/dataset?ID=" + Uri.EscapeDataString(dids[1])))
            Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        var after = Statements();
        Assert.Equal((before.Joined + 2, before.Meta), after);
    }

    [Fact]
    public async Task A_lost_database_connection_ends_the_probes_standing_at_once()
    {
        // Up, and standing for a second.
        Assert.Contains("<vosi:available>true</vosi:available>", await _httpB.GetStringAsync("tap/availability"));
        // B's pooled connections are cut (as a restarting database cuts them); its next query fails as unreachable...
        const string others = $"FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name <> '{ListenerName}'";
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Sql("SELECT pg_terminate_backend(pid) " + others);
        for (int i = 0; i < 50 && Sql("SELECT count(*) " + others) != "0"; i++) await Task.Delay(10);
        // A lookup of an ID no cache holds: on a pooled connection of the catalogue, which the database cut.
        using var failed = await _httpB.GetAsync("datalink/links?ID=" + Uri.EscapeDataString("ivo://vospec.local/demo?12345"));
        // ... and the probe after it asks the database again at once rather than standing on the last one (which it
        // would for the rest of the second): seen by its statement in B's log.
        var log = Path.Combine(PostgresDatabases.Cluster.SocketDir, "log");
        int Probes() => File.ReadLines(log).Count(l => l.Contains("SELECT value FROM archive_meta WHERE key = 'schema_version'", StringComparison.Ordinal));
        // Asked: the statement is logged, or it failed on another connection the database cut (then "not available").
        int before = Probes();
        bool up = (await _httpB.GetStringAsync("tap/availability")).Contains("<vosi:available>true</vosi:available>", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(900), "too slow to tell a standing probe from a new one");
        Assert.True(!up || Probes() == before + 1, "the probe after a lost connection stood on the last one");
    }
}
