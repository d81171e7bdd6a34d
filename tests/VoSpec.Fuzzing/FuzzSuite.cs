using VoSpec.Server.Hosting;

namespace VoSpec.Fuzzing;

/// <summary>Every fuzz target by name, set up the same way for the seeded tests and for bench's long runs.</summary>
public static class FuzzSuite
{
    public static readonly string[] Names = ["adql", "fits", "votable", "cond", "http"];

    /// <param name="workDir">Scratch space (a demo archive, a server's archive); created, not removed.</param>
    public static FuzzReport Run(string name, ulong seed, long count, FuzzOptions options, string workDir)
    {
        Directory.CreateDirectory(workDir);
        switch (name)
        {
            case "adql":
            {
                using var archive = AdqlTarget.CreateArchive(Path.Combine(workDir, "archive"));
                return Fuzzer.Run(new AdqlTarget(archive), AdqlGenerator.Queries, seed, count, options);
            }
            case "adql-grammar":
            {
                // The grammar walks alone, unmutated: how much of the generated ADQL gets through to SQLite.
                using var archive = AdqlTarget.CreateArchive(Path.Combine(workDir, "archive"));
                return Fuzzer.Run(new AdqlTarget(archive), AdqlGenerator.GrammarOnly, seed, count, options);
            }
            case "fits": return Fuzzer.Run(new FitsTarget(), FitsGenerator.Files, seed, count, options);
            case "votable":
            {
                using var target = new VOTableTarget();
                return Fuzzer.Run(target, VOTableGenerator.Documents, seed, count, options);
            }
            case "cond":
            {
                using var archive = AdqlTarget.CreateArchive(Path.Combine(workDir, "archive"));
                return Fuzzer.Run(new CondTarget(archive), CondGenerator.Parameters, seed, count, options);
            }
            case "http":
            {
                var app = HttpTarget.StartServerAsync(Path.Combine(workDir, "archive")).GetAwaiter().GetResult();
                try
                {
                    using var client = new HttpClient { BaseAddress = new Uri(VoSpecHost.BaseUrls(app)[0]), Timeout = TimeSpan.FromSeconds(60) };
                    var target = new HttpTarget(client);
                    var report = Fuzzer.Run(target, HttpGenerator.Cases(HttpTarget.Ids(client)), seed, count, options);
                    if (!target.Alive()) report.Add("server down at the end", report.Inputs, "", "the server did not answer /tap/availability after the run");
                    return report;
                }
                finally { app.StopAsync().GetAwaiter().GetResult(); app.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
            }
            default: throw new ArgumentException($"unknown fuzz target '{name}' (known: {string.Join(", ", Names)})");
        }
    }
}
