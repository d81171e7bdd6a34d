// Why this file exists: the resampler's promise — ∫ f dλ kept over any range both grids cover, zeros outside,
// ivar and masks combined sensibly — checked over random grids and on small hand-made cases.
using FsCheck;
using FsCheck.Fluent;
using VoSpec.Core.Spectra;
using Xunit;

namespace VoSpec.Engine.Tests;

public class ResamplerTests
{
    /// <summary>∫ of the source step function over [a, b], in double.</summary>
    private static double Integral(double[] edges, float[] flux, double a, double b, out double scale)
    {
        double sum = 0;
        scale = 0;
        for (int k = 0; k < flux.Length; k++)
        {
            double o = Math.Min(b, edges[k + 1]) - Math.Max(a, edges[k]);
            if (o > 0) { sum += o * flux[k]; scale += o * Math.Abs(flux[k]); }
        }
        return sum;
    }

    private static readonly Gen<(Spec Src, WavelengthGrid Dst)> Pairs =
        from src in Generators.SpecOn(Generators.AnyGrid.Where(g => g.Count >= 2))
        from dst in Gen.OneOf(
            // a destination overlapping the source: log-linear, explicit or linear, finer or coarser
            from lo in Generators.Uniform(src.Grid.First - 50, src.Grid.Last)
            from hi in Generators.Uniform(0, src.Grid.Last + 50 - lo)
            from n in Gen.Choose(1, 500)
            select (WavelengthGrid)new LogLinearGrid(Math.Log10(lo), Math.Max((Math.Log10(lo + hi + 1e-3) - Math.Log10(lo)) / Math.Max(n - 1, 1), 1e-7), n),
            Generators.Explicit.Where(g => g.Count >= 1).Select(g => (WavelengthGrid)g),
            Generators.Linear.Where(g => g.Count >= 1).Select(g => (WavelengthGrid)g))
        select (src, dst);

    [Fact]
    public void Resampling_conserves_integrated_flux()
    {
        Generators.Check(Pairs, t =>
        {
            var (src, dstGrid) = t;
            var se = PixelEdges.Of(src.Grid);
            var de = PixelEdges.Of(dstGrid);
            var dst = new float[dstGrid.Count];
            Resampler.Resample(src.Grid, src.Flux, dstGrid, dst);

            // The destination pixels fully inside the source's extent form one run; compare the integrals over it.
            int first = -1, last = -1;
            for (int j = 0; j < dst.Length; j++)
                if (de[j] >= se[0] && de[j + 1] <= se[^1] && de[j + 1] > de[j]) { if (first < 0) first = j; last = j; }
            if (first < 0) return;
            double resampled = 0;
            for (int j = first; j <= last; j++) resampled += (double)dst[j] * (de[j + 1] - de[j]);
            double original = Integral(se, src.Flux, de[first], de[last + 1], out double scale);
            Assert.True(Math.Abs(resampled - original) <= 1e-6 * scale + 1e-300,
                $"∫ over [{de[first]:R}, {de[last + 1]:R}]: original {original:R}, resampled {resampled:R}, scale {scale:R}");

            // Outside the source extent (less than half covered) the destination is zero.
            for (int j = 0; j < dst.Length; j++)
            {
                double covered = Math.Min(de[j + 1], se[^1]) - Math.Max(de[j], se[0]);
                if (de[j + 1] > de[j] && 2 * covered < de[j + 1] - de[j]) Assert.Equal(0f, dst[j]);
            }
        }, maxTest: 500);
    }

    [Fact]
    public void Resampling_onto_the_same_grid_is_the_identity()
    {
        Generators.Check(Generators.SpecOn(Generators.AnyGrid.Where(g => g.Count >= 2)), s =>
        {
            var dst = new float[s.Flux.Length];
            Resampler.Resample(s.Grid, s.Flux, s.Grid, dst);
            for (int i = 0; i < dst.Length; i++)
                Assert.True(Math.Abs(dst[i] - s.Flux[i]) <= 1e-6 * Math.Abs(s.Flux[i]), $"pixel {i}: {s.Flux[i]:R} → {dst[i]:R}");
        });
    }

