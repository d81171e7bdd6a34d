namespace VoSpec.Archive.Demo;

/// <summary>
/// Platform-independent elementary functions for the demo generator. System.Math's transcendental
/// functions call the platform's C runtime, whose last-bit rounding may differ between
/// Windows/Linux/macOS and x64/ARM64; these use only IEEE +, −, ×, ÷, sqrt, Round and ScaleB
/// (all exactly specified), so the same inputs give bit-identical results everywhere.
/// Accuracy is a few ulp — ample for synthetic spectra, not meant as a general library.
/// </summary>
public static class DetMath
{
    private const double Ln2Hi = 6.93147180369123816490e-01; // fdlibm split of ln 2: n·Ln2Hi is exact for |n| < 2^20
    private const double Ln2Lo = 1.90821492927058770002e-10;
    private const double InvLn2 = 1.44269504088896338700e+00;
    public const double Ln10 = 2.30258509299404568402;
    public const double Pi = 3.14159265358979311600;
    private const double PiOver2Hi = 1.57079632673412561417e+00; // fdlibm pio2_1
    private const double PiOver2Lo = 6.07710050650619224932e-11; // pio2_1t
    private const double Sqrt2 = 1.41421356237309514547;
    private const double Tan15Deg = 0.26794919243112269;           // tan(π/12)
    private const double InvSqrt3 = 0.57735026918962584208;        // tan(π/6)
    private const double PiOver6 = 0.52359877559829892668;

    /// <summary>e^x.</summary>
    public static double Exp(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x > 709.78) return double.PositiveInfinity;
        if (x < -745.2) return 0.0;
        double n = Math.Round(x * InvLn2);
        double r = (x - n * Ln2Hi) - n * Ln2Lo; // |r| <= 0.3466
        // Taylor series to r^14: truncation < 1e-18 relative.
        double p = 1.0 + r * (1.0 + r * (1.0 / 2 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (1.0 / 720
                 + r * (1.0 / 5040 + r * (1.0 / 40320 + r * (1.0 / 362880 + r * (1.0 / 3628800 + r * (1.0 / 39916800
                 + r * (1.0 / 479001600 + r * (1.0 / 6227020800 + r * (1.0 / 87178291200))))))))))))));
        int k = (int)n;
        if (k < -1020) return Math.ScaleB(Math.ScaleB(p, k + 60), -60); // keep the subnormal rounding single
        return Math.ScaleB(p, k);
    }

    /// <summary>Natural logarithm (x &gt; 0; NaN for x &lt; 0, −∞ for 0).</summary>
    public static double Ln(double x)
    {
        if (double.IsNaN(x) || x < 0) return double.NaN;
        if (x == 0) return double.NegativeInfinity;
        if (double.IsPositiveInfinity(x)) return x;
        int e = 0;
        if (x < 2.2250738585072014e-308) { x *= 18014398509481984.0; e = -54; } // subnormal: scale by 2^54
        long bits = BitConverter.DoubleToInt64Bits(x);
        e += (int)((bits >> 52) & 0x7FF) - 1023;
        double m = BitConverter.Int64BitsToDouble((bits & 0x000FFFFFFFFFFFFFL) | 0x3FF0000000000000L); // [1, 2)
        if (m > Sqrt2) { m *= 0.5; e++; }
        double s = (m - 1.0) / (m + 1.0); // |s| <= 0.1716
        double s2 = s * s;
        double series = 1.0 + s2 * (1.0 / 3 + s2 * (1.0 / 5 + s2 * (1.0 / 7 + s2 * (1.0 / 9 + s2 * (1.0 / 11 + s2 * (1.0 / 13
                      + s2 * (1.0 / 15 + s2 * (1.0 / 17 + s2 * (1.0 / 19 + s2 * (1.0 / 21))))))))));
        double lnm = 2.0 * s * series;
        return e * Ln2Hi + (e * Ln2Lo + lnm);
    }

    /// <summary>log10(x).</summary>
    public static double Log10(double x) => Ln(x) / Ln10;

    /// <summary>x^y for x &gt; 0.</summary>
    public static double Pow(double x, double y) => Exp(y * Ln(x));

    /// <summary>sin x, accurate for |x| up to a few thousand radians.</summary>
    public static double Sin(double x)
    {
        double n = Math.Round(x / (Pi / 2));
        double r = (x - n * PiOver2Hi) - n * PiOver2Lo;
        return ((long)n & 3) switch { 0 => SinKernel(r), 1 => CosKernel(r), 2 => -SinKernel(r), _ => -CosKernel(r) };
    }

    /// <summary>cos x, accurate for |x| up to a few thousand radians.</summary>
    public static double Cos(double x)
    {
        double n = Math.Round(x / (Pi / 2));
        double r = (x - n * PiOver2Hi) - n * PiOver2Lo;
        return ((long)n & 3) switch { 0 => CosKernel(r), 1 => -SinKernel(r), 2 => -CosKernel(r), _ => SinKernel(r) };
    }

    private static double SinKernel(double r) // |r| <= π/4
    {
        double r2 = r * r;
        return r * (1.0 - r2 * (1.0 / 6 - r2 * (1.0 / 120 - r2 * (1.0 / 5040 - r2 * (1.0 / 362880 - r2 * (1.0 / 39916800
             - r2 * (1.0 / 6227020800 - r2 * (1.0 / 1307674368000 - r2 * (1.0 / 355687428096000)))))))));
    }

    private static double CosKernel(double r)
    {
        double r2 = r * r;
        return 1.0 - r2 * (1.0 / 2 - r2 * (1.0 / 24 - r2 * (1.0 / 720 - r2 * (1.0 / 40320 - r2 * (1.0 / 3628800
             - r2 * (1.0 / 479001600 - r2 * (1.0 / 87178291200 - r2 * (1.0 / 20922789888000 - r2 * (1.0 / 6402373705728000)))))))));
    }

    /// <summary>arctan x in (−π/2, π/2).</summary>
    public static double Atan(double x)
    {
        if (double.IsNaN(x)) return x;
        bool neg = x < 0; if (neg) x = -x;
        bool inv = x > 1; if (inv) x = 1.0 / x;
        double offset = 0;
        if (x > Tan15Deg) { x = (x - InvSqrt3) / (1.0 + x * InvSqrt3); offset = PiOver6; } // |x| <= tan 15°
        double x2 = x * x, term = x, sum = x;
        for (int k = 1; k <= 16; k++) // alternating series, |x| <= 0.268: x^35/35 < 1e-21
        {
            term *= -x2;
            sum += term / (2 * k + 1);
        }
        double a = offset + sum;
        if (inv) a = (PiOver2Hi - a) + PiOver2Lo;
        return neg ? -a : a;
    }

    /// <summary>atan2(y, x) in (−π, π].</summary>
    public static double Atan2(double y, double x)
    {
        if (x > 0) return Atan(y / x);
        if (x < 0) return y >= 0 ? Atan(y / x) + Pi : Atan(y / x) - Pi;
        return y > 0 ? Pi / 2 : y < 0 ? -Pi / 2 : 0.0;
    }

    /// <summary>arcsin z for |z| ≤ 1.</summary>
    public static double Asin(double z) => Atan2(z, Math.Sqrt((1.0 - z) * (1.0 + z)));
}
