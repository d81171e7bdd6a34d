using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using VoSpec.Archive.Ingest;
using VoSpec.Archive.Postgres;
using VoSpec.Archive.Sqlite;
using VoSpec.Core.Spectra;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Archive.Tests.Postgres;

/// <summary>
/// PostgreSQL's writer makes each batch's COPY data on the preparing cores and gathers the collection's statistics,
/// classes and coverage from the rows it encodes instead of reading the batch back (PostgresBatchRows): what it stores
/// must be what the SQLite backend stores for the same spectra — the stored BINARY2 row of every spectrum byte for
/// byte, the collection's statistics, classes and coverage — and a bulk load into an archive that already holds rows
/// must keep them.
/// </summary>
public class PostgresLoadParityTests
{
    private const int Rows = 700;

    [Fact]
    public void A_load_stores_the_row_images_statistics_classes_and_coverage_SQLite_stores()
    {
        using var sqliteDir = new TempDir("vospec-parity-sqlite");
        using var pgDir = new TempDir("vospec-parity-pg");
        var cs = PostgresDatabases.NewDatabase();
        foreach (var options in new[] { new ArchiveOptions { IngestBatchSize = 100, BulkLoadRows = 100 }, new ArchiveOptions { Database = cs, IngestBatchSize = 100, BulkLoadRows = 100 } })
        {
            using var archive = SpectrumArchive.Open(options.Database is null ? sqliteDir.Path : pgDir.Path, options);
            Assert.Equal(Rows, new Ingester(archive).StoreCatalogueOnly(Enumerable.Range(0, Rows).Select(Fake), "big", Rows).Ingested);
        }

        using var lite = new SqliteConnection($"Data Source={Path.Combine(sqliteDir.Path, SpectrumArchive.CatalogueFileName)};Mode=ReadOnly");
        lite.Open();
        using var pg = new NpgsqlConnection(cs);
        pg.Open();
        var t = RowImages.ObsCore;
        var (q, k, c) = (CatalogueDdl.Quote(t.StoreTable), CatalogueDdl.Quote(t.Key), CatalogueDdl.Quote(t.Column));
        var liteImages = Rows2(lite, $"SELECT {k}, hex({c}) FROM {q} ORDER BY {k}");
        var pgImages = Rows2(pg, $"SELECT {k}, upper(encode({c}, 'hex')) FROM ivoa_obscore ORDER BY {k}");
        Assert.Equal(Rows, liteImages.Count);
        Assert.Equal(liteImages, pgImages);

        // The statistics' doubles as their shortest round-trip text, so that REAL and double precision compare.
        Assert.Equal(Rows2(lite, "SELECT name, n, wave_min, wave_max, z_min, z_max FROM collection_stats"),
            Rows2(pg, "SELECT name, n, wave_min, wave_max, z_min, z_max FROM collection_stats"));
        var classes = Rows2(pg, "SELECT name, class, n FROM collection_classes ORDER BY name, class");
        Assert.Equal(Rows2(lite, "SELECT name, class, n FROM collection_classes ORDER BY name, class"), classes);
        Assert.DoesNotContain(classes, r => r.Contains("||", StringComparison.Ordinal)); // no empty class counted
        Assert.Equal(Rows2(lite, "SELECT collection, cell FROM coverage_cells ORDER BY 1, 2"), Rows2(pg, "SELECT collection, cell FROM coverage_cells ORDER BY 1, 2"));
        Assert.Equal(Rows2(lite, "SELECT name, t_min, t_max FROM collection_coverage"), Rows2(pg, "SELECT name, t_min, t_max FROM collection_coverage"));
    }

