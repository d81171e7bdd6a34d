using VoSpec.Core.Sky;
using VoSpec.Core.Spectra;

namespace VoSpec.Archive.Demo;

/// <summary>
/// Deterministic synthetic SDSS/BOSS-like spectra for demos, tests and benchmarks.
/// <para>
/// The same (seed, index) always gives bit-identical output on any machine: all randomness comes
/// from <see cref="DemoRandom"/> (xoshiro256**) keyed by (seed, index), and all transcendental
/// functions from <see cref="DetMath"/>. Index <c>i</c> is generated on its own (random access,
/// thread-safe, parallelisable). Plates, fibres and specObjIDs are unique within one seed; plate
/// numbers (4001–5999 SDSS-like, 7801–8191 BOSS-like) with their MJDs never coincide with a real
/// SDSS spectrum's (see <see cref="DemoLayout"/>).
/// </para>
/// </summary>
public sealed class DemoGenerator
{
    public const double SpeedOfLight = 299792.458; // km/s
    /// <summary>Velocity width of one lattice pixel, c·ln10·1e-4 ≈ 69.03 km/s.</summary>
    public const double KmPerSecPerPixel = SpeedOfLight * DetMath.Ln10 * DemoLattice.Log10Step;
    public const string FluxUnit = "1E-17 erg/cm^2/s/Ang";

    private static readonly double SqrtTwoPi = Math.Sqrt(2 * DetMath.Pi);
    private static readonly double Ln5500 = DetMath.Ln(5500);
    private static readonly double Ln6000 = DetMath.Ln(6000);

    [ThreadStatic] private static double[]? t_cont;
    [ThreadStatic] private static double[]? t_model;
    [ThreadStatic] private static float[]? t_select;

    public DemoGenerator(int seed) => Seed = seed;

    public int Seed { get; }

    /// <summary>Spectra 0 … count−1, in order, generated lazily.</summary>
    public IEnumerable<Spectrum> GenerateMany(int count) => GenerateRange(0, count);

    /// <summary>Spectra start … start+count−1, in order, generated lazily.</summary>
    public IEnumerable<Spectrum> GenerateRange(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if ((long)start + count > DemoLayout.MaxCount)
            throw new ArgumentOutOfRangeException(nameof(count), $"demo indices must stay below {DemoLayout.MaxCount}");
        return Iterate(start, count);
    }

    private IEnumerable<Spectrum> Iterate(int start, int count)
    {
        for (int i = 0; i < count; i++) yield return Generate(start + i);
    }

    /// <summary>The plate spectrum <paramref name="index"/> is plugged into.</summary>
    public DemoPlate PlateOf(int index)
    {
        var (isBoss, slot, _) = DemoLayout.Locate(index);
        return DemoLayout.Plate(Seed, isBoss, slot);
    }

    /// <summary>Demo plate by number (4001–5999 SDSS-like, 7801–8191 BOSS-like).</summary>
    public DemoPlate Plate(int plateNumber)
    {
        if (plateNumber >= DemoLayout.FirstSdssPlate && plateNumber <= DemoLayout.LastSdssPlate)
            return DemoLayout.Plate(Seed, false, plateNumber - DemoLayout.FirstSdssPlate);
        if (plateNumber >= DemoLayout.FirstBossPlate && plateNumber <= DemoLayout.LastBossPlate)
            return DemoLayout.Plate(Seed, true, plateNumber - DemoLayout.FirstBossPlate);
        throw new ArgumentOutOfRangeException(nameof(plateNumber), plateNumber, "not a demo plate number");
    }

