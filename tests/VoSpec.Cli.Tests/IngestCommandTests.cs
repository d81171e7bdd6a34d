using Xunit;
using System.Diagnostics;
using VoSpec.Archive;
using VoSpec.Testing;

namespace VoSpec.Cli.Tests;

public class IngestCommandTests
{
    [Fact]
    public void Ingests_every_real_sdss_file_and_reingest_stores_nothing_twice()
    {
        using var dir = TestPaths.NewTempDir();
        var archiveDir = Path.Combine(dir.Path, "a");
        var sdss = Path.Combine(TestPaths.RealData, "sdss");
        int files = Directory.GetFiles(sdss, "*.fits", SearchOption.AllDirectories).Length;
        Assert.Equal(20, files);

        var first = Vospec.Run("ingest", "--archive", archiveDir, "--collection", "sdss_dr16", sdss);
        Assert.True(first.ExitCode == 0, first.All);
        Assert.Contains($"ingested {files}, skipped as duplicate 0, failed 0", first.StdOut);

        var again = Vospec.Run("ingest", "--archive", archiveDir, "--collection", "sdss_dr16", sdss);
        Assert.True(again.ExitCode == 0, again.All);
        Assert.Contains($"ingested 0, skipped as duplicate {files}, failed 0", again.StdOut);

        using var archive = SpectrumArchive.Open(archiveDir);
        Assert.Equal(files, archive.Lookup.CountSpectra("sdss_dr16"));
        // The multi-epoch quasar: 12 spectra of one object, at one position.
        int near = 0;
        using (var r = archive.Search.Search(new VoSpec.Archive.Queries.SpectrumSearch { Position = (213.35115, 53.09082), RadiusDeg = 1.0 / 3600 }))
            while (r.Read()) near++;
        Assert.Equal(12, near);
    }

    /// <summary>
    /// --in-place: the DESI coadds are recorded where they lie (their pixels merged when asked for: InPlaceDesiTests), the
    /// spectra files beside them (tile-compressed masks) and the LAMOST files are copied; the summary says which.
    /// </summary>
    [Fact]
    public void In_place_serves_the_desi_coadds_from_their_files_and_copies_the_rest()
    {
        using var dir = TestPaths.NewTempDir();
        var archiveDir = Path.Combine(dir.Path, "a");
        var r = Vospec.Run("ingest", "--archive", archiveDir, "--in-place", Path.Combine(TestPaths.RealData, "desi"), Path.Combine(TestPaths.RealData, "lamost"));
        Assert.True(r.ExitCode == 0, r.All);
        // 2 target fibres in each of 4 DESI files, 2 LAMOST spectra; the 4 fibres of the 2 coadds in place.
        Assert.Contains("ingested 10 (4 served from their source files), skipped as duplicate 0, failed 0", r.StdOut);
        using var archive = SpectrumArchive.Open(archiveDir);
        using var conn = archive.Sqlite.OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT source_format, px_length < 0, count(*) FROM spectrum_store GROUP BY 1, 2 ORDER BY 1, 2";
        using var rows = cmd.ExecuteReader();
        var got = new List<string>();
        while (rows.Read()) got.Add($"{rows.GetString(0)} {rows.GetInt64(1)} {rows.GetInt64(2)}");
        Assert.Equal(["desi-coadd 1 4", "desi-spectra 0 4", "lamost-lrs 0 2"], got);
    }