    [Fact]
    public void A_bulk_load_into_an_archive_with_rows_keeps_them()
    {
        using var dir = new TempDir("vospec-pgmore");
        var cs = PostgresDatabases.NewDatabase();
        using var pg = new NpgsqlConnection(cs);
        string before;
        using (var archive = SpectrumArchive.Open(dir.Path, new ArchiveOptions { Database = cs, IngestBatchSize = 100 }))
        {
            Assert.Equal(300, new Ingester(archive).StoreCatalogueOnly(Enumerable.Range(0, 300).Select(Fake), "big").Ingested);
            pg.Open();
            before = string.Join('\n', Rows2(pg, "SELECT to_jsonb(t) FROM ivoa_obscore t ORDER BY spec_id"));
        }
        // 400 more rows in one load of at least the rows already there: a bulk load (indexes dropped and built again).
        using (var archive = SpectrumArchive.Open(dir.Path, new ArchiveOptions { Database = cs, IngestBatchSize = 100, BulkLoadRows = 100 }))
            Assert.Equal(400, new Ingester(archive).StoreCatalogueOnly(Enumerable.Range(300, 400).Select(Fake), "big", 400).Ingested);

        Assert.Equal(["700"], Rows2(pg, "SELECT count(*) FROM ivoa_obscore"));
        Assert.Equal(["700|700|700"], Rows2(pg, "SELECT (SELECT count(*) FROM specobj), (SELECT count(DISTINCT spec_id) FROM spectrum_store), (SELECT n FROM collection_stats)"));
        Assert.Equal(["700"], Rows2(pg, "SELECT sum(n) + (SELECT count(*) FROM specobj WHERE class = '') FROM collection_classes"));
        Assert.Equal(before, string.Join('\n', Rows2(pg, "SELECT to_jsonb(t) FROM ivoa_obscore t WHERE spec_id <= 300 ORDER BY spec_id")));
        // The new rows' spec_ids follow the old ones', and each row's id is the one in its specobj and store rows.
        Assert.Equal(["301|700|0"], Rows2(pg, """
            SELECT min(o.spec_id), max(o.spec_id), count(*) FILTER (WHERE s.spec_id IS NULL OR p.spec_id IS NULL OR s.obs_id <> o.obs_id)
            FROM ivoa_obscore o LEFT JOIN specobj s USING (spec_id) LEFT JOIN spectrum_store p USING (spec_id) WHERE o.spec_id > 300
            """));
        Assert.Contains("ivoa_obscore_q3c", string.Join(',', Rows2(pg, "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")));
    }