    /// <summary>The spectrum at <paramref name="index"/> (0 ≤ index &lt; <see cref="DemoLayout.MaxCount"/>).</summary>
    public Spectrum Generate(int index)
    {
        var (isBoss, slot, fiber) = DemoLayout.Locate(index);
        DemoPlate plate = DemoLayout.Plate(Seed, isBoss, slot);
        var rng = new DemoRandom((ulong)(uint)Seed, 0x0B1EC7, (ulong)index);
        var noiseRng = new DemoRandom((ulong)(uint)Seed, 0x4015E, (ulong)index);

        SkyPoint pos = DemoLayout.PointInField(ref rng, plate.Centre);

        // Grid: a whole lattice pixel start, SDSS ~3800–9200 Å, BOSS ~3600–10400 Å.
        int k, npix;
        if (isBoss) { k = rng.NextInt(20, 75); npix = rng.NextInt(4660, 4690) - k; }
        else { k = rng.NextInt(290, 345); npix = rng.NextInt(4125, 4150) - k; }
        var grid = new LogLinearGrid(DemoLattice.Log10At(k), DemoLattice.Log10Step, npix);

        var wdisp = new float[npix];
        {
            double wb = rng.Uniform(1.06, 1.14), ws = rng.Uniform(-0.06, 0.06), wq = rng.Uniform(-0.1, 0.1);
            double inv = 1.0 / (npix - 1);
            for (int i = 0; i < npix; i++)
            {
                double x = i * inv - 0.5;
                wdisp[i] = (float)(wb + ws * x + wq * x * x);
            }
        }

        double[] cont = Scratch(ref t_cont, npix);
        double[] model = Scratch(ref t_model, npix);
        var canvas = new Canvas(cont, model, k, npix, wdisp);

        string cls, subclass;
        double z, zErr;
        double u = rng.NextDouble();
        if (u < 0.6) { cls = "GALAXY"; MakeGalaxy(ref rng, ref canvas, out z, out zErr, out subclass); }
        else if (u < 0.8) { cls = "QSO"; MakeQso(ref rng, ref canvas, out z, out zErr, out subclass); }
        else { cls = "STAR"; MakeStar(ref rng, ref canvas, out z, out zErr, out subclass); }

        int zWarning = 0;
        if (rng.Chance(0.04))
        {
            double w = rng.NextDouble();
            zWarning = w < 0.6 ? SdssMaskBits.ZwSmallDeltaChi2
                     : w < 0.8 ? SdssMaskBits.ZwManyOutliers
                     : w < 0.9 ? SdssMaskBits.ZwLittleCoverage
                     : SdssMaskBits.ZwSmallDeltaChi2 | SdssMaskBits.ZwNegativeModel;
        }

        // Masks (decided before the noise so that the noise stream never depends on them).
        var andMask = new int[npix];
        var orMask = new int[npix];
        double skyFibre = plate.SkyScale * rng.Uniform(0.95, 1.05) * (isBoss ? 0.5 : 1.0);
        ApplyMasks(ref rng, k, npix, skyFibre, andMask, orMask);

        // Noise: σ² = g·(sky + object)/T + (readnoise/T)², flux = model + σ·N(0,1), ivar = 1/σ².
        double gain = (isBoss ? 0.05 : 0.08) * (2700.0 / plate.ExpTime) * rng.Uniform(0.8, 1.25);
        const double readNoise = 0.35;
        double[] throughput = isBoss ? DemoLattice.ThroughputBoss : DemoLattice.ThroughputSdss;
        double[] skyLattice = DemoLattice.Sky;
        var flux = new float[npix];
        var ivar = new float[npix];
        var sky = new float[npix];
        var modelOut = new float[npix];
        for (int i = 0; i < npix; i++)
        {
            int m = k + i;
            double t = throughput[m];
            double s = skyLattice[m] * skyFibre;
            double obj = model[i] > 0 ? model[i] : 0;
            double rn = readNoise / t;
            double variance = gain * (s + obj) / t + rn * rn;
            double g = noiseRng.NextGaussian();
            modelOut[i] = (float)model[i];
            sky[i] = (andMask[i] & SdssMaskBits.NoSky) != 0 ? 0f : (float)s;
            if ((andMask[i] & SdssMaskBits.FullReject) != 0)
            {
                ivar[i] = 0f;
                flux[i] = modelOut[i]; // interpolated over, as the pipeline does
            }
            else
            {
                ivar[i] = (float)(1.0 / variance);
                flux[i] = (float)(model[i] + Math.Sqrt(variance) * g);
            }
        }

        var arrays = new SpectrumArrays
        {
            Grid = grid, Flux = flux, Ivar = ivar, AndMask = andMask, OrMask = orMask,
            WDisp = wdisp, Sky = sky, Model = modelOut,
        };

        var meta = new SpectrumMeta
        {
            SpecObjId = SpecObjId.Pack(plate.Plate, plate.Mjd, fiber, plate.Run2dCode),
            Plate = plate.Plate, Mjd = plate.Mjd, FiberId = fiber,
            Run2d = plate.Run2d, Run1d = plate.Run1d,
            Ra = pos.Ra, Dec = pos.Dec,
            Z = z, ZErr = zErr, ZWarning = zWarning,
            Class = cls, Subclass = subclass,
            Survey = plate.Survey, ProgramName = plate.ProgramName,
            SnMedian = SnMedian(flux, ivar),
            Instrument = plate.Instrument, FiberDiameter = plate.FiberDiameter,
            ExpTime = plate.ExpTime, TMin = plate.TMin, TMax = plate.TMax,
            FluxUnit = FluxUnit,
        };
        return new Spectrum { Meta = meta, Arrays = arrays };
    }

