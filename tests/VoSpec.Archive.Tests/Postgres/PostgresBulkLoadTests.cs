using VoSpec.Archive.Ingest;
using VoSpec.Core.Spectra;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Archive.Tests.Postgres;

/// <summary>
/// A bulk load into PostgreSQL (indexes dropped and built at the end on several connections, batches committed without
/// waiting for the WAL flush, rows encoded by PostgresCopyRows) leaves the same database as a load batch by batch with
/// every index in place: the same rows cell by cell (a NaN redshift as NULL, a missing source path as NULL) and the
/// same index definitions.
/// </summary>
public class PostgresBulkLoadTests
{
    private const int Rows = 600;

    [Fact]
    public void A_bulk_load_leaves_the_rows_and_indexes_of_a_load_batch_by_batch()
    {
        var bulk = Load(bulkLoadRows: 100);
        var plain = Load(bulkLoadRows: int.MaxValue);
        var pg = PostgresDatabases.Cluster;

        foreach (var table in new[] { "spectrum_store", "specobj", "ivoa_obscore" })
        {
            // Every column as text, the load time left out (it differs between the two loads).
            var dump = $"SELECT to_jsonb(t) - 'ingested' FROM {table} t ORDER BY spec_id";
            var (a, b) = (Psql(pg, dump, bulk), Psql(pg, dump, plain));
            Assert.Equal(Rows, a.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.True(a == b, $"{table}: the bulk load's rows differ from the batch-by-batch load's");
        }
        Assert.Equal($"{Rows / 7}", Psql(pg, "SELECT count(*) FROM specobj WHERE z IS NULL", bulk));
        Assert.Equal("0", Psql(pg, "SELECT count(*) FROM specobj WHERE z = 'NaN'", bulk));

        const string indexes = "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1";
        var (bulkIndexes, plainIndexes) = (Psql(pg, indexes, bulk), Psql(pg, indexes, plain));
        Assert.Contains("q3c_ang2ipix", bulkIndexes);
        Assert.Equal(plainIndexes, bulkIndexes);
        // The comparison sees a missing index: one dropped, the lists differ.
        Psql(pg, "DROP INDEX ivoa_obscore_q3c", bulk);
        Assert.NotEqual(plainIndexes, Psql(pg, indexes, bulk));
    }

    [Fact]
    public async Task A_bulk_load_waits_for_other_sessions_locks_longer_than_the_command_timeout()
    {
        // An index build at ten million rows takes minutes; here another session's lock holds the load's index drops
        // for three seconds, three times the connection string's Command Timeout (Npgsql's default is 30 s).
        var cs = PostgresDatabases.NewDatabase() + ";Command Timeout=1";
        using var dir = new TempDir("vospec-pglock");
        using var archive = SpectrumArchive.Open(dir.Path, new ArchiveOptions { Database = cs, IngestBatchSize = 100, BulkLoadRows = 100 });
        using var other = new Npgsql.NpgsqlConnection(cs);
        other.Open();
        var tx = other.BeginTransaction();
        using (var lockTables = new Npgsql.NpgsqlCommand("LOCK TABLE specobj, ivoa_obscore IN ROW EXCLUSIVE MODE", other, tx)) lockTables.ExecuteNonQuery();
        var release = Task.Run(async () => { await Task.Delay(3000); tx.Commit(); });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var report = new Ingester(archive).StoreCatalogueOnly(Enumerable.Range(0, Rows).Select(Fake), "locked", Rows);
        await release;
        Assert.Equal(Rows, report.Ingested);
        Assert.True(clock.Elapsed > TimeSpan.FromSeconds(2), $"the load did not wait for the lock ({clock.Elapsed})");
        using var count = new Npgsql.NpgsqlCommand("SELECT count(*) FROM pg_indexes WHERE indexname = 'ivoa_obscore_q3c'", other);
        Assert.Equal(1L, (long)count.ExecuteScalar()!);
    }

    /// <summary>A new database loaded with <see cref="Rows"/> catalogue-only rows, 100 a batch; its name.</summary>
    private static string Load(int bulkLoadRows)
    {
        var cs = PostgresDatabases.NewDatabase();
        using var dir = new TempDir("vospec-pgbulk");
        using (var archive = SpectrumArchive.Open(dir.Path, new ArchiveOptions { Database = cs, IngestBatchSize = 100, BulkLoadRows = bulkLoadRows }))
        {
            var report = new Ingester(archive).StoreCatalogueOnly(Enumerable.Range(0, Rows).Select(Fake), "big", Rows);
            Assert.Equal(Rows, report.Ingested);
        }
        return cs.Split(';').Single(p => p.StartsWith("Database=", StringComparison.Ordinal))["Database=".Length..];
    }

    private static string Psql(PostgresCluster pg, string sql, string database)
    {
        var r = pg.Psql(sql, database);
        Assert.True(r.ExitCode == 0, r.All);
        return r.StdOut.Trim();
    }

    private static Spectrum Fake(int i)
    {
        int plate = 1 + i / 100, fiber = 1 + i % 100;
        return new Spectrum
        {
            Meta = new SpectrumMeta
            {
                SpecObjId = SpecObjId.Pack(plate, 55000, fiber, 26), Plate = plate, Mjd = 55000, FiberId = fiber,
                Ra = (i * 137.5) % 360, Dec = (i * 7.3) % 170 - 85,
                Z = i % 7 == 6 ? double.NaN : i * 0.001, Class = (i % 3) switch { 0 => "GALAXY", 1 => "QSO", _ => "STAR" },
                ExpTime = 2700, Run2d = "26",
            },
            Arrays = new SpectrumArrays { Grid = new LogLinearGrid(3.58 + (i % 50) * 1e-4, 1e-4, 3850), Flux = [] },
        };
    }
}
