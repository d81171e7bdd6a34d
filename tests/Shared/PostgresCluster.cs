using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace VoSpec.Testing;

/// <summary>
/// A private PostgreSQL cluster for the tests (Debian's postgresql-15, installed by .ci/run): initdb in a temporary
/// directory — as the postgres user when the tests run as root, which initdb refuses — listening only on a Unix
/// socket in that directory, on a port no one else uses, and stopped at the end by the PID it recorded (a fast
/// shutdown), never by name. Nothing goes over the network.
/// </summary>
internal sealed class PostgresCluster : IDisposable
{
    public const string BinDir = "/usr/lib/postgresql/15/bin";

    private readonly string _dir;
    private int _pid;

    public string SocketDir => _dir;
    public int Port { get; }

    /// <summary>Npgsql's form: the socket directory as Host, trust authentication as the postgres superuser.</summary>
    public string ConnectionString(string database = "postgres") => $"Host={_dir};Port={Port};Username=postgres;Database={database};Pooling=false";

    private PostgresCluster(string dir, int port, int pid) { _dir = dir; Port = port; _pid = pid; }

    public static PostgresCluster Start()
    {
        ExternalTool.Require(Path.Combine(BinDir, "initdb"));
        var dir = Path.Combine(Path.GetTempPath(), "vospec-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        bool root = Environment.UserName == "root";
        if (root && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            Check(ExternalTool.Run("chown", ["postgres", dir]), "chown");
        }
        int port = FreePort();
        var data = Path.Combine(dir, "data");
        Check(AsOwner(root, "initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]), "initdb");
        return new PostgresCluster(dir, port, Run(dir, port));
    }

    /// <summary>Starts the server of the cluster in <paramref name="dir"/>; returns the postmaster's PID.</summary>
    private static int Run(string dir, int port)
    {
        bool root = Environment.UserName == "root" && !OperatingSystem.IsWindows();
        var data = Path.Combine(dir, "data");
        Check(AsOwner(root, "pg_ctl", ["-D", data, "-o", $"-k {dir} -p {port} -c listen_addresses='' -c fsync=off", "-l", Path.Combine(dir, "log"), "-w", "start"]), "pg_ctl start");
        return int.Parse(File.ReadLines(Path.Combine(data, "postmaster.pid")).First());
    }

    /// <summary>Stops the server (a fast shutdown, by its PID) and keeps the cluster, for <see cref="StartAgain"/>.</summary>
    public void Stop()
    {
        try
        {
            using var p = Process.GetProcessById(_pid);
            ExternalTool.Run("kill", ["-INT", _pid.ToString()]);
            p.WaitForExit(30_000);
        }
        catch (ArgumentException) { } // already gone
        // The postmaster is gone once its pid file is.
        for (int i = 0; i < 300 && File.Exists(Path.Combine(_dir, "data", "postmaster.pid")); i++) Thread.Sleep(100);
    }

    /// <summary>Starts the stopped server again on the same socket and port.</summary>
    public void StartAgain() => _pid = Run(_dir, Port);

    /// <summary>Runs SQL through psql (ON_ERROR_STOP): for set-up and for tests of the set-up scripts.</summary>
    public ExternalTool.Result Psql(string sql, string database = "postgres") =>
        ExternalTool.Run("psql", ["-h", _dir, "-p", Port.ToString(), "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-At"], stdin: sql);

    private static ExternalTool.Result AsOwner(bool root, string program, IEnumerable<string> args) =>
        root ? ExternalTool.Run("runuser", new[] { "-u", "postgres", "--", Path.Combine(BinDir, program) }.Concat(args), timeout: TimeSpan.FromMinutes(2))
             : ExternalTool.Run(Path.Combine(BinDir, program), args, timeout: TimeSpan.FromMinutes(2));

    private static void Check(ExternalTool.Result r, string what)
    {
        if (r.ExitCode != 0) throw new InvalidOperationException($"{what} failed ({r.ExitCode}): {r.All}");
    }

    /// <summary>A loopback port free now (also for the scale-out tests' extra node).</summary>
    internal static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public void Dispose()
    {
        try
        {
            // SIGINT is PostgreSQL's fast shutdown: sessions end, the cluster stops cleanly.
            using var p = Process.GetProcessById(_pid);
            ExternalTool.Run("kill", ["-INT", _pid.ToString()]);
            p.WaitForExit(30_000);
        }
        catch (ArgumentException) { } // already gone
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