    // ---------------------------------------------------------------- objects

    private static void MakeGalaxy(ref DemoRandom rng, ref Canvas c, out double z, out double zErr, out string subclass)
    {
        double u = rng.NextDouble();
        z = 0.01 + 0.49 * u * Math.Sqrt(u); // more nearby than distant
        zErr = rng.LogUniform(8e-6, 6e-5);
        double s = rng.NextDouble();
        subclass = s < 0.40 ? "" : s < 0.75 ? "STARFORMING" : s < 0.85 ? "STARBURST" : s < 0.95 ? "AGN" : "BROADLINE";
        bool passive = subclass.Length == 0;
        c.SetRedshift(z);

        double amp = rng.LogUniform(3, 40) * (passive ? 1.0 : 0.6);
        double beta = passive ? rng.Uniform(-0.3, 0.6) : rng.Uniform(-1.6, -0.3);
        double d4000 = passive ? rng.Uniform(0.38, 0.55) : subclass == "STARBURST" ? rng.Uniform(0.0, 0.1) : rng.Uniform(0.08, 0.28);
        double breakWidth = rng.Uniform(35, 55);
        double ln1pz = c.Ln1pz, inv1pz = 1.0 / (1.0 + z);
        double[] lam = DemoLattice.Lambda, lnLam = DemoLattice.LnLambda;
        for (int i = 0; i < c.N; i++)
        {
            int m = c.K + i;
            double rest = lam[m] * inv1pz;
            double pw = DetMath.Exp(beta * (lnLam[m] - ln1pz - Ln5500));
            double arg = (rest - 4000.0) / breakWidth;
            double step = arg > 40 ? 0 : arg < -40 ? 1 : 1.0 / (1.0 + DetMath.Exp(arg));
            c.Cont[i] = amp * pw * (1.0 - d4000 * step);
        }
        c.CopyContinuum();

        // Stellar absorption: strong in passive galaxies, weak in star-forming ones.
        double sigmaV = passive ? rng.Uniform(140, 300) : rng.Uniform(60, 140);
        double f = passive ? 1.0 : subclass == "STARBURST" ? 0.15 : 0.4;
        c.Absorb(DemoLines.CaIIK, sigmaV, 0.38 * f);
        c.Absorb(DemoLines.CaIIH, sigmaV, 0.32 * f);
        c.Absorb(DemoLines.GBand, 600, 0.18 * f);
        c.Absorb(DemoLines.MgB1, sigmaV, 0.12 * f);
        c.Absorb(DemoLines.MgB2, sigmaV, 0.14 * f);
        c.Absorb(DemoLines.MgB3, sigmaV, 0.12 * f);
        c.Absorb(DemoLines.NaD2, sigmaV, 0.12 * f);
        c.Absorb(DemoLines.NaD1, sigmaV, 0.10 * f);
        c.Absorb(DemoLines.HDelta, 400, passive ? 0.08 : 0.12);
        c.Absorb(DemoLines.HBeta, 400, passive ? 0.05 : 0.08);
        if (passive) return;

        // Nebular emission (rest-frame equivalent widths in Å).
        double ewHa, nii, o3hb, sigmaGas;
        switch (subclass)
        {
            case "STARBURST": ewHa = rng.Uniform(80, 300); nii = rng.Uniform(0.08, 0.25); o3hb = rng.Uniform(1.5, 5); sigmaGas = rng.Uniform(40, 90); break;
            case "AGN": ewHa = rng.Uniform(8, 30); nii = rng.Uniform(0.8, 1.6); o3hb = rng.Uniform(3, 10); sigmaGas = rng.Uniform(150, 300); break;
            case "BROADLINE": ewHa = rng.Uniform(10, 40); nii = rng.Uniform(0.6, 1.4); o3hb = rng.Uniform(2, 10); sigmaGas = rng.Uniform(120, 250); break;
            default: ewHa = rng.Uniform(15, 80); nii = rng.Uniform(0.2, 0.5); o3hb = rng.Uniform(0.3, 2.5); sigmaGas = rng.Uniform(40, 120); break;
        }
        double ewHb = ewHa * rng.Uniform(0.22, 0.35);
        c.Emit(DemoLines.HAlpha, sigmaGas, ewHa);
        c.Emit(DemoLines.NII6585, sigmaGas, ewHa * nii);
        c.Emit(DemoLines.NII6550, sigmaGas, ewHa * nii / 3.05);
        c.Emit(DemoLines.HBeta, sigmaGas, ewHb);
        c.Emit(DemoLines.OIII5008, sigmaGas, ewHb * o3hb);
        c.Emit(DemoLines.OIII4960, sigmaGas, ewHb * o3hb / 2.98);
        c.Emit(DemoLines.OII, sigmaGas * 1.3, ewHa * rng.Uniform(0.4, 1.0)); // unresolved doublet
        c.Emit(DemoLines.HGamma, sigmaGas, ewHb * 0.47);
        c.Emit(DemoLines.HDelta, sigmaGas, ewHb * 0.26);
        c.Emit(DemoLines.NeIII, sigmaGas, ewHb * rng.Uniform(0.05, 0.3));
        double sii = rng.Uniform(0.12, 0.25);
        c.Emit(DemoLines.SII6718, sigmaGas, ewHa * sii);
        c.Emit(DemoLines.SII6733, sigmaGas, ewHa * sii * rng.Uniform(0.7, 0.9));
        c.Emit(DemoLines.OI6302, sigmaGas, ewHa * (subclass == "AGN" ? 0.15 : 0.04));
        if (subclass == "BROADLINE")
        {
            double broad = rng.Uniform(1800, 4500) / 2.3548;
            c.Emit(DemoLines.HAlpha, broad, rng.Uniform(40, 150));
            c.Emit(DemoLines.HBeta, broad, rng.Uniform(10, 40));
        }
    }

