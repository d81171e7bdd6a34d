using System.Net;
using Microsoft.AspNetCore.Builder;
using VoSpec.Server.Hosting;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Server.Tests.Postgres;

/// <summary>
/// A PostgreSQL restart under load: while clients keep asking (TAP, {links}, SSA, /spec), the database is stopped
/// and started again. While it is down, every request that needs it gets a clear 503 with a short Retry-After
/// (never a 500, never a hang, and the server process stays up); once it is back, the same requests succeed again
/// without restarting VoSpec (Npgsql's pool drops its broken connections).
/// </summary>
public class DatabaseRestartTests
{
    [Fact]
    public async Task A_database_restart_under_load_is_a_503_then_a_recovery()
    {
        using var pg = PostgresCluster.Start();
        Assert.Equal(0, pg.Psql("CREATE DATABASE restart").ExitCode);
        var install = ExternalTool.Run("sh", [Path.Combine(TestPaths.RepoRoot, "deploy", "postgresql", "install-pgsphere.sh"),
            "-h", pg.SocketDir, "-p", pg.Port.ToString(), "-U", "postgres", "-d", "restart"]);
        Assert.True(install.ExitCode == 0, install.All);
        using var dir = TestPaths.NewTempDir("vospec-restart");
        var app = VoSpecHost.Build(new Dictionary<string, string?>
        {
            ["VoSpec:Archive"] = Path.Combine(dir.Path, "archive"),
            ["VoSpec:Database"] = pg.ConnectionString("restart").Replace("Pooling=false", "Pooling=true", StringComparison.Ordinal) + ";Timeout=3",
            ["VoSpec:Urls"] = "http://127.0.0.1:0", ["VoSpec:WarmUp"] = "false", ["VoSpec:Demo"] = "20",
        });
        await app.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(VoSpecHost.BaseUrls(app)[0]), Timeout = TimeSpan.FromSeconds(30) };
            var did = Uri.EscapeDataString((await http.GetStringAsync("tap/sync?LANG=ADQL&FORMAT=csv&QUERY=" + Uri.EscapeDataString("SELECT TOP 1 obs_publisher_did FROM ivoa.obscore")))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].Trim());
            string[] paths =
            [
                "tap/sync?LANG=ADQL&FORMAT=csv&QUERY=" + Uri.EscapeDataString("SELECT TOP 5 obs_id FROM ivoa.obscore ORDER BY obs_id"),
                "datalink/links?ID=" + did,
                "ssa?REQUEST=queryData&FORMAT=all&MAXREC=5",
                "spec/available",
            ];
            foreach (var p in paths) Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(p)).StatusCode);

            // Load: four clients asking in a loop the whole time.
            using var stop = new CancellationTokenSource();
            var seen = new System.Collections.Concurrent.ConcurrentBag<(HttpStatusCode Status, string? RetryAfter, string Body)>();
            int cut = 0;
            var load = Enumerable.Range(0, 4).Select(k => Task.Run(async () =>
            {
                for (int i = k; !stop.IsCancellationRequested; i++)
                {
                    try
                    {
                        using var r = await http.GetAsync(paths[i % paths.Length]);
                        seen.Add((r.StatusCode, r.Headers.RetryAfter?.ToString(), await r.Content.ReadAsStringAsync()));
                    }
                    catch (HttpRequestException)
                    {
                        // A response already under way when the database went is cut (its status is sent): counted.
                        Interlocked.Increment(ref cut);
                    }
                }
            })).ToList();

            await Task.Delay(500);
            pg.Stop();
            await Task.Delay(1500);
            var down = new List<HttpResponseMessage>();
            foreach (var p in paths) down.Add(await http.GetAsync(p));
            pg.StartAgain();
            await Task.Delay(1000);
            stop.Cancel();
            await Task.WhenAll(load);

            // Down: a 503 with Retry-After for everything that needs the database (spec/available says "not available").
            foreach (var r in down.Take(3))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode);
                Assert.Equal("5", r.Headers.RetryAfter?.ToString());
                var body = await r.Content.ReadAsStringAsync();
                Assert.Contains("cannot be reached", body);
                Assert.DoesNotContain("Exception", body);
                Assert.DoesNotContain("Host=", body);
            }
            Assert.NotEqual(HttpStatusCode.OK, down[3].StatusCode);
            Assert.NotEqual(HttpStatusCode.InternalServerError, down[3].StatusCode);
            // Under load: only successes and 503s, never a 500.
            Assert.All(seen, s => Assert.True(s.Status is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"{s.Status}: {s.Body}"));
            Assert.Contains(seen, s => s.Status == HttpStatusCode.ServiceUnavailable);
            // At most the four clients' requests in flight when the database stopped were cut.
            Assert.True(cut <= 4, $"{cut} responses cut");

            // Back: every request answers again, on the same server process.
            foreach (var p in paths)
            {
                HttpResponseMessage r = await http.GetAsync(p);
                // A pooled connection broken by the restart may fail once more before the pool drops it.
                for (int i = 0; i < 20 && r.StatusCode != HttpStatusCode.OK; i++) { await Task.Delay(250); r = await http.GetAsync(p); }
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            }
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
