using VoSpec.Testing;
using Xunit;

namespace VoSpec.Archive.Tests.Postgres;

/// <summary>
/// The ground the PostgreSQL backend (issue 12) stands on, checked on a private cluster: the project's own pgSphere
/// installer works on Debian's PostgreSQL 15.20 (where CREATE EXTENSION pg_sphere fails, deploy/postgresql/), its
/// GiST index answers cones with the same rows as the exact distance, Q3C installs as an extension with its index
/// used by q3c_radial_query, and an archive refuses a database that lacks either, naming the remedy.
/// </summary>
public class PostgresSetupTests
{
    private const string Points = """
        CREATE TABLE pts AS
          SELECT i AS id, 360 * ((i * 0.6180339887) % 1) AS ra, degrees(asin(2 * ((i * 0.7548776662) % 1) - 1)) AS dec
          FROM generate_series(1, 50000) AS i;
        """;

    [Fact]
    public void The_project_installs_pgSphere_and_its_gist_index_answers_cones_exactly()
    {
        using var pg = PostgresCluster.Start();
        var install = ExternalTool.Run("sh", [Path.Combine(TestPaths.RepoRoot, "deploy", "postgresql", "install-pgsphere.sh"),
            "-h", pg.SocketDir, "-p", pg.Port.ToString(), "-U", "postgres", "-d", "postgres"]);
        Assert.True(install.ExitCode == 0, install.All);

        var setup = pg.Psql(Points + """
            ALTER TABLE pts ADD COLUMN pos spoint;
            UPDATE pts SET pos = spoint(radians(ra), radians(dec));
            CREATE INDEX pts_pos ON pts USING gist (pos);
            ANALYZE pts;
            """);
        Assert.True(setup.ExitCode == 0, setup.All);
        const string cone = "pos @ scircle(spoint(radians(180), radians(10)), radians(10))";
        var plan = pg.Psql($"EXPLAIN SELECT id FROM pts WHERE {cone}");
        Assert.Contains("pts_pos", plan.StdOut);
        var indexed = pg.Psql($"SELECT count(*) FROM pts WHERE {cone}").StdOut.Trim();
        // The same cone by the exact distance, with no index to help.
        var exact = pg.Psql("SET enable_indexscan = off; SET enable_bitmapscan = off; "
            + "SELECT count(*) FROM pts WHERE (pos <-> spoint(radians(180), radians(10))) <= radians(10)").StdOut.Trim().Split('\n').Last();
        Assert.True(int.Parse(indexed) > 100, indexed);
        Assert.Equal(indexed, exact);
    }

    [Fact]
    public void Q3C_installs_as_an_extension_and_its_index_answers_radial_queries()
    {
        using var pg = PostgresCluster.Start();
        var setup = pg.Psql("CREATE EXTENSION q3c;" + Points + """
            CREATE INDEX pts_q3c ON pts (q3c_ang2ipix(ra, dec));
            ANALYZE pts;
            """);
        Assert.True(setup.ExitCode == 0, setup.All);
        var plan = pg.Psql("EXPLAIN SELECT id FROM pts WHERE q3c_radial_query(ra, dec, 180, 10, 2)");
        Assert.Contains("pts_q3c", plan.StdOut);
        var n = pg.Psql("SELECT count(*) FROM pts WHERE q3c_radial_query(ra, dec, 180, 10, 2)").StdOut.Trim();
        var exact = pg.Psql("SELECT count(*) FROM pts WHERE q3c_dist(ra, dec, 180, 10) <= 2").StdOut.Trim();
        Assert.Equal(exact, n);
    }

    [Theory]
    [InlineData("DROP EXTENSION q3c", "has no Q3C")]
    [InlineData("DROP TYPE spoint CASCADE", "has no pgSphere")]
    public void A_database_without_an_extension_is_refused_with_the_remedy(string drop, string message)
    {
        var cs = PostgresDatabases.NewDatabase();
        using (var conn = new Npgsql.NpgsqlConnection(cs))
        {
            conn.Open();
            using var cmd = new Npgsql.NpgsqlCommand(drop, conn);
            cmd.ExecuteNonQuery();
        }
        using var dir = new TempDir("vospec-pgext");
        var e = Assert.Throws<InvalidOperationException>(() => SpectrumArchive.Open(dir.Path, new ArchiveOptions { Database = cs }).Dispose());
        Assert.Contains(message, e.Message);
        Assert.Contains("install-pgsphere.sh", e.Message);
    }
}
