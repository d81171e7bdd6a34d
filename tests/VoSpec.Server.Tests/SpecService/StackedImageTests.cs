using VoSpec.Server.SpecService;
using Xunit;

namespace VoSpec.Server.Tests.SpecService;

/// <summary>The stacked image's arithmetic against the obvious way of doing it (sorting, averaging each bin).</summary>
public class StackedImageTests
{
    private static (float[] Flux, float[] Ivar) Spectrum(int n, int seed)
    {
        var rng = new Random(seed);
        var flux = new float[n];
        var ivar = new float[n];
        for (int i = 0; i < n; i++)
        {
            flux[i] = (float)(10 * Math.Sin(i / 30.0) + rng.NextDouble() * 4 - 2);
            if (i % 7 == 0) flux[i] = flux[i - (i > 0 ? 1 : 0)];   // ties
            ivar[i] = rng.Next(10) == 0 ? 0 : 1;                     // masked pixels
        }
        if (n > 5) { flux[3] = float.NaN; ivar[3] = 1; flux[4] = float.PositiveInfinity; }
        return (flux, ivar);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(51)]
    [InlineData(4670)]
    [InlineData(10_000)]
    public void Percentiles_are_the_2nd_and_98th_of_the_sorted_valid_values(int n)
    {
        var (flux, ivar) = Spectrum(n, n);
        if (n <= 5) Array.Fill(ivar, 1f);
        var valid = flux.Where((f, i) => float.IsFinite(f) && ivar[i] > 0).OrderBy(f => f).ToList();
        var expected = (valid[(int)(0.02 * (valid.Count - 1))], valid[(int)Math.Ceiling(0.98 * (valid.Count - 1))]);
        var got = StackedImage.Percentiles(flux, ivar, new float[StackedImage.ScratchLength(n)]);
        Assert.Equal(expected, got);
        // sorted input, either way, is no worse
        var sorted = valid.ToArray();
        var ones = Enumerable.Repeat(1f, sorted.Length).ToArray();
        Assert.Equal(expected, StackedImage.Percentiles(sorted, ones, new float[StackedImage.ScratchLength(sorted.Length)]));
        Array.Reverse(sorted);
        Assert.Equal(expected, StackedImage.Percentiles(sorted, ones, new float[StackedImage.ScratchLength(sorted.Length)]));
    }

    [Fact]
    public void No_valid_pixel_gives_no_percentiles()
    {
        Assert.Null(StackedImage.Percentiles([1, 2, float.NaN], [0, 0, 1], new float[StackedImage.ScratchLength(3)]));
    }

    [Theory]
    [InlineData(4670, 4000)]
    [InlineData(4670, 300)]
    [InlineData(100, 4000)]
    [InlineData(1, 7)]
    public void Bins_are_the_mean_of_their_valid_clamped_pixels(int n, int width)
    {
        var (flux, ivar) = Spectrum(n, 3);
        float lo = -5, span = 12;
        var edges = StackedImage.BinEdges(n, width);
        var result = new float[width];
        StackedImage.Bin(flux, ivar, lo, span, edges, new double[n + 1], new int[n + 1], result);
        for (int x = 0; x < width; x++)
        {
            int a = (int)((long)x * n / width), b = Math.Max(a + 1, (int)((long)(x + 1) * n / width));
            var inBin = Enumerable.Range(a, Math.Min(b, n) - a).Where(k => float.IsFinite(flux[k]) && ivar[k] > 0)
                .Select(k => (double)Math.Clamp((flux[k] - lo) / span, 0f, 1f)).ToList();
            if (inBin.Count == 0) Assert.True(float.IsNaN(result[x]), $"bin {x}");
            else Assert.True(Math.Abs(inBin.Average() - result[x]) < 1e-5, $"bin {x}: {inBin.Average()} vs {result[x]}");
        }
    }
}