    private static void MakeQso(ref DemoRandom rng, ref Canvas c, out double z, out double zErr, out string subclass)
    {
        z = 0.1 + 3.4 * 0.5 * (rng.NextDouble() + rng.NextDouble());
        zErr = rng.LogUniform(5e-5, 6e-4);
        subclass = rng.Chance(0.85) ? "BROADLINE" : "";
        c.SetRedshift(z);
        double alpha = Math.Clamp(rng.Gaussian(-1.5, 0.5), -3.0, 0.0);
        double amp = rng.LogUniform(2.5, 35);
        double[] lnLam = DemoLattice.LnLambda;
        for (int i = 0; i < c.N; i++)
            c.Cont[i] = amp * DetMath.Exp(alpha * (lnLam[c.K + i] - Ln5500));
        c.CopyContinuum();

        double sigma = rng.Uniform(2500, 7500) / 2.3548; // broad-line FWHM → σ, km/s
        c.Emit(DemoLines.LyAlpha, sigma * rng.Uniform(0.8, 1.25), rng.Uniform(50, 120));
        c.Emit(DemoLines.NV, sigma * rng.Uniform(0.8, 1.25), rng.Uniform(8, 25));
        c.Emit(DemoLines.SiIV, sigma * rng.Uniform(0.8, 1.25), rng.Uniform(5, 12));
        c.Emit(DemoLines.CIV, sigma * rng.Uniform(0.8, 1.25), rng.Uniform(20, 60));
        c.Emit(DemoLines.CIII, sigma * rng.Uniform(0.8, 1.25), rng.Uniform(12, 30));
        c.Emit(DemoLines.MgII, sigma * rng.Uniform(0.8, 1.25), rng.Uniform(20, 50));
        c.Emit(DemoLines.HGamma, sigma * rng.Uniform(0.8, 1.25), rng.Uniform(10, 30));
        c.Emit(DemoLines.HBeta, sigma * rng.Uniform(0.8, 1.25), rng.Uniform(40, 100));
        c.Emit(DemoLines.HAlpha, sigma * rng.Uniform(0.8, 1.25), rng.Uniform(150, 400));
        double narrow = rng.Uniform(150, 350);
        double o3 = rng.Uniform(5, 30);
        c.Emit(DemoLines.OIII5008, narrow, o3);
        c.Emit(DemoLines.OIII4960, narrow, o3 / 2.98);
        c.Emit(DemoLines.OII, narrow, rng.Uniform(1, 5));

        // Lyman-α forest blueward of Lyα: a Poisson sprinkle of unresolved absorbers, denser at high z;
        // then the Lyman-limit drop.
        double pLya = c.PixelOfRest(DemoLines.LyAlpha);
        if (pLya > 0)
        {
            double p = -1;
            double end = Math.Min(pLya, c.N);
            while (true)
            {
                double zAbs = DemoLattice.Lambda[Math.Clamp(c.K + (int)Math.Max(p, 0), 0, DemoLattice.Size - 1)] / DemoLines.LyAlpha - 1.0;
                double r = (1.0 + zAbs) / 3.0;
                double density = 0.12 * r * r * r; // absorbers per pixel
                p += -DetMath.Ln(1.0 - rng.NextDouble()) / density;
                if (p >= end) break;
                double depth = rng.LogUniform(0.05, 0.95);
                double b = rng.Uniform(15, 40); // Doppler σ, km/s
                c.AbsorbAtPixel(p, b, depth);
            }
            double pLl = c.PixelOfRest(DemoLines.LyLimit);
            if (pLl > 0)
            {
                double floor = rng.Uniform(0.05, 0.4);
                int hi = Math.Min(c.N, (int)Math.Ceiling(pLl + 30));
                for (int i = 0; i < hi; i++)
                {
                    double t = (i - pLl) / 4.0;
                    double edge = t > 40 ? 1 : t < -40 ? 0 : 1.0 / (1.0 + DetMath.Exp(-t));
                    c.Model[i] *= floor + (1 - floor) * edge;
                }
            }
        }
    }

