// Why this file exists: axis ticks must sit on round 1-2-5 values, stay within the asked count, and carry labels
// that tell neighbours apart without noise digits — for wavelengths (thousands of Å) and fluxes of any scale.
using VoSpec.Engine.Plotting;
using Xunit;

namespace VoSpec.Engine.Tests.Plotting;

public class AxisTicksTests
{
    [Theory]
    [InlineData(0.7, 1)]
    [InlineData(1, 1)]
    [InlineData(1.3, 2)]
    [InlineData(2.1, 5)]
    [InlineData(5.5, 10)]
    [InlineData(730, 1000)]
    [InlineData(0.00031, 0.0005)]
    [InlineData(190, 200)]
    public void Steps_are_1_2_5_times_a_power_of_ten(double rough, double expected) =>
        Assert.Equal(expected, AxisTicks.NiceStep(rough), 12);

    [Fact]
    public void Sdss_wavelengths_get_round_ticks()
    {
        var ticks = AxisTicks.Nice(3800, 10990, 12);
        Assert.Equal([4000, 5000, 6000, 7000, 8000, 9000, 10000], ticks);
        Assert.True(AxisTicks.Nice(3800, 10990, 20).Length > ticks.Length);
        Assert.Equal([4000, 4500, 5000, 5500, 6000, 6500, 7000, 7500, 8000, 8500, 9000, 9500, 10000, 10500], AxisTicks.Nice(3800, 10990, 15));
    }

    [Fact]
    public void Tick_counts_stay_within_the_limit_for_any_range()
    {
        var rng = new Random(7);
        for (int k = 0; k < 5000; k++)
        {
            double lo = (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-6, 7));
            double hi = lo + Math.Max(rng.NextDouble() * Math.Pow(10, rng.Next(-6, 7)), Math.Abs(lo) * 1e-8 + 1e-12);   // within double's reach
            int max = rng.Next(1, 15);
            var ticks = AxisTicks.Nice(lo, hi, max);
            Assert.InRange(ticks.Length, 0, max);
            Assert.All(ticks, t => Assert.InRange(t, lo - (hi - lo) * 1e-6, hi + (hi - lo) * 1e-6));
            if (ticks.Length >= 2)
            {
                double step = ticks[1] - ticks[0];
                double nice = AxisTicks.NiceStep(step * 0.999);
                Assert.Equal(nice, step, nice * 1e-6 + Math.Abs(ticks[1]) * 1e-14);   // a difference of large ticks loses digits
                var labels = ticks.Select(t => AxisTicks.Label(t, step, Math.Max(Math.Abs(ticks[0]), Math.Abs(ticks[^1])))).ToList();
                Assert.Equal(labels.Count, labels.Distinct().Count());
            }
        }
    }

    [Theory]
    [InlineData(4000, 500, "4000")]
    [InlineData(12.5, 0.5, "12.5")]
    [InlineData(-2, 1, "\u22122")]
    [InlineData(0.30000000000000004, 0.1, "0.3")]
    [InlineData(0, 0.1, "0")]
    [InlineData(-1e-17, 0.2, "0")]
    [InlineData(2e6, 1e6, "2e6")]
    [InlineData(2.5e6, 5e5, "2.5e6")]
    [InlineData(1.5e-5, 5e-6, "1.5e\u22125")]
    [InlineData(123.4567, 1e-4, "123.4567")]
    public void Labels_are_short_and_exact(double value, double step, string expected) =>
        Assert.Equal(expected, AxisTicks.Label(value, step));

    [Fact]
    public void One_axis_never_mixes_notations()
    {
        var ticks = AxisTicks.Nice(0, 0.0021, 5);   // 0, 0.0005 … 0.002
        var labels = ticks.Select(t => AxisTicks.Label(t, ticks[1] - ticks[0], ticks[^1])).ToArray();
        Assert.Equal(["0", "0.0005", "0.0010", "0.0015", "0.0020"], labels);
        ticks = AxisTicks.Nice(0, 2.1e6, 5);
        labels = ticks.Select(t => AxisTicks.Label(t, ticks[1] - ticks[0], ticks[^1])).ToArray();
        Assert.Equal(["0", "5e5", "1e6", "1.5e6", "2e6"], labels);
    }

    [Fact]
    public void Degenerate_ranges_give_no_ticks()
    {
        Assert.Empty(AxisTicks.Nice(1, 1, 5));
        Assert.Empty(AxisTicks.Nice(2, 1, 5));
        Assert.Empty(AxisTicks.Nice(double.NaN, 1, 5));
        Assert.Empty(AxisTicks.Nice(0, double.PositiveInfinity, 5));
    }
}
