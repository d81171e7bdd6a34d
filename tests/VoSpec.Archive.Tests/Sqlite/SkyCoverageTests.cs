using VoSpec.Archive.Sqlite;
using VoSpec.Core.Spectra;
using VoSpec.Core.Sky;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Archive.Tests.Sqlite;

/// <summary>
/// Each collection's coverage (issue 17) is kept batch by batch at ingest and is what one pass over the catalogue gives:
/// the cells of every fibre's aperture, the MJD range, the time of the last ingest. An archive from before coverage, or
/// opened with another order, is covered once at open.
/// </summary>
public class SkyCoverageTests
{
    private static readonly Random Sky = new(17);
    private static (double Ra, double Dec) Anywhere() => (Sky.NextDouble() * 360, Math.Asin(Sky.NextDouble() * 2 - 1) * 180 / Math.PI);

    private static SpectrumArchive Filled(string dir, int order = ArchiveOptions.DefaultCoverageOrder)
    {
        var archive = SpectrumArchive.Open(dir, new ArchiveOptions { CoverageOrder = order });
        for (int batch = 0; batch < 3; batch++)
            TestSpectra.Store(archive, "a", Enumerable.Range(batch * 100 + 1, 100).Select(i => { var (ra, dec) = Anywhere(); return TestSpectra.Make(i, 1, i, ra, dec); }));
        TestSpectra.Store(archive, "b", Enumerable.Range(1, 9).Select(i => TestSpectra.Make(5000 + i, 2, i, 10 + i * 1e-4, 89.9999)));
        return archive;
    }

    /// <summary>What the catalogue says, in one pass: the fibres' cells and the time range.</summary>
    private static (Moc Sky, double TMin, double TMax) FromCatalogue(SpectrumArchive archive, string collection, int order)
    {
        using var conn = archive.Sqlite.OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT s_ra, s_dec, s_fov, t_min, t_max FROM ivoa_obscore WHERE obs_collection = $c";
        cmd.Parameters.AddWithValue("$c", collection);
        using var r = cmd.ExecuteReader();
        var cells = new List<long>();
        double lo = double.MaxValue, hi = double.MinValue;
        while (r.Read())
        {
            cells.AddRange(Moc.DiscCells(order, r.GetDouble(0), r.GetDouble(1), r.GetDouble(2) / 2));
            lo = Math.Min(lo, r.GetDouble(3));
            hi = Math.Max(hi, r.GetDouble(4));
        }
        return (Moc.FromCells(order, cells), lo, hi);
    }

    [Fact]
    public void Coverage_kept_batch_by_batch_is_what_the_catalogue_gives()
    {
        using var dir = TestPaths.NewTempDir();
        using var archive = Filled(dir.Path);
        foreach (var name in new[] { "a", "b" })
        {
            var kept = archive.Lookup.Coverage(name)!;
            var (sky, lo, hi) = FromCatalogue(archive, name, 10);
            Assert.Equal(sky, kept.Sky);
            Assert.Equal((lo, hi), (kept.TMin, kept.TMax));
            Assert.True(DateTimeOffset.UtcNow - kept.Updated < TimeSpan.FromMinutes(5));
        }
        Assert.Equal(300, archive.Lookup.Coverage("a")!.Spectra);
        Assert.Null(archive.Lookup.Coverage("none"));
    }

    [Fact]
    public void Another_order_or_an_archive_from_before_coverage_is_covered_once_at_open()
    {
        using var dir = TestPaths.NewTempDir();
        Moc at10;
        DateTimeOffset updated;
        using (var archive = Filled(dir.Path))
        {
            at10 = archive.Lookup.Coverage("a")!.Sky;
            updated = archive.Lookup.Coverage("a")!.Updated;
        }
        var log = new List<string>();
        using (var archive = SpectrumArchive.Open(dir.Path, new ArchiveOptions { CoverageOrder = 7, Log = log.Add }))
        {
            var a = archive.Lookup.Coverage("a")!;
            Assert.Equal(7, a.Sky.MaxOrder);
            Assert.Equal(FromCatalogue(archive, "a", 7).Sky, a.Sky);
            // The last ingest, not the upgrade, is when the collection changed.
            Assert.True(a.Updated <= updated);
        }
        Assert.Contains(log, l => l.Contains("HEALPix order 7"));
        // Forgotten entirely (an archive written before coverage existed): back at the default order.
        using (var conn = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + Path.Combine(dir.Path, SpectrumArchive.CatalogueFileName)))
        {
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "DELETE FROM coverage_cells; DELETE FROM collection_coverage; DELETE FROM archive_meta WHERE key = 'coverage_order'";
            cmd.ExecuteNonQuery();
        }
        using (var archive = SpectrumArchive.Open(dir.Path))
            Assert.Equal(at10, archive.Lookup.Coverage("a")!.Sky);
    }
}