    private static readonly (string Type, double Weight, double Teff, double Balmer, double BalmerWidth, double CaHK, double Metal)[] StarTypes =
    [
        ("A0", 0.08, 9600, 0.60, 14, 0.20, 0.05),
        ("F5", 0.15, 6500, 0.40, 6, 0.50, 0.15),
        ("F9", 0.12, 6100, 0.32, 5, 0.60, 0.20),
        ("G2", 0.15, 5800, 0.22, 4, 0.70, 0.30),
        ("K1", 0.12, 5100, 0.15, 3, 0.80, 0.42),
        ("K3", 0.08, 4700, 0.12, 3, 0.80, 0.48),
        ("K5", 0.08, 4400, 0.10, 3, 0.75, 0.52),
        ("M0", 0.10, 3900, 0.08, 3, 0.65, 0.55),
        ("M2", 0.08, 3600, 0.06, 3, 0.55, 0.55),
        ("M4", 0.04, 3250, 0.05, 3, 0.45, 0.50),
    ];

    private static void MakeStar(ref DemoRandom rng, ref Canvas c, out double z, out double zErr, out string subclass)
    {
        double u = rng.NextDouble(), acc = 0;
        var type = StarTypes[^1];
        foreach (var t in StarTypes) { acc += t.Weight; if (u < acc) { type = t; break; } }
        subclass = type.Type;
        double v = Math.Clamp(rng.Gaussian(0, 90), -290, 290);
        z = v / SpeedOfLight;
        zErr = rng.LogUniform(3e-6, 3e-5);
        c.SetRedshift(z);

        double teff = type.Teff * rng.Uniform(0.97, 1.03);
        double amp = rng.LogUniform(3, 100);
        const double hcOverK = 1.4387769e8; // Å·K
        double e6000 = DetMath.Exp(hcOverK / (6000 * teff)) - 1.0;
        double[] lam = DemoLattice.Lambda, lnLam = DemoLattice.LnLambda;
        for (int i = 0; i < c.N; i++)
        {
            int m = c.K + i;
            double planck = DetMath.Exp(-5.0 * (lnLam[m] - Ln6000)) * e6000 / (DetMath.Exp(hcOverK / (lam[m] * teff)) - 1.0);
            c.Cont[i] = amp * planck;
        }
        c.CopyContinuum();

        double Kms(double widthA, double rest) => widthA / rest * SpeedOfLight;
        double bw = type.BalmerWidth;
        foreach (double l in (ReadOnlySpan<double>)[DemoLines.HAlpha, DemoLines.HBeta, DemoLines.HGamma, DemoLines.HDelta, DemoLines.HEpsilon, DemoLines.H8])
            c.Absorb(l, Kms(bw, l), type.Balmer);
        c.Absorb(DemoLines.CaIIK, Kms(4, DemoLines.CaIIK), type.CaHK);
        c.Absorb(DemoLines.CaIIH, Kms(4, DemoLines.CaIIH), type.CaHK * 0.85);
        c.Absorb(DemoLines.GBand, Kms(7, DemoLines.GBand), type.Metal * 0.6);
        c.Absorb(DemoLines.MgB1, Kms(2, DemoLines.MgB1), type.Metal * 0.7);
        c.Absorb(DemoLines.MgB2, Kms(2, DemoLines.MgB2), type.Metal * 0.8);
        c.Absorb(DemoLines.MgB3, Kms(2, DemoLines.MgB3), type.Metal * 0.7);
        c.Absorb(DemoLines.NaD2, Kms(2, DemoLines.NaD2), type.Metal * 0.8);
        c.Absorb(DemoLines.NaD1, Kms(2, DemoLines.NaD1), type.Metal * 0.7);
        c.Absorb(DemoLines.CaT1, Kms(2.5, DemoLines.CaT1), type.Metal * 0.5);
        c.Absorb(DemoLines.CaT2, Kms(2.5, DemoLines.CaT2), type.Metal * 0.6);
        c.Absorb(DemoLines.CaT3, Kms(2.5, DemoLines.CaT3), type.Metal * 0.55);
        if (type.Type[0] == 'M')
        {
            double tio = type.Type == "M0" ? 0.25 : type.Type == "M2" ? 0.4 : 0.55; // TiO band depressions
            foreach (double l in (ReadOnlySpan<double>)[6180, 7100, 7700, 8450])
                c.Absorb(l, Kms(45, l), tio);
        }
    }

