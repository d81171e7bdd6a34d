using VoSpec.Archive.Demo;
using VoSpec.Archive.Ingest;
using VoSpec.Core.Spectra;
using VoSpec.Fits.Sdss;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Archive.Tests;

/// <summary>
/// SDSS-V (v6) spec files in the archive: the demo generator writes them lite and full, byte for byte the same for a
/// seed; a directory mixing them with v5 (BOSS/SDSS) files, under names that say nothing, ingests by content; each v6
/// spectrum comes back with the values the generator made, named FIELD-MJD-CATALOGID with a DID of its own even when
/// the same target was observed on another field or night.
/// </summary>
public class SdssV6IngestTests
{
    private const int Seed = 4242;

    [Fact]
    public void The_demo_writes_the_same_v6_files_for_a_seed_lite_and_full()
    {
        using var dir = TestPaths.NewTempDir("v6demo");
        string a = Path.Combine(dir.Path, "a"), b = Path.Combine(dir.Path, "b"), f = Path.Combine(dir.Path, "f");
        DemoCollection.WriteSdssVFiles(a, 6, Seed, full: false);
        DemoCollection.WriteSdssVFiles(b, 6, Seed, full: false);
        DemoCollection.WriteSdssVFiles(f, 6, Seed, full: true);
        var names = Directory.GetFiles(a).Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(6, names.Count);
        Assert.All(names, n => Assert.Matches(@"^spec-9\d{5}-6\d{4}-270216\d{11}\.fits$", n));
        foreach (var n in names)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, n)), File.ReadAllBytes(Path.Combine(b, n)));
            Assert.True(new FileInfo(Path.Combine(f, n)).Length > new FileInfo(Path.Combine(a, n)).Length, n);
        }
        // Another seed, other files (the check above could not pass on a constant).
        string c = Path.Combine(dir.Path, "c");
        DemoCollection.WriteSdssVFiles(c, 1, Seed + 1, full: false);
        var other = Directory.GetFiles(c).Single();
        var same = Directory.GetFiles(a).Single(p => p.EndsWith($"-{DemoSdssV.FirstCatalogId}.fits", StringComparison.Ordinal));
        Assert.NotEqual(File.ReadAllBytes(same), File.ReadAllBytes(other));
    }

    [Fact]
    public void A_mixed_directory_of_v5_and_v6_files_ingests_by_content_with_exact_values()
    {
        using var dir = TestPaths.NewTempDir("v6mix");
        string src = Path.Combine(dir.Path, "src"), tmp = Path.Combine(dir.Path, "tmp");
        DemoCollection.WriteFiles(tmp, 10, Seed);
        DemoCollection.WriteSdssVFiles(tmp, 5, Seed, full: false);
        DemoCollection.WriteSdssVFiles(tmp, 5, Seed, full: true, firstIndex: 5);
        // Names that tell nothing: spectrum files are recognised by what is in them.
        Directory.CreateDirectory(src);
        int k = 0;
        foreach (var file in Directory.GetFiles(tmp).Order(StringComparer.Ordinal)) File.Move(file, Path.Combine(src, $"file{k++:D2}.fits"));

        using var archive = SpectrumArchive.Open(Path.Combine(dir.Path, "archive"));
        var report = new Ingester(archive).Run([src], "sdss");
        Assert.True(report.Failed == 0, string.Join("\n", report.Failures));
        Assert.Equal(20, report.Ingested);
        Assert.Equal(20, archive.Lookup.CountSpectra("sdss"));

        var generator = new DemoGenerator(Seed);
        for (int i = 0; i < 10; i++)
        {
            var (expected, _) = DemoSdssV.Generate(generator, i);
            var e = expected.Meta;
            var back = archive.Load("sdss", e.SpecObjId);
            Assert.NotNull(back);
            var m = back.Meta;
            Assert.Equal((e.ObsId, e.Plate, e.Mjd, e.FiberId, e.Run2d), (m.ObsId, m.Plate, m.Mjd, m.FiberId, m.Run2d));
            Assert.Equal((e.Ra, e.Dec, e.Z, e.ZErr, e.Class), (m.Ra, m.Dec, m.Z, m.ZErr, m.Class));
            Assert.Equal(("BOSS", 2.0), (m.Instrument, m.FiberDiameter));
            Assert.Equal(expected.Arrays.Flux, back.Arrays.Flux);
            Assert.Equal(expected.Arrays.Ivar, back.Arrays.Ivar);
            Assert.Equal(expected.Arrays.AndMask, back.Arrays.AndMask);
            Assert.Equal(expected.Arrays.OrMask, back.Arrays.OrMask);
            Assert.Equal(expected.Arrays.Grid.ToArray(), back.Arrays.Grid.ToArray());
        }
        // The v5 files are there too, under their PLATE-MJD-FIBER names.
        for (int i = 0; i < 10; i++)
            Assert.Equal(generator.Generate(i).Meta.ObsId, archive.Load("sdss", generator.Generate(i).Meta.SpecObjId)!.Meta.ObsId);

        var rows = SurveyIngestTests.Rows(archive, "SELECT obs_id, obs_publisher_did, facility_name, instrument_name FROM ivoa_obscore WHERE obs_id LIKE '9%-%-%'");
        Assert.Equal(10, rows.Count);
        Assert.Equal(10, rows.Select(r => (string)r[1]!).Distinct().Count());
        Assert.All(rows, r => Assert.Equal(("SDSS 2.5m", "BOSS"), ((string)r[2]!, (string)r[3]!)));
    }

    /// <summary>SDSS-V re-observes its targets: one CATALOGID on two nights and on another field makes three spectra, three DIDs.</summary>
    [Fact]
    public void One_target_on_other_nights_and_fields_gets_a_did_for_each()
    {
        using var dir = TestPaths.NewTempDir("v6did");
        string src = Directory.CreateDirectory(Path.Combine(dir.Path, "src")).FullName;
        var (s, target) = DemoSdssV.Generate(new DemoGenerator(Seed), 0);
        var m = s.Meta;
        (int Field, int Mjd)[] visits = [(m.Plate, m.Mjd), (m.Plate, m.Mjd + 1), (m.Plate + 1, m.Mjd)];
        foreach (var (field, mjd) in visits)
        {
            var meta = m with { Plate = field, Mjd = mjd, SpecObjId = SdssV6.SpecObjId(field, mjd, target.CatalogId), SurveyObsId = SdssV6.ObsId(field, mjd, target.CatalogId) };
            using var fs = File.Create(Path.Combine(src, $"visit-{field}-{mjd}.fits"));
            SdssV6SpecWriter.Write(new Spectrum { Meta = meta, Arrays = s.Arrays }, target, fs, full: false);
        }
        using var archive = SpectrumArchive.Open(Path.Combine(dir.Path, "archive"));
        var report = new Ingester(archive).Run([src], "sdss");
        Assert.Equal((3, 0, 0), (report.Ingested, report.Duplicates, report.Failed));
        var dids = SurveyIngestTests.Rows(archive, "SELECT obs_publisher_did FROM ivoa_obscore").Select(r => (string)r[0]!).ToList();
        Assert.Equal(3, dids.Distinct().Count());
        // The same file again is a duplicate, not a fourth spectrum.
        Assert.Equal((0, 3), (new Ingester(archive).Run([src], "sdss").Ingested, archive.Lookup.CountSpectra("sdss")));
    }
}
