using System.Diagnostics;
using System.Globalization;
using CsCheck;

namespace VoSpec.Fuzzing;

/// <summary>
/// The one loop every fuzz target runs in, so the seeded test runs and bench's long runs judge inputs alike:
/// input i of a run is generated from its own PCG stream (seed, i), so any finding can be replayed alone; an
/// exception the target calls a user error is a rejection, any other exception — or an input slower than the
/// time limit — is a finding, grouped by a signature (exception type and the frame that threw).
/// </summary>
public static class Fuzzer
{
    /// <summary>The PCG that makes input <paramref name="index"/> of a run seeded with <paramref name="seed"/>.</summary>
    public static PCG Rng(ulong seed, long index) => new((uint)(seed & 0x7fffffff) | 1, seed * 0x9E3779B97F4A7C15UL + (ulong)index);

    public static FuzzReport Run<T>(IFuzzTarget<T> target, Gen<T> gen, ulong seed, long count, FuzzOptions? options = null)
    {
        options ??= new FuzzOptions();
        var report = new FuzzReport(target.Name, seed);
        var clock = Stopwatch.StartNew();
        var lastProgress = clock.Elapsed;
        for (long i = 0; i < count; i++)
        {
            if (options.Budget is { } budget && clock.Elapsed > budget) break;
            var input = gen.Generate(Rng(seed, i), null!, out _);
            var started = clock.Elapsed;
            try
            {
                if (target.Run(input)) report.Accepted++; else report.Rejected++;
            }
            catch (Exception e) when (target.IsUserError(e)) { report.Reject(e.Message); }
            catch (Exception e) { report.Add(Signature(e), i, target.Show(input), Describe(e)); }
            var took = clock.Elapsed - started;
            // The first inputs pay for JIT compilation: they do not count as the slowest.
            if (i >= 20 && took > report.Slowest) { report.Slowest = took; report.SlowestInput = target.Show(input); }
            if (took > options.SlowLimit)
                report.Add("slow: over " + options.SlowLimit.TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s", i, target.Show(input),
                    $"took {took.TotalMilliseconds:0} ms");
            report.Inputs++;
            if (options.Progress is { } progress && clock.Elapsed - lastProgress > TimeSpan.FromSeconds(10))
            {
                lastProgress = clock.Elapsed;
                report.Elapsed = clock.Elapsed;
                progress(report);
            }
        }
        report.Elapsed = clock.Elapsed;
        return report;
    }

    /// <summary>Exception type and the first frame of the project that threw it: one line per distinct bug.</summary>
    public static string Signature(Exception e)
    {
        if (e is ISignedFinding signed) return signed.Signature;
        var frames = new StackTrace(e, false).GetFrames();
        var frame = frames.FirstOrDefault(f => f.GetMethod()?.DeclaringType?.Namespace?.StartsWith("VoSpec", StringComparison.Ordinal) == true)
            ?? frames.FirstOrDefault();
        var m = frame?.GetMethod();
        return $"{e.GetType().Name} at {m?.DeclaringType?.Name}.{m?.Name}";
    }

    public static string Describe(Exception e) =>
        $"{e.GetType().FullName}: {e.Message}\n      " + string.Join("\n      ", (e.StackTrace ?? "").Split('\n').Take(6).Select(l => l.Trim()));
}

/// <summary>A finding that knows how to group itself (an HTTP status on an endpoint, rather than the frame that threw).</summary>
public interface ISignedFinding
{
    string Signature { get; }
}

/// <summary>One parser under fuzzing: runs an input, says which exceptions are the project's answer to bad input.</summary>
public interface IFuzzTarget<in T>
{
    string Name { get; }
    /// <summary>True when the input was accepted, false when it was refused without an exception.</summary>
    bool Run(T input);
    bool IsUserError(Exception e);
    string Show(T input);
}