    [Fact]
    public void Constant_flux_stays_constant_where_covered()
    {
        Generators.Check(Pairs, t =>
        {
            var (src, dstGrid) = t;
            var flux = Enumerable.Repeat(7.25f, src.Flux.Length).ToArray();
            var dst = new float[dstGrid.Count];
            Resampler.Resample(src.Grid, flux, dstGrid, dst);
            foreach (var v in dst) Assert.True(v == 0f || Math.Abs(v - 7.25f) < 1e-5, $"{v}");
        });
    }

    [Fact]
    public void Hand_made_rebinning()
    {
        // Source pixels 1 Å wide centred on 1..8; destination pixels 2 Å wide centred on 1.5, 3.5, ...
        var src = new ExplicitGrid([1, 2, 3, 4, 5, 6, 7, 8]);
        float[] flux = [1, 3, 5, 7, 9, 11, 13, 15];
        var dstGrid = new ExplicitGrid([1.5, 3.5, 5.5, 7.5, 9.5]);
        var dst = new float[5];
        Resampler.Resample(src, flux, dstGrid, dst);
        // Last destination pixel [8.5, 10.5] starts at the source's last edge: zero.
        Assert.Equal([2f, 6f, 10f, 14f, 0f], dst);

        float[] ivar = [1, 1, 1, 1, 4, 4, 0, 4];
        var ivarOut = new float[5];
        Resampler.ResampleIvar(src, ivar, dstGrid, ivarOut);
        Assert.Equal(2f, ivarOut[0], 5);      // two pixels of ivar 1 averaged: variance halves
        Assert.Equal(8f, ivarOut[2], 5);
        Assert.Equal(0f, ivarOut[3]);         // a bad contributing pixel makes the average bad

        int[] mask = [1, 2, 0, 0, 4, 0, 0, 8];
        var maskOut = new int[5];
        Resampler.ResampleMask(src, mask, dstGrid, maskOut);
        Assert.Equal([3, 0, 4, 8, 0], maskOut);
    }

    [Fact]
    public void Partial_coverage_is_the_average_of_the_covered_part()
    {
        var src = new ExplicitGrid([10, 11, 12]);         // extent [9.5, 12.5]
        var dstGrid = new ExplicitGrid([9, 11, 13]);      // [8, 10], [10, 12], [12, 14]
        var dst = new float[3];
        Resampler.Resample(src, [2f, 4f, 6f], dstGrid, dst);
        Assert.Equal(0f, dst[0]);                          // a quarter covered
        Assert.Equal(4f, dst[1]);
        Assert.Equal(0f, dst[2]);                          // a quarter covered
    }

    [Fact]
    public void Point_sources_and_point_destinations()
    {
        var point = new ExplicitGrid([5000.0]);
        var dstGrid = new ExplicitGrid([4990, 5000, 5010]);
        var dst = new float[3];
        Resampler.Resample(point, [42f], dstGrid, dst);
        Assert.Equal([0f, 42f, 0f], dst);

        var src = new ExplicitGrid([4990, 5000, 5010]);
        var one = new float[1];
        Resampler.Resample(src, [1f, 2f, 3f], new ExplicitGrid([5001.0]), one);
        Assert.Equal(2f, one[0]);
        Resampler.Resample(src, [1f, 2f, 3f], new ExplicitGrid([6000.0]), one);
        Assert.Equal(0f, one[0]);
    }

    [Fact]
    public void Edges_follow_the_midpoint_rule()
    {
        Assert.Equal([0.5, 1.5, 2.5, 4.0, 6.0], PixelEdges.Of(new ExplicitGrid([1, 2, 3, 5])));
        var l = new LogLinearGrid(3.6, 1e-4, 1);
        var e = PixelEdges.Of(l);
        Assert.Equal(Math.Pow(10, 3.6 + 1e-4) - Math.Pow(10, 3.6), e[1] - e[0], 9);
        var part = new double[3];
        PixelEdges.Compute(new ExplicitGrid([1, 2, 3, 5]), new PixelRange(1, 2), part);
        Assert.Equal([1.5, 2.5, 4.0], part);
    }

    [Fact]
    public void Mismatched_lengths_are_rejected()
    {
        var g = new ExplicitGrid([1, 2, 3]);
        Assert.Throws<ArgumentException>(() => Resampler.Resample(g, new float[2], g, new float[3]));
        Assert.Throws<ArgumentException>(() => Resampler.Resample(g, new float[3], g, new float[4]));
    }
}
