// Why this file exists: FsCheck generators for random grids, flux vectors and intervals, shared by the
// property tests, plus a tiny runner (FsCheck.Xunit is not available here).
using FsCheck;
using FsCheck.Fluent;
using VoSpec.Core.Spectra;

namespace VoSpec.Engine.Tests;

/// <summary>A spectrum for property tests, with a readable description for failure reports.</summary>
public sealed record Spec(WavelengthGrid Grid, float[] Flux)
{
    public override string ToString() => $"{Generators.Describe(Grid)} flux[{Flux.Length}]";
}

public static class Generators
{
    public static string Describe(WavelengthGrid g) => g switch
    {
        LogLinearGrid l => $"LogLinear(start={l.Log10Start:R}, step={l.Log10Step:R}, n={l.Count})",
        LinearGrid l => $"Linear(start={l.Start:R}, step={l.Step:R}, n={l.Count})",
        ExplicitGrid e => $"Explicit(n={e.Count}: {string.Join(", ", e.Values.ToArray().Take(6).Select(v => v.ToString("R")))}{(e.Count > 6 ? ", …" : "")})",
        _ => g.ToString() ?? "",
    };

    /// <summary>Runs a property, throwing with the counter-example on failure.</summary>
    public static void Check<T>(Gen<T> gen, Action<T> property, int maxTest = 300)
    {
        var prop = Prop.ForAll(gen.ToArbitrary(), property);
        FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(maxTest), prop);
    }

    public static Gen<double> Uniform(double lo, double hi) =>
        Gen.Choose(0, 1_000_000).Select(i => lo + (hi - lo) * (i / 1_000_000.0));

    public static readonly Gen<double> Steps = Gen.Elements(1e-4, 6.9e-5, 2.5e-4, 1e-3);

    public static Gen<int> Counts(int min, int max) => Gen.Frequency(
        (1, Gen.Constant(min)),
        (1, Gen.Choose(min, Math.Min(min + 3, max))),
        (6, Gen.Choose(min, max)));

    public static readonly Gen<LogLinearGrid> LogLinear =
        from start in Uniform(3.5, 3.7)
        from step in Steps
        from n in Counts(0, 400)
        select new LogLinearGrid(start, step, n);

    public static readonly Gen<ExplicitGrid> Explicit =
        from start in Uniform(3000, 5000)
        from n in Counts(0, 300)
        from incs in Gen.ArrayOf(Uniform(0.05, 4.0), Math.Max(n - 1, 0))
        select MakeExplicit(start, n, incs);

    private static ExplicitGrid MakeExplicit(double start, int n, double[] incs)
    {
        var w = new double[n];
        double x = start;
        for (int i = 0; i < n; i++) { w[i] = x; if (i < incs.Length) x += incs[i]; }
        return new ExplicitGrid(w);
    }

    /// <summary>Linear in Å, DESI-like steps (0.8 Å) and others.</summary>
    public static readonly Gen<LinearGrid> Linear =
        from start in Uniform(3000, 5000)
        from step in Gen.Elements(0.8, 0.25, 1.0, 2.7)
        from n in Counts(0, 400)
        select new LinearGrid(start, step, n);

    public static readonly Gen<WavelengthGrid> AnyGrid = Gen.OneOf(LogLinear.Select(g => (WavelengthGrid)g), Explicit.Select(g => (WavelengthGrid)g),
        Linear.Select(g => (WavelengthGrid)g));

    /// <summary>Flux values: mostly ordinary numbers, sometimes 0, negative, huge or tiny.</summary>
    public static readonly Gen<float> FluxValue = Gen.Frequency(
        (8, Uniform(-50, 200).Select(v => (float)v)),
        (1, Gen.Elements(0f, -0f, 1e-30f, -3e30f, 1f)));

    public static Gen<float[]> FluxFor(int n) => Gen.ArrayOf(FluxValue, n);

    public static Gen<Spec> SpecOn(Gen<WavelengthGrid> grids) =>
        from g in grids
        from f in FluxFor(g.Count)
        select new Spec(g, f);

    /// <summary>One end of an interval relative to a grid: infinite, exactly a pixel's wavelength, or anywhere around the data.</summary>
    public static Gen<double> EndFor(WavelengthGrid g)
    {
        double lo = g.Count > 0 ? g.First : 4000, hi = g.Count > 0 ? g.Last : 6000;
        double pad = Math.Max(hi - lo, 10) * 0.3;
        var gens = new List<(int, Gen<double>)>
        {
            (1, Gen.Constant(double.NegativeInfinity)),
            (1, Gen.Constant(double.PositiveInfinity)),
            (6, Uniform(lo - pad, hi + pad)),
        };
        if (g.Count > 0) gens.Add((3, Gen.Choose(0, g.Count - 1).Select(i => g[i])));
        return Gen.Frequency(gens);
    }

    public static Gen<WavelengthInterval> IntervalFor(WavelengthGrid g) =>
        from a in EndFor(g)
        from b in EndFor(g)
        select new WavelengthInterval(Math.Min(a, b), Math.Max(a, b));

    /// <summary>A set of log-linear spectra sharing one step, starts a whole number of pixels apart (the SDSS case).</summary>
    public static readonly Gen<Spec[]> ExactSet =
        from step in Steps
        from baseStart in Uniform(3.5, 3.6)
        from k in Gen.Choose(1, 8)
        from specs in Gen.ArrayOf(
            from offset in Gen.Choose(-300, 300)
            from n in Counts(1, 400)
            from f in FluxFor(n)
            select new Spec(new LogLinearGrid(baseStart + offset * step, step, n), f), k)
        select specs;

    /// <summary>Any mixture: log-linear with fractional offsets or other steps, explicit grids, empty ones.</summary>
    public static readonly Gen<Spec[]> MixedSet =
        from k in Gen.Choose(1, 6)
        from specs in Gen.ArrayOf(SpecOn(Gen.OneOf(
            LogLinear.Select(g => (WavelengthGrid)g),
            Explicit.Select(g => (WavelengthGrid)g))), k)
        select specs;

    /// <summary>An interval drawn around a set of spectra (ends infinite, on a pixel, or anywhere nearby).</summary>
    public static Gen<WavelengthInterval> IntervalForSet(Spec[] specs)
    {
        var nonEmpty = specs.Where(s => s.Grid.Count > 0).ToArray();
        if (nonEmpty.Length == 0) return IntervalFor(new LogLinearGrid(3.6, 1e-4, 0));
        return Gen.Elements(nonEmpty).SelectMany(s1 => Gen.Elements(nonEmpty).SelectMany(s2 =>
            from a in EndFor(s1.Grid)
            from b in EndFor(s2.Grid)
            select new WavelengthInterval(Math.Min(a, b), Math.Max(a, b))));
    }
}
