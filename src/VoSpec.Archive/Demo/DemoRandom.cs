namespace VoSpec.Archive.Demo;

/// <summary>
/// xoshiro256** seeded through SplitMix64: a small, fully specified PRNG, so the demo data
/// never depend on System.Random's (changeable) algorithm. A mutable struct — pass by ref.
/// </summary>
public struct DemoRandom
{
    private ulong _s0, _s1, _s2, _s3;
    private double _spareGaussian;
    private bool _hasSpare;

    /// <summary>A generator for one independent stream, keyed by any three integers.</summary>
    public DemoRandom(ulong a, ulong b = 0, ulong c = 0)
    {
        ulong key = SplitMix(SplitMix(SplitMix(a ^ 0x5851F42D4C957F2DUL) ^ b) ^ c);
        ulong x = key;
        _s0 = Next(ref x); _s1 = Next(ref x); _s2 = Next(ref x); _s3 = Next(ref x);
        if ((_s0 | _s1 | _s2 | _s3) == 0) _s0 = 1;
        _spareGaussian = 0; _hasSpare = false;

        static ulong Next(ref ulong state) { state += 0x9E3779B97F4A7C15UL; return SplitMix(state); }
    }

    /// <summary>The SplitMix64 finaliser (a bijective 64-bit mixer).</summary>
    public static ulong SplitMix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        ulong result = RotL(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotL(_s3, 45);
        return result;
    }

    private static ulong RotL(ulong x, int k) => (x << k) | (x >> (64 - k));

    /// <summary>Uniform in [0, 1), 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / 9007199254740992.0);

    /// <summary>Uniform in [lo, hi).</summary>
    public double Uniform(double lo, double hi) => lo + (hi - lo) * NextDouble();

    /// <summary>Uniform integer in [0, n) (n &gt; 0), by Lemire's multiply-shift (bias &lt; n/2^64, irrelevant here).</summary>
    public int NextInt(int n) => (int)(((UInt128)NextUInt64() * (ulong)n) >> 64);

    /// <summary>Uniform integer in [lo, hi] inclusive.</summary>
    public int NextInt(int lo, int hi) => lo + NextInt(hi - lo + 1);

    public bool Chance(double p) => NextDouble() < p;

    /// <summary>Standard normal deviate (Marsaglia polar method with the platform-independent log).</summary>
    public double NextGaussian()
    {
        if (_hasSpare) { _hasSpare = false; return _spareGaussian; }
        double u, v, s;
        do
        {
            u = 2.0 * NextDouble() - 1.0;
            v = 2.0 * NextDouble() - 1.0;
            s = u * u + v * v;
        } while (s >= 1.0 || s == 0.0);
        double f = Math.Sqrt(-2.0 * DetMath.Ln(s) / s);
        _spareGaussian = v * f; _hasSpare = true;
        return u * f;
    }

    /// <summary>Normal deviate with the given mean and standard deviation.</summary>
    public double Gaussian(double mean, double sigma) => mean + sigma * NextGaussian();

    /// <summary>Log-uniform in [lo, hi] (both &gt; 0).</summary>
    public double LogUniform(double lo, double hi) => lo * DetMath.Exp(DetMath.Ln(hi / lo) * NextDouble());
}