public sealed record FuzzOptions
{
    /// <summary>An input that takes longer than this is a finding (a hang, or work out of proportion).</summary>
    public TimeSpan SlowLimit { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Stop after this much time even if fewer inputs were run.</summary>
    public TimeSpan? Budget { get; init; }
    public Action<FuzzReport>? Progress { get; init; }
}

public sealed record Finding(string Signature, long FirstIndex, string Example, string Detail)
{
    public long Count { get; set; } = 1;
}

public sealed class FuzzReport(string target, ulong seed)
{
    private readonly Dictionary<string, Finding> _findings = [];

    public string Target { get; } = target;
    public ulong Seed { get; } = seed;
    public long Inputs { get; set; }
    public long Accepted { get; set; }
    public long Rejected { get; set; }
    public TimeSpan Elapsed { get; set; }
    /// <summary>The longest time one input took (after the first 20) and that input.</summary>
    public TimeSpan Slowest { get; set; }
    public string SlowestInput { get; set; } = "";
    public IReadOnlyCollection<Finding> Findings => _findings.Values;
    public double Rate => Inputs / Math.Max(Elapsed.TotalSeconds, 1e-9);

    private readonly Dictionary<string, long> _reasons = [];

    /// <summary>How often each kind of refusal happened (message up to its first quote or digit, 60 characters at most).</summary>
    public IReadOnlyDictionary<string, long> Reasons => _reasons;

    internal void Reject(string message)
    {
        Rejected++;
        int cut = message.IndexOfAny(['\'', '"', '(', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
        var key = (cut > 0 ? message[..cut] : message).Trim();
        if (key.Length > 60) key = key[..60];
        if (_reasons.Count < 500 || _reasons.ContainsKey(key)) _reasons[key] = _reasons.GetValueOrDefault(key) + 1;
    }

    /// <summary>The most frequent refusals, one per line.</summary>
    public string TopReasons(int n = 15) =>
        string.Join("\n", _reasons.OrderByDescending(kv => kv.Value).Take(n).Select(kv => $"  {kv.Value,9:N0}  {kv.Key}"));

    internal void Add(string signature, long index, string example, string detail)
    {
        if (_findings.TryGetValue(signature, out var f)) f.Count++;
        else _findings[signature] = new Finding(signature, index, example.Length > 2000 ? example[..2000] + "…" : example, detail);
    }

    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"{Target}: {Inputs:N0} inputs in {Elapsed.TotalSeconds:0.0} s ({Rate:N0}/s), {Accepted:N0} accepted, {Rejected:N0} refused, {Findings.Count} distinct findings, slowest input {Slowest.TotalMilliseconds:0} ms (seed {Seed})");

    /// <summary>The summary and, per finding, its signature, how often, the first input index and the input itself.</summary>
    public override string ToString()
    {
        var sb = new System.Text.StringBuilder(Summary());
        foreach (var f in _findings.Values)
            sb.Append(CultureInfo.InvariantCulture, $"\n  [{f.Count}x, first #{f.FirstIndex}] {f.Signature}\n    {f.Detail}\n    input: {f.Example}");
        return sb.ToString();
    }
}

/// <summary>A CsCheck generator written as a plain function of the random stream (the grammar walkers are easier that way).</summary>
public sealed class PcgGen<T>(Func<PCG, T> make) : Gen<T>
{
    public override T Generate(PCG pcg, Size? min, out Size size)
    {
        size = new Size(0);
        return make(pcg);
    }
}

/// <summary>Small conveniences over CsCheck's PCG.</summary>
public static class PcgExtensions
{
    public static int Int(this PCG r, int maxExclusive) => maxExclusive <= 0 ? 0 : (int)r.Next((uint)maxExclusive);
    public static int Int(this PCG r, int min, int maxExclusive) => min + r.Int(maxExclusive - min);
    /// <summary>True with the given chance in percent.</summary>
    public static bool Chance(this PCG r, int percent) => r.Next(100) < percent;
    public static T Pick<T>(this PCG r, IReadOnlyList<T> items) => items[r.Int(items.Count)];
    public static double Double(this PCG r) => (r.Next64() >> 11) * (1.0 / (1UL << 53));
}
