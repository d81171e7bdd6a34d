using System.Diagnostics;
using VoSpec.Archive.Demo;
using VoSpec.Core.Spectra;
using VoSpec.Engine;
using VoSpec.Engine.Plotting;

namespace VoSpec.Bench;

/// <summary>
/// In-process rates of the Engine's two hot loops, which used to be printed by unit tests: aligning many spectra
/// onto one grid (the exact copy path of SDSS's shared log-linear lattice, and the resampling path) and rendering
/// previews with Cairo. Goals are stated in docs/benchmarks.md; `--samples DIR` also writes renders to look at.
/// </summary>
internal static class EngineBench
{
    public static void Run(Options o)
    {
        int rounds = o.Int("rounds", 3);
        for (int r = 0; r < rounds; r++) Align(o.Int("n", 10_000));
        Render(rounds, o.Str("samples", ""));
    }

    private static void Align(int n)
    {
        const int pixels = 4600;
        var rnd = new Random(1);
        var grids = new WavelengthGrid[n];
        for (int i = 0; i < n; i++) grids[i] = new LogLinearGrid(3.55 + rnd.Next(0, 300) * 1e-4, 1e-4, pixels - rnd.Next(0, 800));
        var flux = new float[pixels];
        var sw = Stopwatch.StartNew();
        var plan = AlignmentPlan.Create(grids, new WavelengthInterval(4000, 9000));
        var row = new float[plan.Length];
        for (int i = 0; i < n; i++)
        {
            var f = flux.AsSpan(0, grids[i].Count);
            plan.Align(i, f, row);
            plan.AlignIvar(i, f, row);
        }
        double exact = n / sw.Elapsed.TotalSeconds;

        var mixed = new WavelengthGrid[Math.Max(1, n / 5)];
        for (int i = 0; i < mixed.Length; i++) mixed[i] = new LogLinearGrid(3.55 + rnd.NextDouble() * 0.03, 1e-4, pixels - rnd.Next(0, 800));
        sw.Restart();
        var general = AlignmentPlan.Create(mixed);
        var grow = new float[general.Length];
        for (int i = 0; i < mixed.Length; i++) general.Align(i, flux.AsSpan(0, mixed[i].Count), grow);
        double resampled = mixed.Length / sw.Elapsed.TotalSeconds;
        Console.WriteLine($"| align, exact (plan + flux + ivar, {n:N0} spectra, {plan.Length} px) | {exact:N0} spectra/s | resampled ({mixed.Length:N0}, {general.Length} px) | {resampled:N0} spectra/s |");
    }

    private static void Render(int rounds, string samples)
    {
        var spectrum = new DemoGenerator(seed: 1).Generate(0);
        var input = PreviewInput.From(spectrum);
        SpectrumPlot.Warmup();
        var sw = Stopwatch.StartNew();
        SpectrumPlot.RenderPng(input, PreviewSize.Full);
        double first = sw.Elapsed.TotalMilliseconds;
        const int runs = 50;
        for (int r = 0; r < rounds; r++)
        {
            long bytes = 0;
            sw.Restart();
            for (int i = 0; i < runs; i++) bytes += SpectrumPlot.RenderPng(input, PreviewSize.Full).Length;
            double full = sw.Elapsed.TotalMilliseconds / runs;
            sw.Restart();
            for (int i = 0; i < runs; i++) SpectrumPlot.RenderPng(input, PreviewSize.Thumbnail);
            double thumb = sw.Elapsed.TotalMilliseconds / runs;
            Console.WriteLine($"| preview render ({spectrum.Arrays.Count:N0} px; first after warm-up {first:F1} ms) | full 1000×500 {full:F2} ms ({bytes / runs:N0} bytes) | thumbnail 320×200 {thumb:F2} ms |");
        }
        if (samples.Length == 0) return;
        Directory.CreateDirectory(samples);
        File.WriteAllBytes(Path.Combine(samples, "full.png"), SpectrumPlot.RenderPng(input, PreviewSize.Full));
        File.WriteAllBytes(Path.Combine(samples, "thumbnail.png"), SpectrumPlot.RenderPng(input, PreviewSize.Thumbnail));
        File.WriteAllBytes(Path.Combine(samples, "tiny.png"), SpectrumPlot.RenderPng(input, new PreviewSize(100, 80)));
        Console.WriteLine($"sample renders written to {Path.GetFullPath(samples)}");
    }
}
