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
            // What happened when, for the failure messages (seconds since the load began).
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var events = new System.Collections.Concurrent.ConcurrentQueue<string>();
            var load = Enumerable.Range(0, 4).Select(k => Task.Run(async () =>
            {
                for (int i = k; !stop.IsCancellationRequested; i++)
                {
                    var path = paths[i % paths.Length];
                    double t0 = clock.Elapsed.TotalSeconds;
                    try
                    {
                        using var r = await http.GetAsync(path);
                        seen.Add((r.StatusCode, r.Headers.RetryAfter?.ToString(), await r.Content.ReadAsStringAsync()));
                    }
                    catch (HttpRequestException)
                    {
                        // A response already under way when the database went is cut (its status is sent): counted.
                        Interlocked.Increment(ref cut);
                        events.Enqueue($"{t0:F1}-{clock.Elapsed.TotalSeconds:F1} s: cut: {path}");
                    }
                    catch (TaskCanceledException)
                    {
                        // The client's 30 s timeout: the server hung on this request (a failure, reported below).
                        events.Enqueue($"{t0:F1}-{clock.Elapsed.TotalSeconds:F1} s: HUNG: {path}");
                    }
                }
            })).ToList();

            await Task.Delay(500);
            events.Enqueue($"{clock.Elapsed.TotalSeconds:F1} s: stopping PostgreSQL");
            pg.Stop();
            events.Enqueue($"{clock.Elapsed.TotalSeconds:F1} s: PostgreSQL stopped");
            await Task.Delay(1500);
            var down = new List<HttpResponseMessage>();
            foreach (var p in paths) down.Add(await http.GetAsync(p));
            events.Enqueue($"{clock.Elapsed.TotalSeconds:F1} s: starting PostgreSQL");
            pg.StartAgain();
            events.Enqueue($"{clock.Elapsed.TotalSeconds:F1} s: PostgreSQL started");
            await Task.Delay(1000);
            stop.Cancel();
            await Task.WhenAll(load);
            string story = string.Join("; ", events);
            Assert.False(events.Any(e => e.Contains("HUNG", StringComparison.Ordinal)), $"a request hung until the client gave up ({story})");

            // Down: a 503 with Retry-After for everything that needs the database (spec/available says "not available").
            foreach (var r in down.Take(3))
            {
                var body = await r.Content.ReadAsStringAsync();
                Assert.True(r.StatusCode == HttpStatusCode.ServiceUnavailable, $"{r.RequestMessage?.RequestUri}: {r.StatusCode}: {body} ({story})");
                Assert.Equal("5", r.Headers.RetryAfter?.ToString());
                Assert.Contains("cannot be reached", body);
                Assert.DoesNotContain("Exception", body);
                Assert.DoesNotContain("Host=", body);
            }
            Assert.NotEqual(HttpStatusCode.OK, down[3].StatusCode);
            Assert.NotEqual(HttpStatusCode.InternalServerError, down[3].StatusCode);
            // Under load: only successes and 503s, never a 500.
            Assert.All(seen, s => Assert.True(s.Status is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"{s.Status}: {s.Body}"));
            Assert.True(seen.Any(s => s.Status == HttpStatusCode.ServiceUnavailable), $"no 503 under load ({story})");
            // At most the four clients' requests in flight when the database stopped were cut.
            Assert.True(cut <= 4, $"{cut} responses cut ({story})");

            // Back: every request answers again, on the same server process.
            foreach (var p in paths)
            {
                HttpResponseMessage r = await http.GetAsync(p);
                // A pooled connection broken by the restart may fail once more before the pool drops it.
                for (int i = 0; i < 20 && r.StatusCode != HttpStatusCode.OK; i++) { await Task.Delay(250); r = await http.GetAsync(p); }
                Assert.True(r.StatusCode == HttpStatusCode.OK, $"{p} after the restart: {r.StatusCode}: {await r.Content.ReadAsStringAsync()} ({story})");
            }
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