    // ---------------------------------------------------------------- masks

    private static void ApplyMasks(ref DemoRandom rng, int k, int n, double skyFibre, int[] andMask, int[] orMask)
    {
        double[] skyLines = DemoLattice.SkyLines;
        for (int i = 0; i < n; i++)
            if (skyLines[k + i] * skyFibre > 60) { andMask[i] |= SdssMaskBits.BrightSky; orMask[i] |= SdssMaskBits.BrightSky; }

        void Reject(int from, int to)
        {
            from = Math.Max(0, from); to = Math.Min(n - 1, to);
            for (int i = from; i <= to; i++) { andMask[i] |= SdssMaskBits.FullReject; orMask[i] |= SdssMaskBits.FullReject; }
            for (int i = Math.Max(0, from - 2); i <= Math.Min(n - 1, to + 2); i++)
                if ((andMask[i] & SdssMaskBits.FullReject) == 0) orMask[i] |= SdssMaskBits.NearBadPixel;
        }

        // The core of the 5579 Å line, badly subtracted in a quarter of the spectra.
        if (rng.Chance(0.25))
        {
            int c = (int)Math.Round(DemoLattice.PositionOf(DemoLines.SkyOI5579)) - k;
            Reject(c - 1, c + 1);
        }
        // A couple of short bad stretches.
        double u = rng.NextDouble();
        int stretches = u < 0.55 ? 0 : u < 0.85 ? 1 : 2;
        for (int s = 0; s < stretches; s++)
        {
            int len = rng.NextInt(2, 25), at = rng.NextInt(0, n - len);
            Reject(at, at + len - 1);
        }
        // Scattered single-exposure rejections (or_mask only).
        int partial = rng.NextInt(0, 6);
        for (int s = 0; s < partial; s++) orMask[rng.NextInt(0, n - 1)] |= SdssMaskBits.PartialReject;
        // No sky model at the very blue end, sometimes.
        if (rng.Chance(0.1))
        {
            int len = rng.NextInt(2, 8);
            for (int i = 0; i < len; i++) { andMask[i] |= SdssMaskBits.NoSky; orMask[i] |= SdssMaskBits.NoSky; }
        }
    }

