using System.Diagnostics;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Server.Tests.ScaleOut;

/// <summary>
/// The scale-out topology for a test class, brought up by the project's own deploy/local-cluster/up.sh (PostgreSQL
/// primary + streaming standby, two VoSpec nodes, nginx) over a small demo, and stopped by down.sh: the public URL,
/// each node's direct URL and recorded PID, and the ways a test breaks and mends it (kill -9 of a node, a restart
/// through node.sh, the standby stopped and started).
/// </summary>
public sealed class LocalCluster : IAsyncLifetime
{
    public const int Demo = 200;
    private readonly TempDir _dir = TestPaths.NewTempDir("vospec-cluster");
    private Dictionary<string, string> _env = new();

    public string Dir => _dir.Path;
    public Uri PublicUri { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;

    private static string Script(string name) => Path.Combine(TestPaths.RepoRoot, "deploy", "local-cluster", name);

    public Task InitializeAsync()
    {
        var cli = Path.Combine(TestPaths.RepoRoot, "src", "VoSpec.Cli", "bin", "Release", "net10.0", "vospec.dll");
        if (!File.Exists(cli)) throw new InvalidOperationException($"{cli} is missing: build the solution (dotnet build VoSpec.sln -c Release) first");
        ExternalTool.Require("/usr/sbin/nginx");
        ExternalTool.Require("/usr/lib/postgresql/15/bin/pg_basebackup");
        var up = ExternalTool.Run("bash", [Script("up.sh"), "--demo", Demo.ToString(), Dir], timeout: TimeSpan.FromMinutes(6));
        if (up.ExitCode != 0)
        {
            ExternalTool.Run("bash", [Script("down.sh"), Dir]);
            throw new InvalidOperationException("up.sh failed: " + up.All);
        }
        PublicUri = new Uri(up.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Trim());
        _env = File.ReadLines(Path.Combine(Dir, "env")).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1].Trim('\''));
        Client = new HttpClient { BaseAddress = PublicUri, Timeout = TimeSpan.FromSeconds(60) };
        return Task.CompletedTask;
    }

    /// <summary>Node k's own URL (1 or 2), past nginx.</summary>
    public Uri Node(int k) => new($"http://127.0.0.1:{_env[$"P_NODE{k}"]}/");

    public int Pid(string name) => int.Parse(File.ReadAllText(Path.Combine(Dir, name + ".pid")).Trim());

    public static bool Alive(int pid)
    {
        try { using var p = Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
    }

    /// <summary>kill -9 of node k's recorded PID; returns once it is gone.</summary>
    public void KillNode(int k)
    {
        int pid = Pid($"vospec-node-{k}");
        Assert.Equal(0, ExternalTool.Run("kill", ["-KILL", pid.ToString()]).ExitCode);
        for (int i = 0; i < 200 && Alive(pid); i++) Thread.Sleep(50);
        Assert.False(Alive(pid), $"node {k} ({pid}) still runs");
    }

    /// <summary>Starts node k again through node.sh, which returns once /health/ready answers 200.</summary>
    internal ExternalTool.Result StartNode(int k) => ExternalTool.Run("bash", [Script("node.sh"), Dir, k.ToString()], timeout: TimeSpan.FromMinutes(5));

    /// <summary>
    /// Starts a node beyond up.sh's two (k ≥ 3) through node.sh on a free port, with <paramref name="settings"/> in its
    /// environment; nginx does not know it (reach it at <see cref="Node"/>). Its PID is in DIR/vospec-node-k.pid, so
    /// down.sh stops it if the test does not (<see cref="StopNode"/>).
    /// </summary>
    internal ExternalTool.Result StartExtraNode(int k, IReadOnlyDictionary<string, string> settings)
    {
        var port = PostgresCluster.FreePort().ToString();
        File.AppendAllText(Path.Combine(Dir, "env"), $"P_NODE{k}={port}\n");
        _env[$"P_NODE{k}"] = port;
        return ExternalTool.Run("bash", [Script("node.sh"), Dir, k.ToString()], timeout: TimeSpan.FromMinutes(5), environment: settings);
    }

    /// <summary>Stops node k by its recorded PID (SIGTERM, a graceful stop) and forgets the PID.</summary>
    internal void StopNode(int k)
    {
        int pid = Pid($"vospec-node-{k}");
        Assert.Equal(0, ExternalTool.Run("kill", ["-TERM", pid.ToString()]).ExitCode);
        for (int i = 0; i < 600 && Alive(pid); i++) Thread.Sleep(50);
        Assert.False(Alive(pid), $"node {k} ({pid}) still runs");
        File.Delete(Path.Combine(Dir, $"vospec-node-{k}.pid"));
    }

    private string Standby => Path.Combine(Dir, "pg", "standby");

    /// <summary>A fast shutdown of the standby (pg_ctl stop -m fast, as its owner).</summary>
    internal ExternalTool.Result StopStandby() => PgCtl(["-D", Standby, "-m", "fast", "-w", "stop"]);

    internal ExternalTool.Result StartStandby()
    {
        var port = File.ReadLines(Path.Combine(Standby, "postmaster.opts")).First().Split(' ').SkipWhile(a => a != "\"-p\"").Skip(1).First().Trim('"');
        var r = PgCtl(["-D", Standby, "-l", Path.Combine(Dir, "pg", "standby.log"), "-w", "-o", $"-p {port} -k {Path.Combine(Dir, "pg")} -c listen_addresses=127.0.0.1 -c fsync=off", "start"]);
        if (r.ExitCode == 0) File.WriteAllText(Path.Combine(Dir, "postgres-standby.pid"), File.ReadLines(Path.Combine(Standby, "postmaster.pid")).First());
        return r;
    }

    private static ExternalTool.Result PgCtl(string[] args) =>
        Environment.UserName == "root"
            ? ExternalTool.Run("runuser", ["-u", "postgres", "--", "/usr/lib/postgresql/15/bin/pg_ctl", .. args], timeout: TimeSpan.FromMinutes(2))
            : ExternalTool.Run("/usr/lib/postgresql/15/bin/pg_ctl", args, timeout: TimeSpan.FromMinutes(2));

    /// <summary>Runs SQL on the standby (psql over loopback; the nodes' connection string names it first).</summary>
    public string OnStandby(string sql) => Psql(0, sql);

    /// <summary>Runs SQL on the primary (named second).</summary>
    public string OnPrimary(string sql) => Psql(1, sql);

    private string Psql(int host, string sql)
    {
        var port = File.ReadAllText(Path.Combine(Dir, "database")).Split(';')[0].Split(',')[host].Split(':')[^1];
        var r = ExternalTool.Run("psql", ["-h", "127.0.0.1", "-p", port, "-U", "postgres", "-d", "vospec", "-Atc", sql]);
        return r.ExitCode == 0 ? r.StdOut.Trim() : throw new InvalidOperationException(r.All);
    }

    public Task DisposeAsync()
    {
        Client?.Dispose();
        var down = ExternalTool.Run("bash", [Script("down.sh"), Dir], timeout: TimeSpan.FromMinutes(2));
        _dir.Dispose();
        if (down.ExitCode != 0) throw new InvalidOperationException("down.sh failed: " + down.All);
        return Task.CompletedTask;
    }
}
