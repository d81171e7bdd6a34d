using VoSpec.Core.Sky;

namespace VoSpec.Archive.Demo;

/// <summary>One demo plate: everything shared by the fibres plugged into it.</summary>
public sealed record DemoPlate
{
    public required int Plate { get; init; }
    public required int Mjd { get; init; }
    /// <summary>True for a BOSS plate (1000 fibres, 2″), false for an SDSS-I/II one (640 fibres, 3″).</summary>
    public required bool IsBoss { get; init; }
    public required SkyPoint Centre { get; init; }
    public required string ProgramName { get; init; }
    public required int ExposureCount { get; init; }
    public required double ExpTime { get; init; }
    public required double TMin { get; init; }
    public required double TMax { get; init; }
    /// <summary>Sky brightness relative to dark time (moon, airmass).</summary>
    public required double SkyScale { get; init; }

    public string Instrument => IsBoss ? "BOSS" : "SDSS";
    public string Survey => IsBoss ? "boss" : "sdss";
    public string Run2d => IsBoss ? "v5_13_2" : "26";
    public string Run1d => IsBoss ? "v5_13_2" : "";
    /// <summary>The specObjID run2d field: 26 for run2d '26'; (N−5)·10000 + M·100 + P for vN_M_P, i.e. 1302.</summary>
    public int Run2dCode => IsBoss ? 1302 : 26;
    public int FiberCount => IsBoss ? DemoLayout.BossFibersPerPlate : DemoLayout.SdssFibersPerPlate;
    public double FiberDiameter => IsBoss ? 2.0 : 3.0;
    /// <summary>Radius (degrees) of the cap the fibres are drawn from.</summary>
    public double FieldRadius => DemoLayout.FieldRadiusDeg;
}

/// <summary>
/// How spectrum indices map onto plates and fibres. Indices come in blocks of ten: the first seven
/// go to the SDSS stream, the last three to the BOSS stream (70 % / 30 %); each stream fills its plates
/// fibre by fibre. So index → (plate, fibre) is pure arithmetic, unique, and needs no other index.
/// </summary>
public static class DemoLayout
{
    public const int SdssFibersPerPlate = 640;
    public const int BossFibersPerPlate = 1000;
    // Plate numbers stay below 8192 so that specObjIDs stay positive (plate occupies bits 50–63) and sort
    // like real ones. SDSS-like demo plates carry pre-BOSS MJDs (51580–54660) but numbers only BOSS used
    // (real SDSS-I/II plates are < 3510), BOSS-like ones MJDs before those numbers were in use; so no
    // (plate, mjd) — hence no spec file name or specObjID — can coincide with a real SDSS spectrum, and
    // none of the plates of the real test files (266 … 7340) is used at all.
    public const int FirstSdssPlate = 4001;
    public const int LastSdssPlate = 5999;
    public const int FirstBossPlate = 7801;
    public const int LastBossPlate = 8191;
    public const int SdssMjdMin = 51580, SdssMjdMax = 54660;
    public const int BossMjdMin = 55170, BossMjdMax = 56699;
    public const double FieldRadiusDeg = 1.49;

    /// <summary>Largest count of spectra one seed can give (the BOSS-like demo plates run out first).</summary>
    public const int MaxCount = 1_303_330;

    /// <summary>(is BOSS, plate slot within its stream, fibre id 1-based) of a spectrum index.</summary>
    public static (bool IsBoss, int Slot, int FiberId) Locate(int index)
    {
        if ((uint)index >= MaxCount) throw new ArgumentOutOfRangeException(nameof(index), index, $"demo index must be in [0, {MaxCount})");
        int q = index / 10, r = index % 10;
        if (r < 7)
        {
            int s = 7 * q + r;
            return (false, s / SdssFibersPerPlate, s % SdssFibersPerPlate + 1);
        }
        int b = 3 * q + (r - 7);
        return (true, b / BossFibersPerPlate, b % BossFibersPerPlate + 1);
    }

    /// <summary>The plate number of a stream's slot.</summary>
    public static int PlateNumber(bool isBoss, int slot) => (isBoss ? FirstBossPlate : FirstSdssPlate) + slot;

