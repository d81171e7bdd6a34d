using VoSpec.Archive.Demo;
using Xunit;

namespace VoSpec.Archive.Tests.Demo;

public class DetMathTests
{
    private static void Close(double expected, double actual, double relTol = 4e-16, double absTol = 0)
    {
        double tol = Math.Max(absTol, relTol * Math.Abs(expected));
        Assert.True(Math.Abs(expected - actual) <= tol, $"expected {expected:R}, got {actual:R} (diff {expected - actual:R})");
    }

    [Fact]
    public void Exp_matches_Math_Exp()
    {
        for (double x = -700; x <= 700; x += 0.37) Close(Math.Exp(x), DetMath.Exp(x), 1e-15);
        for (double x = -2; x <= 2; x += 0.001) Close(Math.Exp(x), DetMath.Exp(x), 3e-16);
        Assert.Equal(1.0, DetMath.Exp(0));
        Assert.Equal(0.0, DetMath.Exp(-800));
        Assert.True(double.IsPositiveInfinity(DetMath.Exp(800)));
        Assert.True(DetMath.Exp(-740) > 0); // subnormal range
    }

    [Fact]
    public void Ln_matches_Math_Log()
    {
        for (double x = 1e-300; x < 1e300; x *= 1.7) Close(Math.Log(x), DetMath.Ln(x), 3e-16, 3e-16);
        for (double x = 0.5; x <= 2; x += 0.0007) Close(Math.Log(x), DetMath.Ln(x), 4e-16, 2e-16);
        Assert.Equal(0.0, DetMath.Ln(1.0));
        Close(Math.Log(5e-320), DetMath.Ln(5e-320), 1e-15);
        Assert.True(double.IsNegativeInfinity(DetMath.Ln(0)));
        Assert.True(double.IsNaN(DetMath.Ln(-1)));
        Close(Math.Log10(6564.61), DetMath.Log10(6564.61), 4e-16);
    }

    [Fact]
    public void Trigonometry_matches_Math()
    {
        for (double x = -20; x <= 20; x += 0.0031)
        {
            Close(Math.Sin(x), DetMath.Sin(x), 1e-15, 1e-16);
            Close(Math.Cos(x), DetMath.Cos(x), 1e-15, 1e-16);
            Close(Math.Atan(x), DetMath.Atan(x), 1e-15);
        }
        for (double z = -1; z <= 1; z += 0.00093) Close(Math.Asin(z), DetMath.Asin(z), 1e-15, 1e-16);
        Close(Math.PI / 2, DetMath.Asin(1.0), 2e-16);
        Close(-Math.PI / 2, DetMath.Asin(-1.0), 2e-16);
        foreach (var (y, x) in new[] { (1.0, 1.0), (1.0, -1.0), (-1.0, -1.0), (-1.0, 1.0), (0.0, -1.0), (1e-9, -1.0), (-1e-9, -1.0), (3.0, 0.0), (-3.0, 0.0) })
            Close(Math.Atan2(y, x), DetMath.Atan2(y, x), 1e-15);
    }

    [Fact]
    public void Results_are_pinned_bit_for_bit()
    {
        // These exact bits are what every platform must produce; they guard the demo data's reproducibility.
        // (Exp(1) is one ulp above the correctly rounded e: DetMath is deterministic, not correctly rounded.)
        Assert.Equal(0x4005BF0A8B14576AL, BitConverter.DoubleToInt64Bits(DetMath.Exp(1.0)));
        Assert.Equal(0x40026BB1BBB55516L, BitConverter.DoubleToInt64Bits(DetMath.Ln(10.0)));
    }
}
