namespace VoSpec.Archive.Demo;

/// <summary>
/// The common log-linear lattice every demo spectrum sits on: lattice pixel m has
/// log10(λ/Å) = 3.5500 + m·1e-4. Each spectrum's grid starts at a whole lattice pixel, so any two
/// demo spectra align by an exact pixel shift. Observed-frame tables (λ, ln λ, night sky,
/// throughput) are computed once here, with <see cref="DetMath"/>, so they are identical everywhere.
/// </summary>
public static class DemoLattice
{
    public const int OriginTenThousandths = 35500;
    public const double Log10Origin = 3.5500;
    public const double Log10Step = 1e-4;
    public const int Size = 4800; // 3548 Å … 10715 Å

    /// <summary>The grid's log10 start for lattice pixel <paramref name="m"/>: (35500 + m)/10000, the closest double to the decimal.</summary>
    public static double Log10At(int m) => (OriginTenThousandths + m) / 10000.0;

    internal static readonly double[] Lambda = new double[Size];
    internal static readonly double[] LnLambda = new double[Size];
    /// <summary>Night-sky model for a 3″ fibre at dark time (flux units), and its line part alone.</summary>
    internal static readonly double[] Sky = new double[Size];
    internal static readonly double[] SkyLines = new double[Size];
    internal static readonly double[] ThroughputSdss = new double[Size];
    internal static readonly double[] ThroughputBoss = new double[Size];

    static DemoLattice()
    {
        for (int m = 0; m < Size; m++)
        {
            LnLambda[m] = Log10At(m) * DetMath.Ln10;
            Lambda[m] = DetMath.Exp(LnLambda[m]);
        }
        BuildSky();
        BuildThroughput(ThroughputSdss, blueEdge: 3780, redEdge: 9250, dichroic: 6000, peak: 6300);
        BuildThroughput(ThroughputBoss, blueEdge: 3570, redEdge: 10460, dichroic: 6250, peak: 6800);
    }

    /// <summary>Fractional lattice position of an observed wavelength.</summary>
    internal static double PositionOf(double lambdaObs) => (DetMath.Log10(lambdaObs) - Log10Origin) / Log10Step;

    private static void BuildSky()
    {
        for (int m = 0; m < Size; m++)
        {
            double x = (Lambda[m] - 3500.0) / 7000.0;
            Sky[m] = 2.0 + 5.0 * x * x;
        }
        const double sigmaPix = 1.1;
        void Line(double lambda, double peak)
        {
            double c = PositionOf(lambda);
            int lo = Math.Max(0, (int)Math.Floor(c - 6 * sigmaPix)), hi = Math.Min(Size - 1, (int)Math.Ceiling(c + 6 * sigmaPix));
            for (int m = lo; m <= hi; m++)
            {
                double d = (m - c) / sigmaPix;
                SkyLines[m] += peak * DetMath.Exp(-0.5 * d * d);
            }
        }
        Line(DemoLines.SkyOI5579, 320);
        Line(DemoLines.SkyOI6302, 95);
        Line(DemoLines.SkyOI6365, 32);
        Line(DemoLines.SkyNaD, 45);
        Line(5897.56, 30);
        Line(4359.56, 18); // Hg (street lights)
        Line(5462.27, 24);
        Line(4047.71, 9);
        Line(5771.21, 7);
        Line(5792.27, 7);
        // OH Meinel bands: a fixed pseudo-random forest of lines, the same for every seed.
        var rng = new DemoRandom(0x0B5E55ED, 0x5C1, 7);
        (double Lo, double Hi, int N, double Max)[] bands =
        [
            (6830, 6960, 14, 120), (7230, 7420, 20, 160), (7590, 7720, 8, 60), (7740, 8030, 28, 220),
            (8280, 8510, 22, 260), (8740, 9050, 28, 300), (9300, 9560, 14, 120), (9700, 10150, 30, 320), (10150, 10600, 16, 260),
        ];
        foreach (var (lo, hi, n, max) in bands)
            for (int k = 0; k < n; k++)
                Line(rng.Uniform(lo, hi), rng.LogUniform(max / 25, max));
        for (int m = 0; m < Size; m++) Sky[m] += SkyLines[m];
    }

    private static void BuildThroughput(double[] t, double blueEdge, double redEdge, double dichroic, double peak)
    {
        double lnPeak = DetMath.Ln(peak);
        for (int m = 0; m < Size; m++)
        {
            double l = Lambda[m];
            double u = (LnLambda[m] - lnPeak) / 0.36;
            double v = 0.3 + 0.7 * DetMath.Exp(-0.5 * u * u);
            double d = (l - dichroic) / 70.0;
            v *= 1.0 - 0.45 * DetMath.Exp(-0.5 * d * d);
            v *= 1.0 / (1.0 + DetMath.Exp(-(l - blueEdge) / 25.0));
            v *= 1.0 / (1.0 + DetMath.Exp((l - redEdge) / 25.0));
            t[m] = Math.Max(v, 0.02);
        }
    }
}
