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
        Assert.Contains("ivoa_obscore_pos", string.Join(',', Rows2(pg, "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")));
    }

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
