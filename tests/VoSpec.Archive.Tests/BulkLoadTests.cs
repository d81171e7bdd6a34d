using Microsoft.Data.Sqlite;
using System.Globalization;
using VoSpec.Adql.Translator;
using VoSpec.Archive.Catalogue;
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
/// leaves must be the one a row-by-row load leaves — the same indexes, used by the same plans, every stored row right,
/// and an R*Tree (packed once at the end) that SQLite's own check accepts and that finds what the row-by-row tree finds.
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

        Assert.Contains("USING INDEX ivoa_obscore_em_min", Plan(bulk, "SELECT * FROM ivoa_obscore WHERE em_min > 1e-6"));
    }

    /// <summary>SQLite's plan of a statement, one line per step.</summary>
    private static string Plan(SpectrumArchive archive, string sql)
    {
        using var conn = archive.Sqlite.OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "EXPLAIN QUERY PLAN " + sql;
        using var r = cmd.ExecuteReader();
        var plan = "";
        while (r.Read()) plan += r.GetString(3) + "\n";
        return plan;
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

    private static string JournalMode(SpectrumArchive archive)
    {
        using var conn = archive.Sqlite.OpenConnection();
        return SqliteCatalogue.Scalar<string>(conn, "PRAGMA journal_mode")!;
    }

    [Fact]
    public void A_bulk_load_into_an_empty_archive_writes_through_a_rollback_journal_and_ends_in_wal()
    {
        using var dir = TestPaths.NewTempDir();
        using var archive = SpectrumArchive.Open(dir.Path, Small);
        Assert.Equal("wal", JournalMode(archive));
        var during = new List<(string Mode, bool Wal)>();
        new Ingester(archive).StoreCatalogueOnly(new DemoGenerator(11).GenerateRange(0, 200), "big", expectedRows: 200,
            batchDone: _ => during.Add((JournalMode(archive), File.Exists(archive.Sqlite.Path + "-wal"))));
        Assert.Equal(4, during.Count);
        Assert.All(during, d => Assert.Equal(("delete", false), d));
        Assert.Equal("wal", JournalMode(archive));
        Assert.Equal(200, archive.Lookup.CountSpectra());
        Assert.Equal("ok", RtreeCheck(archive));
    }

    [Fact]
    public void A_bulk_load_keeps_the_wal_while_another_connection_has_the_archive_open()
    {
        using var dir = TestPaths.NewTempDir();
        var log = new List<string>();
        using var archive = SpectrumArchive.Open(dir.Path, new ArchiveOptions { BulkLoadRows = 100, IngestBatchSize = 64, Log = log.Add });
        // A reader elsewhere (a server on the same archive): not pooled, so clearing the pools leaves it open.
        using var reader = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = archive.Sqlite.Path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        reader.Open();
        Assert.Equal("wal", SqliteCatalogue.Scalar<string>(reader, "PRAGMA journal_mode"));
        var during = new List<string>();
        new Ingester(archive).StoreCatalogueOnly(new DemoGenerator(12).GenerateRange(0, 200), "big", expectedRows: 200,
            batchDone: _ => during.Add(JournalMode(archive)));
        Assert.All(during, m => Assert.Equal("wal", m));
        Assert.Contains(log, l => l.Contains("the bulk load keeps the write-ahead log"));
        Assert.Equal(200, SqliteCatalogue.Scalar<long>(reader, "SELECT count(*) FROM ivoa_obscore"));
    }

    [Fact]
    public void An_archive_left_in_a_rollback_journal_returns_to_wal_at_its_next_open()
    {
        using var dir = TestPaths.NewTempDir();
        using (var archive = SpectrumArchive.Open(dir.Path, Small))
        {
            new Ingester(archive).StoreCatalogueOnly(new DemoGenerator(13).GenerateRange(0, 120), "big", expectedRows: 120);
            // What a load killed before its end leaves: the file out of WAL mode.
            archive.Sqlite.ClearPools();
            using var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = archive.Sqlite.Path, Pooling = false }.ToString());
            conn.Open();
            Assert.Equal("delete", SqliteCatalogue.Scalar<string>(conn, "PRAGMA journal_mode=DELETE"));
        }
        using var again = SpectrumArchive.Open(dir.Path, Small);
        Assert.Equal("wal", JournalMode(again));
        Assert.Equal(120, again.Lookup.CountSpectra());
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

    private static string RtreeCheck(SpectrumArchive archive)
    {
        using var conn = archive.Sqlite.OpenConnection();
        return SqliteCatalogue.Scalar<string>(conn, "SELECT rtreecheck('spatial_idx')")!;
    }

    /// <summary>The spec_ids in a cone: through the R*Tree (as every cone query goes), or by the distance alone.</summary>
    private static List<long> Cone(SpectrumArchive archive, double ra, double dec, double r, bool indexed)
    {
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var where = SqliteCone.DistanceCondition("ra", "dec", F(ra), F(dec), F(r));
        if (indexed) where += " AND " + SqliteCone.IndexCondition("spec_id", SqliteCone.Bounds(ra, dec, r).Select(F).ToList());
        using var conn = archive.Sqlite.OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT spec_id FROM specobj WHERE {where} ORDER BY spec_id";
        using var rd = cmd.ExecuteReader();
        var ids = new List<long>();
        while (rd.Read()) ids.Add(rd.GetInt64(0));
        return ids;
    }

    [Fact]
    public void A_bulk_load_packs_the_spatial_index_and_it_finds_what_a_row_by_row_tree_finds()
    {
        using var plainDir = TestPaths.NewTempDir();
        using var bulkDir = TestPaths.NewTempDir();
        using var plain = SpectrumArchive.Open(plainDir.Path, new ArchiveOptions { IngestBatchSize = 500 });
        using var bulk = SpectrumArchive.Open(bulkDir.Path, new ArchiveOptions { BulkLoadRows = 100, IngestBatchSize = 500 });
        // More than 51 × 51 positions: leaves, a level of nodes between them and the root.
        var spectra = new DemoGenerator(9).GenerateRange(0, 3000).ToList();
        new Ingester(plain).StoreCatalogueOnly(spectra, "big", expectedRows: 3000);
        new Ingester(bulk).StoreCatalogueOnly(spectra, "big", expectedRows: 3000);

        Assert.Equal("ok", RtreeCheck(bulk));
        using (var conn = bulk.Sqlite.OpenConnection())
        {
            Assert.Equal(3000L, SqliteCatalogue.Scalar<long>(conn, "SELECT count(*) FROM spatial_idx_rowid"));
            // The root's depth: 59 leaves under two nodes under the root.
            Assert.Equal("0002", SqliteCatalogue.Scalar<string>(conn, "SELECT substr(hex(data), 1, 4) FROM spatial_idx_node WHERE nodeno = 1"));
            Assert.Null(SqliteCatalogue.Scalar<string>(conn, "SELECT value FROM archive_meta WHERE key = $k", null, ("$k", SpatialIndex.PendingKey)));
        }

        var rng = new Random(18);
        var centres = spectra.Take(60).Select(s => (s.Meta.Ra, s.Meta.Dec))
            .Concat(Enumerable.Range(0, 60).Select(_ => (rng.NextDouble() * 360, Math.Asin(2 * rng.NextDouble() - 1) * 180 / Math.PI)))
            .Concat([(0.0, 90.0), (180.0, -90.0), (359.999, 0.0), (0.0, 0.0)]);
        int found = 0;
        foreach (var (ra, dec) in centres)
            foreach (var r in new[] { 0.0, 0.5, 3.0, 20.0, 100.0 })
            {
                var expected = Cone(plain, ra, dec, r + SqliteCone.ToleranceDeg, indexed: true);
                Assert.Equal(Cone(plain, ra, dec, r + SqliteCone.ToleranceDeg, indexed: false), expected);
                Assert.Equal(expected, Cone(bulk, ra, dec, r + SqliteCone.ToleranceDeg, indexed: true));
                found += expected.Count;
            }
        Assert.True(found > 10_000, $"the cones found only {found} rows");

        // The check can fail: a row the tree has lost.
        using (var conn = bulk.Sqlite.OpenConnection(readOnly: false))
            SqliteCatalogue.Execute(conn, "DELETE FROM spatial_idx_rowid WHERE rowid = (SELECT max(rowid) FROM spatial_idx_rowid)");
        Assert.NotEqual("ok", RtreeCheck(bulk));
    }

    [Fact]
    public void A_spatial_index_an_interrupted_bulk_load_left_out_is_packed_at_the_next_open()
    {
        using var dir = TestPaths.NewTempDir();
        var log = new List<string>();
        var options = new ArchiveOptions { BulkLoadRows = 100, IngestBatchSize = 64, Log = log.Add };
        using (var archive = SpectrumArchive.Open(dir.Path, options))
        {
            new Ingester(archive).StoreCatalogueOnly(new DemoGenerator(10).GenerateRange(0, 150), "big", expectedRows: 150);
            // What a load killed before its end leaves: the rows, the tree empty, the mark set.
            using var conn = archive.Sqlite.OpenConnection(readOnly: false);
            using var tx = conn.BeginTransaction();
            SqliteCatalogue.Execute(conn, "DELETE FROM spatial_idx", tx);
            SpatialIndex.MarkPending(conn, tx);
            tx.Commit();
            Assert.Empty(Cone(archive, 0, 0, 180, indexed: true));
        }
        using var again = SpectrumArchive.Open(dir.Path, options);
        Assert.Equal("ok", RtreeCheck(again));
        Assert.Equal(150, Cone(again, 0, 0, 180, indexed: true).Count);
        Assert.Contains(log, l => l.Contains("spatial index packed: 150 positions"));
        // Packed once: the next open finds nothing to do.
        log.Clear();
        using (SpectrumArchive.Open(dir.Path, options)) { }
        Assert.DoesNotContain(log, l => l.Contains("spatial index"));
    }

    [Fact]
    public void A_batch_s_classes_are_counted_from_its_key_range_alone()
    {
        using var dir = TestPaths.NewTempDir();
        using var archive = SpectrumArchive.Open(dir.Path, Small);
        new Ingester(archive).StoreCatalogueOnly(new DemoGenerator(11).GenerateRange(0, 150), "big", expectedRows: 150);
        var plan = Plan(archive, CollectionClassRows.AddSql("100"));
        Assert.Contains("specobj USING INTEGER PRIMARY KEY (rowid>?)", plan);
        Assert.DoesNotContain("USING INDEX", plan);
        // The check sees the old form, which read the whole collection through the unique index at every batch.
        Assert.Contains("USING INDEX", Plan(archive, CollectionClassRows.AddSql("100").Replace("WHERE spec_id >= 100", "WHERE spec_id >= 100 AND collection = 'big'")));
    }

    [Fact]
    public void A_batch_s_statistics_are_added_from_its_key_range_alone()
    {
        using var dir = TestPaths.NewTempDir();
        using var archive = SpectrumArchive.Open(dir.Path, Small);
        new Ingester(archive).StoreCatalogueOnly(new DemoGenerator(14).GenerateRange(0, 150), "big", expectedRows: 150);
        var plan = Plan(archive, CatalogueDdl.AddStatisticsSql("100", "'big'"));
        Assert.Contains("specobj USING INTEGER PRIMARY KEY (rowid>?)", plan);
        Assert.DoesNotContain("USING INDEX", plan);
        // The check sees the grouped form, which read the whole collection through the unique index at every batch.
        Assert.Contains("USING INDEX", Plan(archive, CatalogueDdl.AddStatisticsSql("100", "collection").Replace("HAVING count(*) > 0", "GROUP BY collection")));
    }

    private static List<string> Query(SpectrumArchive archive, string sql)
    {
        using var conn = archive.Sqlite.OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var rows = new List<string>();
        while (r.Read())
            rows.Add(string.Join("|", Enumerable.Range(0, r.FieldCount).Select(i => Convert.ToString(r.GetValue(i), CultureInfo.InvariantCulture))));
        return rows;
    }

    private static List<string> Triggers(SpectrumArchive archive) => Query(archive, "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name");

    private static List<string> Statistics(SpectrumArchive archive) => Query(archive, "SELECT * FROM collection_stats ORDER BY name");

    [Fact]
    public void A_bulk_load_adds_its_statistics_a_batch_at_a_time_with_the_row_triggers_dropped_until_its_end()
    {
        using var plainDir = TestPaths.NewTempDir();
        using var bulkDir = TestPaths.NewTempDir();
        using var plain = SpectrumArchive.Open(plainDir.Path, Small);
        using var bulk = SpectrumArchive.Open(bulkDir.Path, Small);
        var triggers = Triggers(plain);
        Assert.Contains(CatalogueDdl.StatisticsTriggerName, triggers);
        Assert.Contains("ivoa_obscore_binary2_insert", triggers);

        var generator = new DemoGenerator(12);
        var during = new List<List<string>>();
        // Two bulk loads into one collection (the second adds to statistics already there) and one into another.
        foreach (var (from, collection) in new[] { (0, "big"), (300, "big"), (600, "other") })
        {
            new Ingester(plain).StoreCatalogueOnly(generator.GenerateRange(from, 300), collection);
            new Ingester(bulk).StoreCatalogueOnly(generator.GenerateRange(from, 300), collection, expectedRows: 300 * (1 + from / 300),
                batchDone: _ => during.Add(Triggers(bulk)));
        }
        Assert.Equal(15, during.Count);
        Assert.All(during, t => Assert.DoesNotContain(CatalogueDdl.StatisticsTriggerName, t));
        Assert.All(during, t => Assert.DoesNotContain("ivoa_obscore_binary2_insert", t));
        Assert.Equal(triggers, Triggers(bulk));
        var expected = Query(plain, "SELECT collection, count(*), min(wavemin), max(wavemax), min(z), max(z) FROM specobj GROUP BY collection ORDER BY collection");
        Assert.Equal(["big|600", "other|300"], expected.Select(r => string.Join("|", r.Split('|')[..2])));
        Assert.Equal(expected, Statistics(plain));
        Assert.Equal(expected, Statistics(bulk));
        RowImagesTests.AssertStoredRowsAreCurrent(bulk);
    }

    [Fact]
    public void Row_triggers_an_interrupted_bulk_load_left_dropped_are_back_at_the_next_open()
    {
        using var dir = TestPaths.NewTempDir();
        List<string> all;
        using (var archive = SpectrumArchive.Open(dir.Path, Small))
        {
            all = Triggers(archive);
            // What a load killed before its end leaves.
            using var conn = archive.Sqlite.OpenConnection(readOnly: false);
            SqliteCatalogue.Execute(conn, $"DROP TRIGGER {CatalogueDdl.StatisticsTriggerName}");
            SqliteCatalogue.Execute(conn, RowImages.ObsCore.DropInsertTrigger);
            Assert.Equal(all.Count - 2, Triggers(archive).Count);
        }
        using var again = SpectrumArchive.Open(dir.Path, Small);
        Assert.Equal(all, Triggers(again));
        new Ingester(again).StoreCatalogueOnly(new DemoGenerator(13).GenerateRange(0, 20), "small");
        Assert.Equal(["small|20"], Statistics(again).Select(r => string.Join("|", r.Split('|')[..2])));
        RowImagesTests.AssertStoredRowsAreCurrent(again);
    }
}
