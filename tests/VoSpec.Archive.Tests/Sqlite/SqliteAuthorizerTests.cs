using Microsoft.Data.Sqlite;
using VoSpec.Archive;
using VoSpec.Archive.Demo;
using VoSpec.Archive.Ingest;
using VoSpec.Archive.Sqlite;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Archive.Tests.Sqlite;

/// <summary>
/// The second wall behind the ADQL translator: raw SQL fed straight to a guarded ADQL connection (as if the translator
/// had let it through) is refused by SQLite's authorizer unless it only reads declared tables.
/// </summary>
public sealed class SqliteAuthorizerTests : IDisposable
{
    private const int SqliteAuth = 23;
    private readonly TempDir _dir = TestPaths.NewTempDir("vospec-auth");
    private readonly SpectrumArchive _archive;

    public SqliteAuthorizerTests()
    {
        _archive = SpectrumArchive.Open(_dir.Path);
        new Ingester(_archive).StoreCatalogueOnly(new DemoGenerator(3).GenerateMany(10), "demo");
    }

    public void Dispose()
    {
        _archive.Dispose();
        _dir.Dispose();
    }

    private static object? Run(AdqlConnection c, string sql)
    {
        using var cmd = c.Connection.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }

    [Theory]
    [InlineData("DELETE FROM ivoa_obscore")]
    [InlineData("UPDATE ivoa_obscore SET obs_collection = 'x'")]
    [InlineData("INSERT INTO archive_meta(key, value) VALUES ('a', 'b')")]
    [InlineData("DROP TABLE ivoa_obscore")]
    [InlineData("CREATE TEMP TABLE t(x)")]
    [InlineData("CREATE TEMP VIEW v AS SELECT 1")]
    [InlineData("ATTACH DATABASE '/tmp/vospec-attack.sqlite' AS evil")]
    [InlineData("DETACH DATABASE temp")]
    [InlineData("PRAGMA writable_schema = 1")]
    [InlineData("PRAGMA table_info(ivoa_obscore)")]
    [InlineData("SELECT count(*) FROM pragma_table_info('ivoa_obscore')")]
    [InlineData("SELECT count(*) FROM sqlite_master")]
    [InlineData("SELECT count(*) FROM archive_meta")]
    [InlineData("SELECT count(*) FROM collections")]
    [InlineData("SELECT load_extension('/tmp/x.so')")]
    [InlineData("BEGIN IMMEDIATE")]
    [InlineData("SAVEPOINT s")]
    [InlineData("ANALYZE")]
    [InlineData("VACUUM INTO '/tmp/vospec-copy.sqlite'")]
    [InlineData("REINDEX")]
    [InlineData("WITH x AS (SELECT * FROM archive_meta) SELECT count(*) FROM x")]
    [InlineData("SELECT (SELECT value FROM archive_meta LIMIT 1) FROM ivoa_obscore")]
    public void Raw_sql_that_is_not_a_read_of_declared_tables_is_refused(string sql)
    {
        var c = AdqlConnection.Rent(_archive);
        try
        {
            c.Guard();
            var e = Assert.Throws<SqliteException>(() => Run(c, sql));
            // SQLITE_AUTH, or SQLITE_ERROR "not authorized" for some statement kinds.
            Assert.True(e.SqliteErrorCode == SqliteAuth || e.Message.Contains("not authorized", StringComparison.Ordinal), sql + ": " + e.Message);
        }
        finally { c.Return(_archive, clean: false); }
        Assert.Equal(10L, _archive.Lookup.CountSpectra());
        Assert.False(File.Exists("/tmp/vospec-attack.sqlite"));
        Assert.False(File.Exists("/tmp/vospec-copy.sqlite"));
    }

    [Theory]
    [InlineData("SELECT count(*) FROM ivoa_obscore")]
    [InlineData("SELECT count(*) FROM ivoa_obscore o JOIN specobj s ON 1 = 1 WHERE s.z > -1")]
    [InlineData("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5) SELECT sum(i) FROM n")]
    [InlineData("SELECT lower(obs_collection) || printf('%d', count(*)) FROM ivoa_obscore")]
    public void Reads_of_declared_tables_pass(string sql)
    {
        var c = AdqlConnection.Rent(_archive);
        try
        {
            c.Guard();
            Assert.NotNull(Run(c, sql));
        }
        finally { c.Return(_archive, clean: true); }
    }

    [Fact]
    public void Without_the_guard_the_servers_own_statements_work_and_the_guard_ends_with_the_query()
    {
        var c = AdqlConnection.Rent(_archive);
        try
        {
            c.Guard();
            Assert.Throws<SqliteException>(() => Run(c, "CREATE TEMP TABLE up(x)"));
            c.Unguard();
            Run(c, "CREATE TEMP TABLE up(x)");
            Run(c, "INSERT INTO temp.up VALUES (1)");
            c.Guard(["up"]);
            Assert.Equal(1L, Run(c, "SELECT count(*) FROM temp.up"));
            Assert.Throws<SqliteException>(() => Run(c, "INSERT INTO temp.up VALUES (2)"));
            c.Unguard();
            Run(c, "DROP TABLE temp.up");
        }
        finally { c.Return(_archive, clean: true); }
        // A pooled read connection of the archive is not affected by the authorizer.
        using var plain = _archive.Sqlite.OpenConnection();
        using var cmd = plain.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM archive_meta";
        Assert.True(Convert.ToInt64(cmd.ExecuteScalar()) > 0);
    }
}
