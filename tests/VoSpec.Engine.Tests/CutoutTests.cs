// Why this file exists: the cutout contract (inside, maximal, "no overlap" as a value) that SODA BAND and
// getSpec cutout rely on, checked by properties over random grids and by the edge cases one by one.
using FsCheck.Fluent;
using VoSpec.Core.Spectra;
using Xunit;

namespace VoSpec.Engine.Tests;

public class CutoutTests
{
    private static readonly LogLinearGrid Sdss = new(3.5796, 1e-4, 3800);
    private static readonly ExplicitGrid Ten = new([4000, 4001, 4003, 4006, 4010, 4015, 4021, 4028, 4036, 4045]);

    // ---------------------------------------------------------------- properties

    [Fact]
    public void Cutout_is_inside_the_interval_and_maximal()
    {
        var gen = Generators.AnyGrid.SelectMany(g => Generators.IntervalFor(g).Select(iv => (g, iv)));
        Generators.Check(gen, t =>
        {
            var (grid, interval) = t;
            var result = Cutout.Find(grid, interval);
            int insideCount = 0;
            for (int i = 0; i < grid.Count; i++) if (interval.Contains(grid[i])) insideCount++;
            if (result.IsEmpty)
            {
                Assert.Equal(0, insideCount);
                return;
            }
            var r = result.Range;
            Assert.True(r.Count > 0);
            Assert.True(r.End <= grid.Count);
            for (int i = 0; i < grid.Count; i++)
                Assert.True(r.Contains(i) == interval.Contains(grid[i]),
                    $"pixel {i} at {grid[i]:R}: in range {r} = {r.Contains(i)}, in interval = {interval.Contains(grid[i])}");
            Assert.Equal(insideCount, r.Count);
        }, maxTest: 1000);
    }

    [Fact]
    public void Empty_overlap_is_a_value_never_an_exception()
    {
        var gen = Generators.AnyGrid.SelectMany(g =>
            from side in Gen.Elements(-1, 1)
            from d in Generators.Uniform(0.001, 1000)
            select (g, side, d));
        Generators.Check(gen, t =>
        {
            var (g, side, d) = t;
            if (g.Count == 0) { Assert.True(Cutout.Find(g, WavelengthInterval.All).IsEmpty); return; }
            var iv = side < 0 ? new WavelengthInterval(double.NegativeInfinity, g.First - d) : new WavelengthInterval(g.Last + d, double.PositiveInfinity);
            var result = Cutout.Find(g, iv);
            Assert.True(result.IsEmpty);
            Assert.False(result.TryGetRange(out _));
        });
    }

