using VoSpec.Fuzzing;

namespace VoSpec.Bench;

/// <summary>
/// The long fuzz runs (issue 10): the same generators and targets as the seeded test runs (tests/VoSpec.Fuzzing),
/// a million inputs per parser by default, one parser after another on one thread. Prints a summary line per parser
/// and every distinct finding with the input that first caused it; exits non-zero when there is any.
/// </summary>
internal static class FuzzBench
{
    public static int Run(Options o)
    {
        var targets = o.Str("target", "all");
        long n = o.Int("n", 1_000_000);
        ulong seed = (ulong)o.Int("seed", 1);
        int minutes = o.Int("minutes", 0);
        var options = new FuzzOptions
        {
            SlowLimit = TimeSpan.FromMilliseconds(o.Int("slow-ms", 2000)),
            Budget = minutes > 0 ? TimeSpan.FromMinutes(minutes) : null,
            Progress = r => Console.WriteLine("  … " + r.Summary()),
        };
        var work = Path.Combine(Path.GetTempPath(), "vospec-fuzz-" + Environment.ProcessId);
        Directory.CreateDirectory(work);
        int findings = 0;
        try
        {
            foreach (var name in targets == "all" ? FuzzSuite.Names : targets.Split(','))
            {
                // HTTP cases cost a round trip and a server-side query each: its default is smaller (see docs/reliability/fuzz.md).
                long count = name == "http" && !o.Has("n") ? 100_000 : n;
                var report = FuzzSuite.Run(name, seed, count, options, Path.Combine(work, name));
                Console.WriteLine(report);
                Console.WriteLine("  slowest input: " + (report.SlowestInput.Length > 1000 ? report.SlowestInput[..1000] + "…" : report.SlowestInput));
                if (o.Has("reasons")) Console.WriteLine("most frequent refusals:\n" + report.TopReasons());
                findings += report.Findings.Count;
            }
        }
        finally { try { Directory.Delete(work, true); } catch (IOException) { } }
        return findings == 0 ? 0 : 1;
    }
}
