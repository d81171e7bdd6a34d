using Microsoft.Data.Sqlite;
using VoSpec.Archive.Demo;
using VoSpec.Archive.Ingest;
using VoSpec.Archive.Sqlite;
using VoSpec.Core.Schema;
using VoSpec.Core.Sky;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Archive.Tests;

/// <summary>
/// A large load (issue 18) builds the secondary indexes once at its end and puts each batch in sky order: the archive it
/// leaves must be the one a row-by-row load leaves — the same indexes, used by the same plans, every stored row right.
/// </summary>
public class BulkLoadTests
{
    private static readonly ArchiveOptions Small = new() { BulkLoadRows = 100, IngestBatchSize = 64 };

    private static List<string> Indexes(SpectrumArchive archive)
    {
        using var conn = archive.Sqlite.OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%' ORDER BY name";
        using var r = cmd.ExecuteReader();
        var list = new List<string>();
        while (r.Read()) list.Add(r.GetString(0));
        return list;
    }

    [Fact]
    public void A_bulk_load_defers_the_secondary_indexes_and_ends_with_all_of_them()
    {
        using var plainDir = TestPaths.NewTempDir();
        using var bulkDir = TestPaths.NewTempDir();
        using var plain = SpectrumArchive.Open(plainDir.Path, Small);
        using var bulk = SpectrumArchive.Open(bulkDir.Path, Small);
        var expected = Indexes(plain);
        Assert.Contains("ivoa_obscore_em_min", expected);
        Assert.Contains("specobj_z", expected);

        var during = new List<int>();
        var report = new Ingester(bulk).StoreCatalogueOnly(new DemoGenerator(5).GenerateRange(0, 300), "big", expectedRows: 300,
            batchDone: _ => during.Add(Indexes(bulk).Count(i => SchemaCatalog.ObsCore.Columns.Any(c => c.Indexed && i == "ivoa_obscore_" + c.Name))));
        Assert.Equal(300, report.Ingested);
        Assert.Equal(5, during.Count);
        Assert.All(during, n => Assert.Equal(0, n));
        Assert.Equal(expected, Indexes(bulk));
        RowImagesTests.AssertStoredRowsAreCurrent(bulk);

        using var conn = bulk.Sqlite.OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "EXPLAIN QUERY PLAN SELECT * FROM ivoa_obscore WHERE em_min > 1e-6";
        using var r = cmd.ExecuteReader();
        var plan = "";
        while (r.Read()) plan += r.GetString(3) + "\n";
        Assert.Contains("USING INDEX ivoa_obscore_em_min", plan);
    }

    [Fact]
    public void A_small_load_into_a_large_archive_keeps_its_indexes_all_along()
    {
        using var dir = TestPaths.NewTempDir();
        using var archive = SpectrumArchive.Open(dir.Path, Small);
        var generator = new DemoGenerator(6);
        new Ingester(archive).StoreCatalogueOnly(generator.GenerateRange(0, 200), "big", expectedRows: 200);
        var all = Indexes(archive);
        var during = new List<List<string>>();
        new Ingester(archive).StoreCatalogueOnly(generator.GenerateRange(200, 150), "more", expectedRows: 150, batchDone: _ => during.Add(Indexes(archive)));
        Assert.NotEmpty(during);
        Assert.All(during, d => Assert.Equal(all, d));
    }

    [Fact]
    public void Indexes_an_interrupted_bulk_load_left_out_are_built_at_the_next_open()
    {
        using var dir = TestPaths.NewTempDir();
        List<string> all;
        using (var archive = SpectrumArchive.Open(dir.Path, Small))
        {
            new Ingester(archive).StoreCatalogueOnly(new DemoGenerator(7).GenerateRange(0, 120), "big", expectedRows: 120);
            all = Indexes(archive);
            // What a load killed before its end leaves: the rows, without the deferred indexes.
            using var conn = archive.Sqlite.OpenConnection(readOnly: false);
            foreach (var (name, _) in CatalogueDdl.SecondaryIndexes(SchemaCatalog.ObsCore).Concat(CatalogueDdl.SecondaryIndexes(SchemaCatalog.SpecObj)))
                SqliteCatalogue.Execute(conn, $"DROP INDEX {CatalogueDdl.Quote(name)}");
        }
        using var again = SpectrumArchive.Open(dir.Path, Small);
        Assert.Equal(all, Indexes(again));
    }

    [Fact]
    public void Each_batch_is_stored_in_sky_order()
    {
        using var dir = TestPaths.NewTempDir();
        using var archive = SpectrumArchive.Open(dir.Path, Small);
        new Ingester(archive).StoreCatalogueOnly(new DemoGenerator(8).GenerateRange(0, 256), "big");
        using var conn = archive.Sqlite.OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT s_ra, s_dec FROM ivoa_obscore ORDER BY spec_id";
        using var r = cmd.ExecuteReader();
        var keys = new List<long>();
        while (r.Read()) keys.Add(Healpix.NestedIndex(16, r.GetDouble(0), r.GetDouble(1)));
        Assert.Equal(256, keys.Count);
        foreach (var batch in keys.Chunk(Small.IngestBatchSize)) Assert.Equal(batch.Order(), batch);
        // The generator's own order is not the sky's: the sort did something.
        Assert.NotEqual(keys.Order(), keys);
    }
}
