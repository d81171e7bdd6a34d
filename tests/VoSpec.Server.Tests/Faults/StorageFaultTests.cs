using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using VoSpec.Archive;
using VoSpec.Archive.Demo;
using VoSpec.Archive.Ingest;
using VoSpec.Server.Hosting;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Server.Tests.Faults;

/// <summary>
/// Why this file exists: disks fill up and file systems turn read-only (an fsck remount, a full quota, an operator
/// mounting a published archive read-only). The archive lives on a small tmpfs here that the test fills and remounts;
/// the server must keep answering reads, refuse writes with a clear 507/503 or a job ERROR, and the archive must stay
/// consistent. Mounting needs root: CI runs as root, and a test that cannot mount fails rather than skips.
/// </summary>
[Collection("host")]
public sealed class StorageFaultTests : IDisposable
{
    private readonly TempDir _dir = TestPaths.NewTempDir("vospec-storage");
    private readonly string _mount;

    public StorageFaultTests()
    {
        _mount = Path.Combine(_dir.Path, "m");
        Directory.CreateDirectory(_mount);
        var r = ExternalTool.Run("mount", ["-t", "tmpfs", "-o", "size=24m", "tmpfs", _mount]);
        Assert.True(r.ExitCode == 0, "these tests need to mount a tmpfs (run as root, as CI does): " + r.All);
    }

    public void Dispose()
    {
        ExternalTool.Run("umount", ["-l", _mount]);
        _dir.Dispose();
    }

    private string Archive => Path.Combine(_mount, "a");