    // ---------------------------------------------------------------- helpers

    private static double[] Scratch(ref double[]? buffer, int n)
    {
        if (buffer is null || buffer.Length < n) buffer = new double[Math.Max(n, DemoLattice.Size)];
        return buffer;
    }

    /// <summary>Median of flux·√ivar over pixels with ivar &gt; 0 (0 when there are none).</summary>
    internal static double SnMedian(float[] flux, float[] ivar)
    {
        float[] buf = t_select is { } b && b.Length >= flux.Length ? b : (t_select = new float[Math.Max(flux.Length, DemoLattice.Size)]);
        int n = 0;
        for (int i = 0; i < flux.Length; i++)
            if (ivar[i] > 0) buf[n++] = flux[i] * MathF.Sqrt(ivar[i]);
        if (n == 0) return 0;
        var span = buf.AsSpan(0, n);
        int mid = n / 2;
        float hi = Select(span, mid);
        if ((n & 1) == 1) return hi;
        float lo = float.NegativeInfinity;
        foreach (float v in span[..mid]) if (v > lo) lo = v; // after Select, the lower half holds the smaller values
        return 0.5 * ((double)lo + hi);
    }

    /// <summary>Quickselect (Hoare partition, median-of-three): the k-th smallest; leaves smaller values before k.</summary>
    private static float Select(Span<float> a, int k)
    {
        int lo = 0, hi = a.Length - 1;
        while (lo < hi)
        {
            int mid = lo + (hi - lo) / 2;
            if (a[mid] < a[lo]) (a[mid], a[lo]) = (a[lo], a[mid]);
            if (a[hi] < a[lo]) (a[hi], a[lo]) = (a[lo], a[hi]);
            if (a[hi] < a[mid]) (a[hi], a[mid]) = (a[mid], a[hi]);
            float pivot = a[mid];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (a[i] < pivot) i++;
                while (a[j] > pivot) j--;
                if (i <= j) { (a[i], a[j]) = (a[j], a[i]); i++; j--; }
            }
            if (k <= j) hi = j;
            else if (k >= i) lo = i;
            else break;
        }
        return a[k];
    }

    /// <summary>The working buffers of one spectrum and the operations that paint lines on them.</summary>
    private struct Canvas(double[] cont, double[] model, int k, int n, float[] wdisp)
    {
        public readonly double[] Cont = cont;
        public readonly double[] Model = model;
        public readonly int K = k;
        public readonly int N = n;
        private readonly float[] _wdisp = wdisp;
        private double _log1pz;
        public double Ln1pz;

        public void SetRedshift(double z)
        {
            Ln1pz = DetMath.Ln(1.0 + z);
            _log1pz = Ln1pz / DetMath.Ln10;
        }

        public readonly void CopyContinuum() => Array.Copy(Cont, Model, N);

        /// <summary>Fractional pixel (on this spectrum's grid) of a rest wavelength at the current redshift.</summary>
        public readonly double PixelOfRest(double restLambda) =>
            (DetMath.Log10(restLambda) + _log1pz - DemoLattice.Log10At(K)) / DemoLattice.Log10Step;

        private readonly double SigmaPixels(double centre, double sigmaKms)
        {
            double w = _wdisp[Math.Clamp((int)centre, 0, N - 1)];
            double v = sigmaKms / KmPerSecPerPixel;
            return Math.Sqrt(v * v + w * w);
        }

        /// <summary>Gaussian emission of rest equivalent width <paramref name="ewRest"/> Å on the continuum.</summary>
        public readonly void Emit(double restLambda, double sigmaKms, double ewRest)
        {
            double p = PixelOfRest(restLambda);
            double sig = SigmaPixels(p, sigmaKms);
            if (p < -6 * sig || p > N - 1 + 6 * sig) return;
            double contAt = Cont[Math.Clamp((int)Math.Round(p), 0, N - 1)];
            double peak = contAt * ewRest / (sig * restLambda * DetMath.Ln10 * DemoLattice.Log10Step * SqrtTwoPi);
            int lo = Math.Max(0, (int)Math.Floor(p - 6 * sig)), hi = Math.Min(N - 1, (int)Math.Ceiling(p + 6 * sig));
            double inv = 1.0 / sig;
            for (int i = lo; i <= hi; i++)
            {
                double d = (i - p) * inv;
                Model[i] += peak * DetMath.Exp(-0.5 * d * d);
            }
        }

        /// <summary>Multiplicative Gaussian absorption of central depth <paramref name="depth"/> (0–1).</summary>
        public readonly void Absorb(double restLambda, double sigmaKms, double depth) =>
            AbsorbAtPixel(PixelOfRest(restLambda), sigmaKms, depth);

        public readonly void AbsorbAtPixel(double p, double sigmaKms, double depth)
        {
            if (depth <= 0) return;
            double sig = SigmaPixels(p, sigmaKms);
            if (p < -6 * sig || p > N - 1 + 6 * sig) return;
            int lo = Math.Max(0, (int)Math.Floor(p - 6 * sig)), hi = Math.Min(N - 1, (int)Math.Ceiling(p + 6 * sig));
            double inv = 1.0 / sig;
            for (int i = lo; i <= hi; i++)
            {
                double d = (i - p) * inv;
                Model[i] *= 1.0 - depth * DetMath.Exp(-0.5 * d * d);
            }
        }
    }
}
