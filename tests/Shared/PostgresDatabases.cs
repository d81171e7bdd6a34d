namespace VoSpec.Testing;

/// <summary>
/// PostgreSQL databases for the tests of the PostgreSQL backend: one private cluster per test process (started on
/// first use, stopped by its PID when the process exits), with pgSphere installed once into a template by the
/// project's own deploy/postgresql/install-pgsphere.sh; each test archive gets a new database copied from it.
/// </summary>
internal static class PostgresDatabases
{
    private static readonly Lazy<PostgresCluster> s_cluster = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    private static int s_count;

    private static PostgresCluster Start()
    {
        var pg = PostgresCluster.Start();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => pg.Dispose();
        var created = pg.Psql("CREATE DATABASE vospec_template");
        if (created.ExitCode != 0) throw new InvalidOperationException("CREATE DATABASE failed: " + created.All);
        var install = ExternalTool.Run("sh", [Path.Combine(TestPaths.RepoRoot, "deploy", "postgresql", "install-pgsphere.sh"),
            "-h", pg.SocketDir, "-p", pg.Port.ToString(), "-U", "postgres", "-d", "vospec_template"]);
        if (install.ExitCode != 0) throw new InvalidOperationException("install-pgsphere.sh failed: " + install.All);
        return pg;
    }

    public static PostgresCluster Cluster => s_cluster.Value;

    /// <summary>A new empty database with pgSphere; its Npgsql connection string (pooled).</summary>
    public static string NewDatabase()
    {
        var pg = Cluster;
        var name = $"vospec_{Environment.ProcessId}_{Interlocked.Increment(ref s_count)}";
        var created = pg.Psql($"CREATE DATABASE {name} TEMPLATE vospec_template");
        if (created.ExitCode != 0) throw new InvalidOperationException($"CREATE DATABASE {name} failed: " + created.All);
        return pg.ConnectionString(name).Replace("Pooling=false", "Pooling=true", StringComparison.Ordinal);
    }
}