    [Fact]
    public void Slices_keep_values_and_wavelengths()
    {
        var gen = Generators.SpecOn(Generators.AnyGrid).SelectMany(s => Generators.IntervalFor(s.Grid).Select(iv => (s, iv)));
        Generators.Check(gen, t =>
        {
            var (s, iv) = t;
            var arrays = new SpectrumArrays { Grid = s.Grid, Flux = s.Flux, AndMask = new int[s.Grid.Count] };
            var sliced = Cutout.Slice(arrays, iv);
            if (!Cutout.Find(s.Grid, iv).TryGetRange(out var r)) { Assert.Null(sliced); return; }
            Assert.NotNull(sliced);
            sliced.Validate();
            Assert.Equal(r.Count, sliced.Count);
            Assert.True(Cutout.TryView(arrays, iv, out var view));
            for (int j = 0; j < r.Count; j++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(s.Flux[r.Start + j]), BitConverter.SingleToInt32Bits(sliced.Flux[j]));
                Assert.Equal(BitConverter.SingleToInt32Bits(s.Flux[r.Start + j]), BitConverter.SingleToInt32Bits(view.Flux[j]));
                Assert.Equal(s.Grid[r.Start + j], sliced.Grid[j], 1e-9 * s.Grid[r.Start + j]);
                Assert.Equal(s.Grid[r.Start + j], view.WavelengthAt(j));
            }
            Assert.Equal(s.Grid[r.Start], sliced.Grid.First); // bitwise for both grid kinds
        });
    }

    // ---------------------------------------------------------------- edge cases

    [Fact]
    public void Single_pixel_spectrum()
    {
        var one = new LogLinearGrid(3.6, 1e-4, 1);
        var oneExplicit = new ExplicitGrid([5000.0]);
        Assert.Equal(new PixelRange(0, 1), Cutout.Find(one, new WavelengthInterval(one[0], one[0])).Range);
        Assert.Equal(new PixelRange(0, 1), Cutout.Find(oneExplicit, new WavelengthInterval(4000, 6000)).Range);
        Assert.True(Cutout.Find(oneExplicit, new WavelengthInterval(5000.0001, 6000)).IsEmpty);
        Assert.True(Cutout.Find(oneExplicit, new WavelengthInterval(4000, 4999.9999)).IsEmpty);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(9)]
    public void Interval_touching_exactly_one_pixel(int i)
    {
        Assert.Equal(new PixelRange(i, 1), Cutout.Find(Ten, new WavelengthInterval(Ten[i], Ten[i])).Range);
        int j = i * 400;
        Assert.Equal(new PixelRange(j, 1), Cutout.Find(Sdss, new WavelengthInterval(Sdss[j], Sdss[j])).Range);
        // Just short of the pixel on either side: nothing.
        Assert.True(Cutout.Find(Sdss, new WavelengthInterval(Math.BitIncrement(Sdss[j]), Math.BitIncrement(Sdss[j]))).IsEmpty);
        Assert.True(Cutout.Find(Ten, new WavelengthInterval(Ten[i] - 0.5, Math.BitDecrement(Ten[i]))).IsEmpty);
    }

    [Fact]
    public void Interval_between_two_pixels_is_empty()
    {
        Assert.True(Cutout.Find(Ten, new WavelengthInterval(4006.5, 4009.5)).IsEmpty);
        double mid = Math.Sqrt(Sdss[100] * Sdss[101]);
        Assert.True(Cutout.Find(Sdss, new WavelengthInterval(mid, mid)).IsEmpty);
    }

    [Fact]
    public void Open_ended_intervals()
    {
        Assert.Equal(new PixelRange(0, 4), Cutout.Find(Ten, new WavelengthInterval(double.NegativeInfinity, Ten[3])).Range);
        Assert.Equal(new PixelRange(3, 7), Cutout.Find(Ten, new WavelengthInterval(Ten[3], double.PositiveInfinity)).Range);
        Assert.Equal(PixelRange.All(Ten.Count), Cutout.Find(Ten, WavelengthInterval.All).Range);
        Assert.Equal(PixelRange.All(Sdss.Count), Cutout.Find(Sdss, WavelengthInterval.All).Range);
        Assert.Equal(PixelRange.All(Sdss.Count), Cutout.Find(Sdss, new WavelengthInterval(-1, 1e300)).Range);
        var r = Cutout.Find(Sdss, new WavelengthInterval(6500, double.PositiveInfinity)).Range;
        Assert.True(Sdss[r.Start] >= 6500 && Sdss[r.Start - 1] < 6500 && r.End == Sdss.Count);
    }

    [Fact]
    public void Interval_entirely_left_or_right_of_the_data()
    {
        Assert.True(Cutout.Find(Ten, new WavelengthInterval(100, 3999.999)).IsEmpty);
        Assert.True(Cutout.Find(Ten, new WavelengthInterval(4045.001, 9000)).IsEmpty);
        Assert.True(Cutout.Find(Sdss, WavelengthInterval.FromMetres(1e-7, 2e-7)).IsEmpty);
        Assert.True(Cutout.Find(Sdss, new WavelengthInterval(20000, double.PositiveInfinity)).IsEmpty);
        Assert.True(Cutout.Find(new LogLinearGrid(3.6, 1e-4, 0), WavelengthInterval.All).IsEmpty);
    }

    [Theory]
    [InlineData(double.NaN, 5000)]
    [InlineData(4000, double.NaN)]
    [InlineData(double.NaN, double.NaN)]
    [InlineData(6000, 5000)]
    public void Invalid_interval_is_rejected(double min, double max)
    {
        Assert.Throws<ArgumentException>(() => Cutout.Find(Sdss, new WavelengthInterval(min, max)));
        Assert.Throws<ArgumentException>(() => Cutout.Find(Ten, new WavelengthInterval(min, max)));
        Assert.Throws<ArgumentException>(() => AlignmentPlan.Create([Sdss], new WavelengthInterval(min, max)));
    }

    [Fact]
    public void Cutout_result_api()
    {
        Assert.True(CutoutResult.NoOverlap.IsEmpty);
        Assert.Throws<InvalidOperationException>(() => CutoutResult.NoOverlap.Range);
        Assert.Throws<ArgumentException>(() => CutoutResult.Of(new PixelRange(3, 0)));
        var r = CutoutResult.Of(new PixelRange(3, 2));
        Assert.True(r.HasOverlap);
        Assert.Equal(4, r.Range.Last);
        Assert.NotEqual(CutoutResult.NoOverlap, r);
        Assert.Throws<ArgumentOutOfRangeException>(() => new PixelRange(-1, 2));
    }

    [Fact]
    public void View_streams_every_vector_without_copying()
    {
        var arrays = new SpectrumArrays
        {
            Grid = new LogLinearGrid(3.6, 1e-4, 10),
            Flux = Enumerable.Range(0, 10).Select(i => (float)i).ToArray(),
            Ivar = Enumerable.Range(0, 10).Select(i => (float)(i * 10)).ToArray(),
            OrMask = Enumerable.Range(0, 10).ToArray(),
        };
        var view = new SpectrumCutout(arrays, new PixelRange(2, 3));
        Assert.Equal([2f, 3f, 4f], view.Flux.ToArray());
        Assert.Equal([20f, 30f, 40f], view.Ivar.ToArray());
        Assert.Equal([2, 3, 4], view.OrMask.ToArray());
        Assert.False(view.HasSky);
        Assert.True(view.Sky.IsEmpty);
        Assert.Equal(3.6 + 3e-4, view.Log10WavelengthAt(1), 12);
        Assert.True(System.Runtime.CompilerServices.Unsafe.AreSame(
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(view.Flux), ref arrays.Flux[2]));
        var grid = Assert.IsType<LogLinearGrid>(view.Grid);
        Assert.Equal(arrays.Grid[2], grid[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpectrumCutout(arrays, new PixelRange(8, 3)));
    }
}