    private async Task<(WebApplication App, HttpClient Http)> Start(int demo = 0)
    {
        var app = VoSpecHost.Build(new Dictionary<string, string?>
        {
            ["VoSpec:Archive"] = Archive, ["VoSpec:Urls"] = "http://127.0.0.1:0", ["VoSpec:WarmUp"] = "false", ["VoSpec:Demo"] = demo.ToString(),
        });
        await app.StartAsync();
        var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(VoSpecHost.BaseUrls(app)[0]) };
        return (app, http);
    }

    private static async Task Stop(WebApplication app, HttpClient http)
    {
        http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }

    /// <summary>Writes a filler file until the file system refuses; returns its path.</summary>
    private string FillDisk()
    {
        var filler = Path.Combine(_mount, "filler");
        var block = new byte[64 << 10];
        try
        {
            using var fs = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, 1);
            while (true) fs.Write(block);
        }
        catch (IOException) { }
        // Small writes too, until not one byte fits.
        try
        {
            using var fs = new FileStream(filler, FileMode.Append, FileAccess.Write, FileShare.None, 1);
            while (true) fs.Write(block, 0, 512);
        }
        catch (IOException) { }
        return filler;
    }

    private static void AssertNoLeak(string what, HttpResponseMessage r, string body)
    {
        Assert.True(r.StatusCode != HttpStatusCode.InternalServerError, $"{what}: 500 {body}");
        foreach (var leak in new[] { "   at ", "System.", "Exception", "/tmp/" })
            Assert.False(body.Contains(leak, StringComparison.Ordinal), $"{what} leaks '{leak}': {body}");
    }

    private static async Task<string> ReadsWork(HttpClient http, long specObjId, string did)
    {
        var count = await http.GetStringAsync("tap/sync?LANG=ADQL&RESPONSEFORMAT=csv&QUERY=" + Uri.EscapeDataString("SELECT COUNT(*) AS n FROM ivoa.obscore"));
        var getSpec = await http.PostAsync("spec/getSpec", new FormUrlEncodedContent(new Dictionary<string, string> { ["id_list"] = $"[{specObjId}]", ["format"] = "numpy", ["align"] = "False" }));
        Assert.Equal(HttpStatusCode.OK, getSpec.StatusCode);
        var dataset = await http.GetAsync("datalink/dataset?ID=" + Uri.EscapeDataString(did));
        Assert.Equal(HttpStatusCode.OK, dataset.StatusCode);
        // An uncached preview: drawn, and served from memory when it cannot be stored.
        var preview = await http.GetAsync($"datalink/preview?ID={Uri.EscapeDataString(did)}&SIZE={64 + Random.Shared.Next(500)}x{64 + Random.Shared.Next(500)}");
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Equal("image/png", preview.Content.Headers.ContentType!.MediaType);
        return count;
    }

    /// <summary>Submits an async job and waits for its end; returns (status of the POST, final phase or null, error text).</summary>
    private static async Task<(HttpStatusCode Post, string? Phase, string Detail)> AsyncJob(HttpClient http)
    {
        var r = await http.PostAsync("tap/async", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["LANG"] = "ADQL", ["RESPONSEFORMAT"] = "csv", ["PHASE"] = "RUN",
            ["QUERY"] = "SELECT a.obs_id, b.obs_id AS b FROM ivoa.obscore AS a, ivoa.obscore AS b",
        }));
        var body = await r.Content.ReadAsStringAsync();
        AssertNoLeak("POST tap/async", r, body);
        if (r.StatusCode != HttpStatusCode.SeeOther)
        {
            // A storage refusal tells the client when to come back: minutes, since an operator has to act.
            if ((int)r.StatusCode >= 500) Assert.Equal(TimeSpan.FromSeconds(StorageFault.RetryAfterSeconds), r.Headers.RetryAfter?.Delta);
            return (r.StatusCode, null, body);
        }
        var job = r.Headers.Location!.AbsolutePath.TrimStart('/');
        string phase = "";
        for (int i = 0; i < 100 && phase is not ("COMPLETED" or "ERROR" or "ABORTED"); i++)
        {
            phase = await http.GetStringAsync(job + "/phase");
            if (phase is not ("COMPLETED" or "ERROR" or "ABORTED")) await Task.Delay(50);
        }
        var detail = phase == "ERROR" ? await http.GetStringAsync(job + "/error") : await http.GetStringAsync(job + "/results/result");
        return (r.StatusCode, phase, detail);
    }

    private static void AssertConsistent(string archiveDir)
    {
        using var archive = SpectrumArchive.Open(archiveDir, new ArchiveOptions());
        using var conn = archive.Sqlite.OpenConnection();
        string Scalar(string sql) { using var c = conn.CreateCommand(); c.CommandText = sql; return Convert.ToString(c.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)!; }
        Assert.Equal("ok", Scalar("PRAGMA integrity_check"));
        var n = Scalar("SELECT count(*) FROM spectrum_store");
        Assert.Equal(n, Scalar("SELECT count(*) FROM specobj"));
        Assert.Equal(n, Scalar("SELECT count(*) FROM ivoa_obscore"));
        foreach (var (collection, bytes) in archive.Lookup.PixelStores())
            Assert.True(new FileInfo(archive.PixelFilePath(collection)).Length >= bytes, collection);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT spec_id FROM spectrum_store";
        using var r = cmd.ExecuteReader();
        while (r.Read()) Assert.True(archive.ReadPixels(archive.Sqlite.Locate(r.GetInt64(0))!.Value).Flux.Length > 0);
    }

    private static (long SpecObjId, string Did) OneSpectrum(string archiveDir)
    {
        using var archive = SpectrumArchive.Open(archiveDir);
        using var conn = archive.Sqlite.OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT s.specobjid, o.obs_publisher_did FROM specobj s JOIN ivoa_obscore o ON o.spec_id = s.spec_id ORDER BY s.spec_id LIMIT 1";
        using var r = cmd.ExecuteReader();
        r.Read();
        return (r.GetInt64(0), r.GetString(1));
    }

    [Fact]
    public async Task A_full_disk_stops_writes_with_clear_errors_while_reads_go_on_and_the_archive_stays_consistent()
    {
        var (app, http) = await Start(demo: 30);
        var (specObjId, did) = OneSpectrum(Archive);
        try
        {
            var before = await ReadsWork(http, specObjId, did);
            var filler = FillDisk();

            Assert.Equal(before, await ReadsWork(http, specObjId, did));
            var (post, phase, detail) = await AsyncJob(http);
            if (phase is null) Assert.Equal(HttpStatusCode.InsufficientStorage, post);
            else Assert.Equal("ERROR", phase);
            Assert.Contains("disk is full", detail);

            // An ingest into the full archive stops at once with SQLite's own reason, nothing half-stored.
            var e = Assert.ThrowsAny<Exception>(() => { using var a = SpectrumArchive.Open(Archive); new Ingester(a).Store(new DemoGenerator(99).GenerateRange(5000, 5), "more"); });
            Assert.True(VoSpec.Server.Hosting.StorageFault.Describe(e) is { Status: 507 }, e.ToString());

            // Space again: writes work again without a restart.
            File.Delete(filler);
            AssertConsistent(Archive);
            // With room for the catalogue but not for the pixels: each spectrum fails with its reason.
            using (var archive = SpectrumArchive.Open(Archive))
            {
                // Leave 512 KB: room for catalogue pages, not for the pixels of 20 spectra (~100 KB each).
                var filler2 = FillDisk();
                using (var f = new FileStream(filler2, FileMode.Open)) f.SetLength(Math.Max(0, f.Length - (512 << 10)));
                var report = new Ingester(archive).Store(new DemoGenerator(99).GenerateRange(5000, 20), "more");
                Assert.True(report.Failures.Count > 0, "nothing failed");
                Assert.All(report.Failures, f => Assert.Matches("(?i)no space left|disk is full", f.Reason));
            }
            File.Delete(Path.Combine(_mount, "filler"));
            AssertConsistent(Archive);
            (post, phase, detail) = await AsyncJob(http);
            Assert.Equal("COMPLETED", phase);
            Assert.True(detail.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length > 900, "a short result");
        }
        finally { await Stop(app, http); }
        AssertConsistent(Archive);
    }

    [Fact]
    public async Task A_read_only_archive_serves_reads_and_refuses_jobs_clearly()
    {
        var (app, http) = await Start(demo: 20);
        var (specObjId, did) = OneSpectrum(Archive);
        string before;
        try { before = await ReadsWork(http, specObjId, did); }
        finally { await Stop(app, http); }
        // As at the end of a process: the last connection folds the WAL into the catalogue file.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        // The same archive through a read-only bind mount (root ignores file permissions, not a read-only mount).
        var ro = Path.Combine(_dir.Path, "ro");
        Directory.CreateDirectory(ro);
        var r = ExternalTool.Run("mount", ["--bind", "-o", "ro", Archive, ro]);
        Assert.True(r.ExitCode == 0, r.All);
        try
        {
            ExternalTool.Run("mount", ["-o", "remount,ro,bind", ro]);
            Assert.ThrowsAny<IOException>(() => File.WriteAllText(Path.Combine(ro, "x"), "x"));
            var app2 = VoSpecHost.Build(new Dictionary<string, string?>
            {
                ["VoSpec:Archive"] = ro, ["VoSpec:Urls"] = "http://127.0.0.1:0", ["VoSpec:WarmUp"] = "false",
            });
            await app2.StartAsync();
            var http2 = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(VoSpecHost.BaseUrls(app2)[0]) };
            try
            {
                Assert.Equal(before, await ReadsWork(http2, specObjId, did));
                var (post, phase, detail) = await AsyncJob(http2);
                Assert.True(phase is null ? post == HttpStatusCode.ServiceUnavailable : phase == "ERROR", $"{post} {phase} {detail}");
                Assert.Contains("read-only", detail);
                Assert.Equal(before, await ReadsWork(http2, specObjId, did));
            }
            finally { await Stop(app2, http2); }
        }
        finally { ExternalTool.Run("umount", ["-l", ro]); }
    }
}
