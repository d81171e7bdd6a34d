using Npgsql;
using VoSpec.Archive.Ingest;
using VoSpec.Archive.Postgres;
using VoSpec.Archive.Sqlite;
using VoSpec.Core.Spectra;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Archive.Tests.Postgres;

/// <summary>
/// A COMMIT whose deferred checks take longer than the connection string's Command Timeout: the stored rows' constraint
/// trigger runs at commit for every row a whole-collection update or a migration touched, which at ten million rows
/// takes minutes. Here a deferred trigger that sleeps stands for that work, with Command Timeout=1: Npgsql's own
/// Commit gives up (what the archive must not rely on), <see cref="PostgresCatalogue.CommitMaintenance"/> and a
/// change of a collection's data rights wait for it.
/// </summary>
public class PostgresLongCommitTests
{
    private static void Exec(NpgsqlConnection conn, string sql, NpgsqlTransaction? tx = null)
    {
        using var cmd = new NpgsqlCommand(sql, conn, tx) { CommandTimeout = 0 };
        cmd.ExecuteNonQuery();
    }

    /// <summary>Makes every row change of <paramref name="table"/> sleep <paramref name="seconds"/> at its transaction's commit.</summary>
    private static void SleepAtCommit(NpgsqlConnection conn, string table, double seconds)
    {
        Exec(conn, $"CREATE OR REPLACE FUNCTION test_sleepy() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep({seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}); RETURN NULL; END $$");
        Exec(conn, $"CREATE CONSTRAINT TRIGGER test_sleepy AFTER INSERT OR UPDATE ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_sleepy()");
    }

    [Fact]
    public void Deferred_checks_longer_than_the_command_timeout_are_waited_for()
    {
        var cs = PostgresDatabases.NewDatabase() + ";Command Timeout=1";
        using var conn = new NpgsqlConnection(cs);
        conn.Open();
        Exec(conn, "CREATE TABLE slow(x int)");
        SleepAtCommit(conn, "slow", 2);

        // Npgsql's Commit waits only the Command Timeout: the transaction is lost.
        var tx = conn.BeginTransaction();
        Exec(conn, "INSERT INTO slow VALUES (1)", tx);
        Assert.ThrowsAny<Exception>(() => tx.Commit());

        using var again = new NpgsqlConnection(cs);
        again.Open();
        var tx2 = again.BeginTransaction();
        Exec(again, "INSERT INTO slow VALUES (2)", tx2);
        PostgresCatalogue.CommitMaintenance(again, tx2);
        using var count = new NpgsqlCommand("SELECT string_agg(x::text, ',') FROM slow", again);
        Assert.Equal("2", count.ExecuteScalar());
    }

    [Fact]
    public void A_change_of_data_rights_commits_however_long_its_checks_take()
    {
        var cs = PostgresDatabases.NewDatabase() + ";Command Timeout=1";
        using var dir = new TempDir("vospec-pgcommit");
        using var archive = SpectrumArchive.Open(dir.Path, new ArchiveOptions { Database = cs });
        var report = new Ingester(archive).StoreCatalogueOnly(Enumerable.Range(0, 2).Select(Fake), "slowcoll", 2);
        Assert.Equal(2, report.Ingested);
        using (var conn = new NpgsqlConnection(cs))
        {
            conn.Open();
            SleepAtCommit(conn, "ivoa_obscore", 1.5); // two rows: three seconds at the commit
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(["slowcoll"], archive.ApplyDataRights(["slowcoll"]));
        Assert.True(clock.Elapsed > TimeSpan.FromSeconds(2.5), $"the commit did not run the sleeping checks ({clock.Elapsed})");
        Assert.Equal(DataRights.Proprietary, archive.Lookup.Collections().Single(c => c.Name == "slowcoll").DataRights);
    }

    private static Spectrum Fake(int i) => new()
    {
        Meta = new SpectrumMeta
        {
            SpecObjId = SpecObjId.Pack(1, 55000, 1 + i, 26), Plate = 1, Mjd = 55000, FiberId = 1 + i,
            Ra = 10 + i, Dec = 5, Z = 0.1, Class = "GALAXY", ExpTime = 2700, Run2d = "26",
        },
        Arrays = new SpectrumArrays { Grid = new LogLinearGrid(3.58, 1e-4, 3850), Flux = [] },
    };
}