    [Fact]
    public void Bad_files_are_reported_by_name_with_a_reason_and_skipped()
    {
        using var dir = TestPaths.NewTempDir();
        var input = Path.Combine(dir.Path, "in");
        Directory.CreateDirectory(input);
        var real = TestPaths.RealFile("sdss/lite/spec-0266-51602-0013.fits");
        File.Copy(real, Path.Combine(input, "spec-good.fits"));
        var bytes = File.ReadAllBytes(real);
        File.WriteAllBytes(Path.Combine(input, "spec-truncated.fits"), bytes[..(bytes.Length / 2)]);
        File.WriteAllText(Path.Combine(input, "spec-text.fits"), "this is not a FITS file\n");
        var archiveDir = Path.Combine(dir.Path, "a");

        var r = Vospec.Run("ingest", "--archive", archiveDir, input, Path.Combine(dir.Path, "missing.fits"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("ingested 1, skipped as duplicate 0, failed 3", r.StdOut);
        Assert.Matches(@"failed: .*spec-truncated\.fits: .+", r.StdOut);
        Assert.Matches(@"failed: .*spec-text\.fits: .+", r.StdOut);
        Assert.Matches(@"failed: .*missing\.fits: no such file or directory", r.StdOut);
        Assert.DoesNotContain("   at ", r.All); // no stack traces
        using var archive = SpectrumArchive.Open(archiveDir);
        Assert.Equal(1, archive.Lookup.CountSpectra());
    }

    [Fact]
    public void A_bad_collection_name_is_a_clear_error()
    {
        using var dir = TestPaths.NewTempDir();
        var r = Vospec.Run("ingest", "--archive", Path.Combine(dir.Path, "a"), "--collection", "../etc", dir.Path);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("collection name '../etc'", r.StdErr);
    }

    [Fact]
    public void An_ingest_killed_midway_leaves_a_consistent_archive_that_a_rerun_completes()
    {
        using var dir = TestPaths.NewTempDir();
        var input = Path.Combine(dir.Path, "demo");
        var archiveDir = Path.Combine(dir.Path, "a");
        const int n = 3000;
        var demo = Vospec.Run("demo", "--out", input, "--count", n.ToString());
        Assert.True(demo.ExitCode == 0, demo.All);

        using (var p = Vospec.Start("ingest", "--archive", archiveDir, "--collection", "demo", "--batch", "20", input))
        {
            // Kill it hard about a quarter of the way in (judged by the pixel store's growth; each
            // demo spectrum takes ~100 KB there), between or in the middle of batches.
            var pixels = Path.Combine(archiveDir, SpectrumArchive.PixelsFolder, "demo.px");
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed < TimeSpan.FromSeconds(60) && !p.HasExited && (!File.Exists(pixels) || new FileInfo(pixels).Length < n / 4 * 100_000L)) Thread.Sleep(1);
            Assert.False(p.HasExited, "ingest finished before it could be killed");
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
        }

        long afterKill;
        using (var archive = SpectrumArchive.Open(archiveDir))
        {
            afterKill = archive.Lookup.CountSpectra();
            Assert.InRange(afterKill, 1, n - 1);
            AssertConsistent(archive);
        }

        var rerun = Vospec.Run("ingest", "--archive", archiveDir, "--collection", "demo", input);
        Assert.True(rerun.ExitCode == 0, rerun.All);
        Assert.Contains($"ingested {n - afterKill}, skipped as duplicate {afterKill}, failed 0", rerun.StdOut);
        using var done = SpectrumArchive.Open(archiveDir);
        Assert.Equal(n, done.Lookup.CountSpectra());
        AssertConsistent(done);
    }

    /// <summary>Every table agrees on the spectra, and every stored pixel record is whole.</summary>
    private static void AssertConsistent(SpectrumArchive archive)
    {
        using var conn = archive.Sqlite.OpenConnection();
        long Count(string sql) { using var c = conn.CreateCommand(); c.CommandText = sql; return (long)c.ExecuteScalar()!; }
        long n = Count("SELECT count(*) FROM spectrum_store");
        Assert.Equal(n, Count("SELECT count(*) FROM specobj"));
        Assert.Equal(n, Count("SELECT count(*) FROM ivoa_obscore"));
        Assert.Equal(n, Count("SELECT count(*) FROM spatial_idx"));
        Assert.Equal(0, Count("SELECT count(*) FROM spectrum_store s LEFT JOIN collections c ON c.name = s.collection WHERE s.px_offset + s.px_length > c.committed_length"));
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT spec_id FROM spectrum_store";
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var loc = archive.Sqlite.Locate(r.GetInt64(0))!.Value;
            var px = archive.ReadPixels(loc);
            Assert.Equal(loc.SpecId, px.SpecId);
            Assert.Equal(loc.NPix, px.Count);
        }
    }
}

public class IngestProgressTests
{
    [Fact]
    public void On_a_terminal_ingest_draws_a_progress_bar_and_in_a_pipe_it_logs_plain_lines()
    {
        using var dir = TestPaths.NewTempDir();
        var input = Path.Combine(TestPaths.RealData, "sdss", "lite");
        // `script` runs the command on a pseudo-terminal, as a person at a shell would.
        var cmd = $"dotnet '{Vospec.Dll}' ingest --archive '{Path.Combine(dir.Path, "tty")}' '{input}'";
        var tty = ExternalTool.Run("script", ["-qec", cmd, "/dev/null"], timeout: TimeSpan.FromMinutes(2));
        Assert.True(tty.ExitCode == 0, tty.All);
        Assert.Contains("\u001b[", tty.StdOut);           // ANSI drawing of the live bar
        Assert.Contains("ingesting", tty.StdOut);
        Assert.Contains("100%", tty.StdOut);
        Assert.Contains("ingested 6, skipped as duplicate 0, failed 0", tty.StdOut);

        var piped = Vospec.Run("ingest", "--archive", Path.Combine(dir.Path, "pipe"), input);
        Assert.DoesNotContain("\u001b[", piped.StdOut);
        Assert.Contains("ingesting 6 file(s)", piped.StdOut);
        Assert.Contains("[6/6] done", piped.StdOut);
    }
}
