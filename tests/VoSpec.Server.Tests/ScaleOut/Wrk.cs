using VoSpec.Testing;

namespace VoSpec.Server.Tests.ScaleOut;

/// <summary>
/// Load from wrk, as issue 13 asks: <see cref="Run"/> drives C connections at a URL for a while with wrk-count.lua,
/// which GETs the given paths in turn and writes the answers by status and wrk's socket errors in done(); the counts
/// come back exact. A connection carries one request at a time, so at most C requests are in flight at any moment.
/// </summary>
internal static class Wrk
{
    private static string Script => Path.Combine(TestPaths.RepoRoot, "tests", "VoSpec.Server.Tests", "ScaleOut", "wrk-count.lua");

    /// <summary>What one wrk run saw: answers by HTTP status, and socket errors by kind.</summary>
    public sealed record Counts(long Requests, IReadOnlyDictionary<int, long> ByStatus, IReadOnlyDictionary<string, long> Errors, string Output)
    {
        public long Ok => ByStatus.GetValueOrDefault(200);

        /// <summary>Answers other than 200, and requests that got no answer (connect, read, write errors, timeouts).</summary>
        public long Failed => ByStatus.Where(s => s.Key != 200).Sum(s => s.Value) + Errors.Values.Sum();

        public override string ToString() =>
            $"{Requests} answers ({string.Join(", ", ByStatus.OrderBy(s => s.Key).Select(s => $"{s.Value} × {s.Key}"))}), socket errors: " +
            string.Join(", ", Errors.Select(e => $"{e.Key} {e.Value}"));
    }

    public static Counts Run(Uri root, IReadOnlyList<string> paths, int connections, TimeSpan duration)
    {
        ExternalTool.Require("wrk");
        using var dir = TestPaths.NewTempDir("wrk");
        var file = Path.Combine(dir.Path, "counts");
        var r = ExternalTool.Run("wrk",
            ["-t", "2", "-c", connections.ToString(), "-d", $"{(int)duration.TotalSeconds}s", "--timeout", "60s", "-s", Script, root.ToString(), "--", .. paths.Select(p => "/" + p)],
            timeout: duration + TimeSpan.FromMinutes(2), environment: new Dictionary<string, string> { ["WRK_COUNTS"] = file });
        if (r.ExitCode != 0 || !File.Exists(file)) throw new InvalidOperationException("wrk failed: " + r.All);
        var lines = File.ReadAllLines(file).Select(l => l.Split(' ')).ToList();
        return new Counts(
            long.Parse(lines.Single(l => l[0] == "requests")[1]),
            lines.Where(l => l[0].StartsWith("status.")).ToDictionary(l => int.Parse(l[0]["status.".Length..]), l => long.Parse(l[1])),
            lines.Where(l => l[0].StartsWith("errors.")).ToDictionary(l => l[0]["errors.".Length..], l => long.Parse(l[1])),
            r.StdOut);
    }
}