    /// <summary>The plate's description for a seed (deterministic; depends only on seed and plate).</summary>
    public static DemoPlate Plate(int seed, bool isBoss, int slot)
    {
        int plate = PlateNumber(isBoss, slot);
        var rng = new DemoRandom((ulong)(uint)seed, 0x91A7E, (ulong)plate);
        SkyPoint centre = PlateCentre(ref rng, isBoss, slot);
        int mjd = isBoss ? rng.NextInt(BossMjdMin, BossMjdMax) : rng.NextInt(SdssMjdMin, SdssMjdMax);
        string program;
        double p = rng.NextDouble();
        if (isBoss) program = p < 0.85 ? "boss" : "ancillary";
        else program = p < 0.8 ? "legacy" : p < 0.92 ? "segue1" : "special";
        int nExp = rng.NextInt(3, 6);
        double expTime = Math.Clamp(Math.Round(nExp * rng.Uniform(899.0, 901.0) * 10) / 10, 2700.0, 5400.0);
        double tMin = mjd + rng.Uniform(0.08, 0.35);
        double tMax = tMin + (expTime + (nExp - 1) * rng.Uniform(90.0, 240.0)) / 86400.0;
        double skyScale = rng.Chance(0.7) ? rng.Uniform(0.8, 1.15) : rng.Uniform(1.15, 2.2);
        return new DemoPlate
        {
            Plate = plate, Mjd = mjd, IsBoss = isBoss, Centre = centre, ProgramName = program,
            ExposureCount = nExp, ExpTime = expTime, TMin = tMin, TMax = tMax, SkyScale = skyScale,
        };
    }

    private static SkyPoint PlateCentre(ref DemoRandom rng, bool isBoss, int slot)
    {
        // A few fixed cases, so even small demo sets exercise the awkward geometry.
        if (!isBoss && slot == 0) return Region(ref rng, 120, 240, -2.5, 2.5);
        if (!isBoss && slot == 1) return Region(ref rng, -0.6, 0.6, -1.0, 1.0); // straddles RA 0/360
        if (!isBoss && slot == 2) return Region(ref rng, 0, 360, 88.6, 89.2);   // fibres cross the pole
        if (isBoss && slot == 0) return Region(ref rng, 0, 360, 72, 82);        // high declination
        if (isBoss && slot == 1) return Region(ref rng, -0.8, 0.8, -1.0, 1.0);
        double u = rng.NextDouble();
        if (u < 0.35) return Region(ref rng, 120, 240, -2.5, 2.5);   // equatorial stripe
        if (u < 0.65) return Region(ref rng, 110, 260, 5, 65);       // northern cap
        if (u < 0.85) return Region(ref rng, -50, 60, -1.25, 1.25);  // Stripe 82, across RA 0
        if (u < 0.95) return Region(ref rng, 0, 360, -10, 70);       // elsewhere
        return Region(ref rng, 0, 360, 70, 87);                      // high declination
    }

    /// <summary>Uniform on the sphere within an RA/Dec box (RA may start below 0).</summary>
    private static SkyPoint Region(ref DemoRandom rng, double ra0, double ra1, double dec0, double dec1)
    {
        double ra = rng.Uniform(ra0, ra1);
        if (ra < 0) ra += 360;
        if (ra >= 360) ra -= 360;
        double s0 = DetMath.Sin(dec0 * DetMath.Pi / 180), s1 = DetMath.Sin(dec1 * DetMath.Pi / 180);
        double dec = DetMath.Asin(rng.Uniform(s0, s1)) * 180 / DetMath.Pi;
        return new SkyPoint(ra, dec);
    }

    private static readonly double CosFieldRadius = DetMath.Cos(FieldRadiusDeg * DetMath.Pi / 180);

    /// <summary>A point uniform on the spherical cap of radius <see cref="FieldRadiusDeg"/> around <paramref name="centre"/>.</summary>
    public static SkyPoint PointInField(ref DemoRandom rng, SkyPoint centre)
    {
        const double d2r = DetMath.Pi / 180;
        double ra = centre.Ra * d2r, dec = centre.Dec * d2r;
        double cr = DetMath.Cos(ra), sr = DetMath.Sin(ra), cd = DetMath.Cos(dec), sd = DetMath.Sin(dec);
        double cosT = 1.0 - rng.NextDouble() * (1.0 - CosFieldRadius);
        double sinT = Math.Sqrt((1.0 - cosT) * (1.0 + cosT));
        double a, b, s;
        do { a = 2 * rng.NextDouble() - 1; b = 2 * rng.NextDouble() - 1; s = a * a + b * b; } while (s > 1 || s < 1e-12);
        double norm = 1.0 / Math.Sqrt(s);
        double cp = a * norm, sp = b * norm;
        // centre c, east e = (−sin α, cos α, 0), north n = (−sin δ cos α, −sin δ sin α, cos δ)
        double x = cosT * cd * cr + sinT * (cp * -sr + sp * -sd * cr);
        double y = cosT * cd * sr + sinT * (cp * cr + sp * -sd * sr);
        double z = cosT * sd + sinT * (sp * cd);
        double outRa = DetMath.Atan2(y, x) / d2r;
        if (outRa < 0) outRa += 360;
        if (outRa >= 360) outRa -= 360;
        double outDec = DetMath.Asin(Math.Clamp(z / Math.Sqrt(x * x + y * y + z * z), -1.0, 1.0)) / d2r;
        return new SkyPoint(outRa, outDec);
    }
}
