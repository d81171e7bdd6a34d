using System.Diagnostics;
using System.Net;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Cli.Tests;

/// <summary>
/// Why this file exists: a server process can die at any instant (kill -9, the OOM killer, a power cut). These tests
/// kill the real `vospec serve` process mid-work and start it again on the same archive, as an operator would.
/// </summary>
public class ServerCrashTests
{
    /// <summary>A started `vospec serve` and the base URL it printed.</summary>
    internal sealed class Served : IDisposable
    {
        public required Process Process { get; init; }
        public required HttpClient Http { get; init; }

        public static async Task<Served> StartAsync(string archive, params string[] more)
        {
            var p = Vospec.Start(["serve", "--archive", archive, "--urls", "http://127.0.0.1:0", .. more]);
            var output = new System.Text.StringBuilder();
            string? url = await Vospec.ReadServingUrlAsync(p, output);
            if (url is null) { p.Kill(true); throw new InvalidOperationException("no URL printed:\n" + output + p.StandardError.ReadToEnd()); }
            // Keep draining the output so the child never blocks on a full pipe.
            _ = p.StandardOutput.ReadToEndAsync();
            _ = p.StandardError.ReadToEndAsync();
            return new Served { Process = p, Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(url) } };
        }

        /// <summary>SIGKILL: no shutdown code runs.</summary>
        public void KillHard()
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit();
        }

        public void Dispose()
        {
            Http.Dispose();
            if (!Process.HasExited) KillHard();
            Process.Dispose();
        }
    }

    [Fact]
    public async Task An_async_job_caught_by_kill_9_ends_in_error_after_restart_and_leaves_no_half_result()
    {
        using var dir = TestPaths.NewTempDir();
        var archive = Path.Combine(dir.Path, "a");
        string jobUrl, jobDir;
        using (var s = await Served.StartAsync(archive, "--demo", "60"))
        {
            // Four copies of ObsCore joined: 13 M rows, cut at MAXREC; seconds of CSV to write.
            var create = await s.Http.PostAsync("tap/async", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["LANG"] = "ADQL", ["RESPONSEFORMAT"] = "csv", ["MAXREC"] = "10000000", ["PHASE"] = "RUN",
                ["QUERY"] = "SELECT a.obs_id, b.obs_id AS b, c.obs_id AS c, d.obs_id AS d FROM ivoa.obscore AS a, ivoa.obscore AS b, ivoa.obscore AS c, ivoa.obscore AS d",
            }));
            Assert.Equal(HttpStatusCode.SeeOther, create.StatusCode);
            jobUrl = create.Headers.Location!.ToString();
            var id = jobUrl[(jobUrl.LastIndexOf('/') + 1)..];
            jobDir = Path.Combine(archive, "jobs", id);
            var partial = Path.Combine(jobDir, "result.partial");
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed < TimeSpan.FromSeconds(60) && (!File.Exists(partial) || new FileInfo(partial).Length < 1 << 20)) await Task.Delay(5);
            Assert.True(File.Exists(partial), "the job never started writing its result");
            Assert.Equal("EXECUTING", await s.Http.GetStringAsync(jobUrl + "/phase"));
            // The result being written is never under the result's own name.
            Assert.False(File.Exists(Path.Combine(jobDir, "result")));
            s.KillHard();
        }

        using (var s = await Served.StartAsync(archive))
        {
            var path = new Uri(jobUrl).PathAndQuery.TrimStart('/');
            Assert.Equal("ERROR", await s.Http.GetStringAsync(path + "/phase"));
            var error = await s.Http.GetStringAsync(path + "/error");
            Assert.Contains("QUERY_STATUS", error);
            Assert.Contains("the server restarted while the job was queued or running", error);
            Assert.Equal(HttpStatusCode.NotFound, (await s.Http.GetAsync(path + "/results/result")).StatusCode);
            Assert.False(File.Exists(Path.Combine(jobDir, "result.partial")), "the half-written result is still there");
            Assert.False(File.Exists(Path.Combine(jobDir, "result")));

            // The restarted server runs new jobs to completion.
            var create = await s.Http.PostAsync("tap/async", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["LANG"] = "ADQL", ["PHASE"] = "RUN", ["RESPONSEFORMAT"] = "csv", ["QUERY"] = "SELECT COUNT(*) AS n FROM ivoa.obscore",
            }));
            var next = new Uri(create.Headers.Location!.ToString()).PathAndQuery.TrimStart('/');
            string phase = "";
            for (int i = 0; i < 30 && phase is not ("COMPLETED" or "ERROR" or "ABORTED"); i++)
            {
                await s.Http.GetStringAsync(next + "?WAIT=1");
                phase = await s.Http.GetStringAsync(next + "/phase");
            }
            Assert.Equal("COMPLETED", phase);
            Assert.Equal("n\n60", (await s.Http.GetStringAsync(next + "/results/result")).ReplaceLineEndings("\n").Trim());
        }
    }
}
