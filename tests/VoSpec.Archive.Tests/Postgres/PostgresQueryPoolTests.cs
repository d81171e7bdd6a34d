using Npgsql;
using VoSpec.Archive.Demo;
using VoSpec.Archive.Ingest;
using VoSpec.Archive.Postgres;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Archive.Tests.Postgres;

/// <summary>
/// An ADQL query without uploads is one statement on a connection of the query pool for its budget: that connection
/// must already be what the per-query transaction made it before — the query role (SELECT on the published tables
/// only), every transaction READ ONLY, statement_timeout the budget — from its first statement on, and stay so.
/// </summary>
public class PostgresQueryPoolTests
{
    [Fact]
    public void Query_connections_are_the_read_only_query_role_with_the_budget_as_statement_timeout()
    {
        using var dir = TestPaths.NewTempDir("vospec-pgpool");
        using var archive = SpectrumArchive.Open(dir.Path, new ArchiveOptions { Database = PostgresDatabases.NewDatabase() });
        new Ingester(archive).StoreCatalogueOnly(new DemoGenerator(3).GenerateRange(0, 10), "open");
        var pg = (PostgresCatalogue)archive.Catalogue;

        // Twice: the second time on the pooled connection the first one returned.
        for (int round = 0; round < 2; round++)
        {
            using var conn = pg.QueryData(300).OpenConnection();
            Assert.Equal(PostgresDdl.QueryRole, PostgresCatalogue.Scalar<string>(conn, "SELECT current_user"));
            Assert.Equal("on", PostgresCatalogue.Scalar<string>(conn, "SHOW transaction_read_only"));
            Assert.Equal("300ms", PostgresCatalogue.Scalar<string>(conn, "SHOW statement_timeout"));
            Assert.Equal(10L, PostgresCatalogue.Scalar<long>(conn, "SELECT count(*) FROM ivoa_obscore"));
            Assert.Equal(PostgresErrorCodes.ReadOnlySqlTransaction, Refused(conn, "CREATE TEMP TABLE evil(x int)"));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, Refused(conn, "SELECT * FROM uws_jobs"));
            Assert.Equal(PostgresErrorCodes.QueryCanceled, Refused(conn, "SELECT pg_sleep(3)"));
        }
        // The other pools differ: no budget is no timeout; the catalogue's own connections may write (the check sees it).
        using (var conn = pg.QueryData(0).OpenConnection())
            Assert.Equal("0", PostgresCatalogue.Scalar<string>(conn, "SHOW statement_timeout"));
        using (var conn = pg.OpenPrimary())
        {
            Assert.Equal("off", PostgresCatalogue.Scalar<string>(conn, "SHOW transaction_read_only"));
            Assert.NotEqual(PostgresDdl.QueryRole, PostgresCatalogue.Scalar<string>(conn, "SELECT current_user"));
        }
    }

    private static string Refused(NpgsqlConnection conn, string sql) =>
        Assert.Throws<PostgresException>(() => PostgresCatalogue.Execute(conn, sql)).SqlState;
}
