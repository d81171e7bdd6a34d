using VoSpec.Archive.Demo;
using Xunit;

namespace VoSpec.Archive.Tests.Demo;

public class DemoRandomTests
{
    [Fact]
    public void Same_key_same_stream_and_different_keys_differ()
    {
        var a = new DemoRandom(1, 2, 3);
        var b = new DemoRandom(1, 2, 3);
        var c = new DemoRandom(1, 2, 4);
        var d = new DemoRandom(2, 2, 3);
        for (int i = 0; i < 100; i++)
        {
            ulong x = a.NextUInt64();
            Assert.Equal(x, b.NextUInt64());
            Assert.NotEqual(x, c.NextUInt64());
            Assert.NotEqual(x, d.NextUInt64());
        }
    }

    [Fact]
    public void SplitMix_matches_the_reference_sequence()
    {
        // Reference SplitMix64 with state 0: first outputs 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4.
        Assert.Equal(0xE220A8397B1DCDAFUL, DemoRandom.SplitMix(0));
        Assert.Equal(0x6E789E6AA1B965F4UL, DemoRandom.SplitMix(0x9E3779B97F4A7C15UL));
    }

    [Fact]
    public void Uniform_integer_and_gaussian_deviates_have_the_right_distribution()
    {
        var r = new DemoRandom(7);
        const int n = 200_000;
        double sum = 0, sum2 = 0, gs = 0, gs2 = 0;
        var counts = new int[5];
        for (int i = 0; i < n; i++)
        {
            double u = r.NextDouble();
            Assert.InRange(u, 0.0, 1.0 - 1e-17);
            sum += u; sum2 += u * u;
            int k = r.NextInt(5);
            counts[k]++;
            Assert.InRange(r.NextInt(3, 6), 3, 6);
            double g = r.NextGaussian();
            gs += g; gs2 += g * g;
        }
        Assert.InRange(sum / n, 0.497, 0.503);
        Assert.InRange(sum2 / n - (sum / n) * (sum / n), 1 / 12.0 - 0.002, 1 / 12.0 + 0.002);
        foreach (int c in counts) Assert.InRange(c, n / 5 * 0.97, n / 5 * 1.03);
        Assert.InRange(gs / n, -0.01, 0.01);
        Assert.InRange(gs2 / n, 0.985, 1.015);
    }
}