    [Fact]
    public void A_load_into_an_empty_archive_on_a_minimal_WAL_cluster_writes_its_rows_without_WAL_and_a_failed_batch_alone_is_undone()
    {
        // A cluster of its own: wal_level is a server setting (a restart), the shared cluster keeps the default (replica).
        using var cluster = PostgresCluster.Start();
        // wal_skip_threshold 0: a file this small is synced at the commit too, not written to the WAL instead (its default, 2 MB).
        Assert.Equal(0, cluster.Psql("ALTER SYSTEM SET wal_level = minimal; ALTER SYSTEM SET max_wal_senders = 0; ALTER SYSTEM SET wal_skip_threshold = 0").ExitCode);
        cluster.Stop();
        cluster.StartAgain();
        Assert.Equal("minimal", cluster.Psql("SHOW wal_level").StdOut.Trim());
        Assert.Equal(0, cluster.Psql("CREATE DATABASE walless").ExitCode);
        var install = ExternalTool.Run("sh", [Path.Combine(TestPaths.RepoRoot, "deploy", "postgresql", "install-pgsphere.sh"),
            "-h", cluster.SocketDir, "-p", cluster.Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-d", "walless"]);
        Assert.True(install.ExitCode == 0, install.All);
        var cs = cluster.ConnectionString("walless");
        using var pg = new NpgsqlConnection(cs);
        pg.Open();
        using var dir = new TempDir("vospec-walless");
        // The same rows on the shared cluster (wal_level replica: a transaction a batch), to compare with.
        var reference = PostgresDatabases.NewDatabase();
        using (var refDir = new TempDir("vospec-walref"))
        using (var archive = SpectrumArchive.Open(refDir.Path, new ArchiveOptions { Database = reference, IngestBatchSize = 100, BulkLoadRows = 100 }))
            new Ingester(archive).StoreCatalogueOnly(Enumerable.Range(0, Rows).Select(Fake), "big", Rows);

        // A batch that fails (a spectrum already stored by an earlier batch of the same load, under another specobjid:
        // the unique (collection, plate, mjd, fiberid, obs_id) refuses it) is undone alone; the load goes on.
        using (var archive = SpectrumArchive.Open(dir.Path, new ArchiveOptions { Database = cs, IngestBatchSize = 100, BulkLoadRows = 100 }))
        {
            long walBefore = WalBytes(pg);
            var writer = archive.OpenWriter("big", "big", Rows);
            var all = Enumerable.Range(0, Rows).Select(i => new Catalogue.CatalogueItem(Fake(i), null, 0, "catalogue-only") { CatalogueOnly = true }).ToArray();
            for (int b = 0; b < Rows / 100; b++)
            {
                writer.WriteBatch(writer.Prepare(all[(b * 100)..((b + 1) * 100)]));
                if (b != 3) continue;
                var five = Fake(5);
                var again = new Spectrum { Meta = five.Meta with { SpecObjId = five.Meta.SpecObjId + 1 }, Arrays = five.Arrays };
                var bad = writer.Prepare([new Catalogue.CatalogueItem(again, null, 0, "catalogue-only") { CatalogueOnly = true }]);
                Assert.Throws<PostgresException>(() => writer.WriteBatch(bad));
            }
            // Nothing is visible to another session before the load commits.
            using (var other = new NpgsqlConnection(cs))
            {
                other.Open();
                Assert.Equal(["0"], Rows2(other, "SELECT count(*) FROM collection_stats"));
            }
            writer.Dispose();
            long wal = WalBytes(pg) - walBefore;
            long heap = long.Parse(Rows2(pg, "SELECT pg_relation_size('ivoa_obscore') + pg_relation_size('specobj')")[0], CultureInfo.InvariantCulture);
            // With the rows in the WAL it is larger than the two tables; here what is left is the small tables' (coverage,
            // statistics), the index builds' catalogue entries and ANALYZE's statistics (about a quarter at 700 rows).
            Assert.True(wal < heap / 2, $"{wal} bytes of WAL for {heap} bytes of rows");
        }
        const string dump = "SELECT to_jsonb(t) - 'ingested' FROM {0} t ORDER BY spec_id";
        foreach (var table in new[] { "spectrum_store", "specobj", "ivoa_obscore" })
        {
            using var refConn = new NpgsqlConnection(reference);
            refConn.Open();
            var expected = Rows2(refConn, string.Format(CultureInfo.InvariantCulture, dump, table));
            Assert.Equal(Rows, expected.Count);
            Assert.True(expected.SequenceEqual(Rows2(pg, string.Format(CultureInfo.InvariantCulture, dump, table))), $"{table} differs from the load on the replica cluster");
        }
        Assert.Equal([$"{Rows}"], Rows2(pg, "SELECT n FROM collection_stats"));
        const string indexes = "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1";
        using (var refConn = new NpgsqlConnection(reference))
        {
            refConn.Open();
            Assert.Equal(Rows2(refConn, indexes), Rows2(pg, indexes));
        }

        // A second load into the archive that now has rows: a transaction a batch, its rows added to the first load's.
        using (var archive = SpectrumArchive.Open(dir.Path, new ArchiveOptions { Database = cs, IngestBatchSize = 100, BulkLoadRows = 100 }))
            Assert.Equal(Rows, new Ingester(archive).StoreCatalogueOnly(Enumerable.Range(Rows, Rows).Select(Fake), "big", Rows).Ingested);
        Assert.Equal([$"{2 * Rows}|{2 * Rows}"], Rows2(pg, "SELECT count(*), (SELECT n FROM collection_stats) FROM ivoa_obscore"));
    }

    private static long WalBytes(NpgsqlConnection conn) =>
        long.Parse(Rows2(conn, "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint")[0], CultureInfo.InvariantCulture);

    /// <summary>Each row's cells joined by '|', doubles in their shortest round-trip form.</summary>
    private static List<string> Rows2(System.Data.Common.DbConnection conn, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var rows = new List<string>();
        while (r.Read())
            rows.Add(string.Join('|', Enumerable.Range(0, r.FieldCount).Select(i => r.IsDBNull(i) ? "" : r.GetValue(i) switch
            {
                double d => d.ToString("R", CultureInfo.InvariantCulture),
                var v => Convert.ToString(v, CultureInfo.InvariantCulture),
            })));
        return rows;
    }

    /// <summary>Catalogue-only spectra all over the sky, some without a redshift (NaN) or a class.</summary>
    private static Spectrum Fake(int i)
    {
        int plate = 1 + i / 100, fiber = 1 + i % 100;
        return new Spectrum
        {
            Meta = new SpectrumMeta
            {
                SpecObjId = SpecObjId.Pack(plate, 55000, fiber, 26), Plate = plate, Mjd = 55000 + i % 5, FiberId = fiber,
                Ra = (i * 137.5) % 360, Dec = (i * 7.3) % 170 - 85,
                Z = i % 7 == 6 ? double.NaN : i * 0.001, Class = (i % 4) switch { 0 => "GALAXY", 1 => "QSO", 2 => "STAR", _ => "" },
                ExpTime = 900 + i, Run2d = "26",
            },
            Arrays = new SpectrumArrays { Grid = new LogLinearGrid(3.58 + (i % 50) * 1e-4, 1e-4, 3850), Flux = [] },
        };
    }
}
