using Xunit;
using System.Globalization;
using System.IO.Compression;
using VoSpec.Archive.Demo;
using VoSpec.Archive.Ingest;
using VoSpec.Testing;

namespace VoSpec.Archive.Tests;

public class IngestTests
{
    [Fact]
    public void Demo_spectra_take_the_file_path_and_come_back_pixel_exact()
    {
        using var dir = TestPaths.NewTempDir();
        using var archive = SpectrumArchive.Open(dir.Path);
        var report = DemoCollection.Create(archive, 120, seed: 5);
        Assert.Equal((120, 0, 0), (report.Ingested, report.Duplicates, report.Failed));
        Assert.True(File.Exists(Path.Combine(dir.Path, "sources", "demo", $"spec-{new DemoGenerator(5).Generate(0).Meta.ObsId}.fits")));
        var gen = new DemoGenerator(5);
        foreach (int i in new[] { 0, 1, 57, 119 })
        {
            var expected = gen.Generate(i);
            var back = archive.Load(DemoCollection.Name, expected.Meta.SpecObjId)!;
            Assert.Equal(expected.Arrays.Flux, back.Arrays.Flux);
            Assert.Equal(expected.Arrays.Ivar, back.Arrays.Ivar);
            Assert.Equal(expected.Arrays.AndMask, back.Arrays.AndMask);
            Assert.Equal(expected.Arrays.Model, back.Arrays.Model);
            Assert.Equal(expected.Arrays.Grid.ToArray(), back.Arrays.Grid.ToArray());
            Assert.Equal(expected.Meta.Ra, back.Meta.Ra);
            Assert.Equal(expected.Meta.Z, back.Meta.Z);
            Assert.Equal(expected.Meta.Class, back.Meta.Class);
            Assert.Equal(expected.Meta.Instrument, back.Meta.Instrument);
            Assert.Equal(expected.Meta.FiberDiameter, back.Meta.FiberDiameter, 9);
        }
        // Both instruments are in the mix and survive the trip through the files.
        var instruments = Enumerable.Range(0, 120).Select(i => archive.Load(DemoCollection.Name, gen.Generate(i).Meta.SpecObjId)!.Meta.Instrument).Distinct().Order();
        Assert.Equal(["BOSS", "SDSS"], instruments);
    }

    [Fact]
    public async Task Every_chunk_is_parsed_once_however_late_its_parse_starts()
    {
        // Many one-file chunks while the thread pool is kept busy: each next chunk's parse starts late, after the loop has
        // moved on. Each file must still be ingested exactly once (a parse that read the loop's index when it started
        // took the wrong chunk: one file twice, another never, or a chunk past the end).
        using var dir = TestPaths.NewTempDir();
        var files = Path.Combine(dir.Path, "files");
        DemoCollection.WriteFiles(files, 60, seed: 11);
        using var archive = SpectrumArchive.Open(Path.Combine(dir.Path, "archive"), new ArchiveOptions { IngestBatchSize = 1 });
        using var busy = new CancellationTokenSource();
        var spinners = Enumerable.Range(0, Environment.ProcessorCount * 4).Select(_ => Task.Run(() => { while (!busy.IsCancellationRequested) Thread.SpinWait(1000); })).ToList();
        try
        {
            var report = new Ingester(archive).Run([files], "demo");
            Assert.Equal((60, 0, 0), (report.Ingested, report.Duplicates, report.Failed));
        }
        finally
        {
            busy.Cancel();
            await Task.WhenAll(spinners);
        }
        Assert.Equal(60, archive.Lookup.CountSpectra("demo"));
    }

    [Fact]
    public void Gzipped_real_files_ingest_with_their_catalogue_values()
    {
        using var dir = TestPaths.NewTempDir();
        var gz = Path.Combine(dir.Path, "in", "spec-0266-51602-0013.fits.gz");
        Directory.CreateDirectory(Path.GetDirectoryName(gz)!);
        using (var src = File.OpenRead(TestPaths.RealFile("sdss/lite/spec-0266-51602-0013.fits")))
        using (var dst = new GZipStream(File.Create(gz), CompressionLevel.Fastest))
            src.CopyTo(dst);
        using var archive = SpectrumArchive.Open(Path.Combine(dir.Path, "a"));
        var report = new Ingester(archive).Run([Path.GetDirectoryName(gz)!], "sdss");
        Assert.Equal(1, report.Ingested);

        var row = File.ReadLines(Path.Combine(TestPaths.RealData, "catalog", "specobj_from_spec_files.csv"))
            .Select(l => l.Split(',')).First(c => c[0] == "sdss/lite/spec-0266-51602-0013.fits");
        double D(int i) => double.Parse(row[i], CultureInfo.InvariantCulture);
        using var conn = archive.Sqlite.OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT o.s_ra, o.s_dec, o.em_min, o.em_max, o.em_xel, s.z, s.class, s.specobjid, o.obs_id FROM ivoa_obscore o JOIN specobj s USING (spec_id)";
        using var r = cmd.ExecuteReader();
        Assert.True(r.Read());
        Assert.Equal(D(5), r.GetDouble(0), 5);
        Assert.Equal(D(6), r.GetDouble(1), 5);
        // The CSV gives wavelengths in Å cut to two decimals.
        Assert.Equal(D(17), r.GetDouble(2) * 1e10, 0.011);
        Assert.Equal(D(18), r.GetDouble(3) * 1e10, 0.011);
        Assert.Equal(long.Parse(row[16]), r.GetInt64(4));
        Assert.Equal(D(7), r.GetDouble(5), 6);
        Assert.Equal(row[10], r.GetString(6));
        Assert.Equal(long.Parse(row[1]), r.GetInt64(7));
        Assert.Equal("0266-51602-0013", r.GetString(8));
    }

    [Fact]
    public void A_second_ingest_on_the_same_archive_is_refused_while_one_runs()
    {
        using var dir = TestPaths.NewTempDir();
        using var archive = SpectrumArchive.Open(dir.Path);
        using var held = new FileStream(Path.Combine(dir.Path, Ingester.LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        var e = Assert.Throws<InvalidOperationException>(() => new Ingester(archive).Run([dir.Path], "c"));
        Assert.Contains("another ingest is running", e.Message);
    }

    [Fact]
    public void Stored_in_memory_spectra_follow_the_same_duplicate_rules()
    {
        using var dir = TestPaths.NewTempDir();
        using var archive = SpectrumArchive.Open(dir.Path);
        var gen = new DemoGenerator(9);
        var first = new Ingester(archive).Store(gen.GenerateMany(50), "bulk");
        var second = new Ingester(archive).Store(gen.GenerateMany(60), "bulk");
        Assert.Equal((50, 0), (first.Ingested, first.Duplicates));
        Assert.Equal((10, 50), (second.Ingested, second.Duplicates));
        Assert.Equal(60, archive.Lookup.CountSpectra("bulk"));
    }
}
