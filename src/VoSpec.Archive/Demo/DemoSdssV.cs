using VoSpec.Core.Spectra;
using VoSpec.Fits.Sdss;

namespace VoSpec.Archive.Demo;

/// <summary>
/// SDSS-V (v6) demo spectra, for tests where no real v6 file is at hand: the demo generator's BOSS-like spectra
/// relabelled as SDSS-V robotic-era observations (500 fibres a field, fields from <see cref="FirstField"/>, MJDs
/// 60000–60699, RUN2D v6_1_3, CATALOGIDs from <see cref="FirstCatalogId"/>). The spectrum returned is exactly what
/// <see cref="SdssSpectrumReader"/> gives back from the file <see cref="SdssV6SpecWriter"/> writes of it.
/// Field numbers stay above any SDSS-V field in use, so no demo name can coincide with a real spectrum's.
/// </summary>
public static class DemoSdssV
{
    public const int FirstField = 900001;
    public const int FibersPerField = 500;
    public const int MjdMin = 60000, MjdMax = 60699;
    public const string Run2d = "v6_1_3";
    public const long FirstCatalogId = 27_021_600_000_000_000;
    public const long FirstSdssId = 150_000_000;

    /// <summary>Largest count of v6 demo spectra one seed gives (the BOSS-like stream's).</summary>
    public const int MaxCount = DemoLayout.MaxCount / 10 * 3;

    /// <summary>The v6 demo spectrum <paramref name="index"/> and what its file says beyond <see cref="SpectrumMeta"/>.</summary>
    public static (Spectrum Spectrum, SdssV6Target Target) Generate(DemoGenerator generator, int index)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if ((uint)index >= MaxCount) throw new ArgumentOutOfRangeException(nameof(index), index, $"v6 demo index must be in [0, {MaxCount})");
        int demoIndex = 10 * (index / 3) + 7 + index % 3; // the index-th spectrum of the BOSS-like stream
        var source = generator.Generate(demoIndex);
        int exposures = generator.PlateOf(demoIndex).ExposureCount;
        int field = FirstField + index / FibersPerField, fiber = index % FibersPerField + 1;
        var rng = new DemoRandom((ulong)(uint)generator.Seed, 0x5D55F6, (ulong)field);
        int mjd = rng.NextInt(MjdMin, MjdMax);
        long catalogId = FirstCatalogId + index;
        var m = source.Meta;
        double shift = mjd - m.Mjd;
        bool star = m.Class == "STAR";
        var meta = m with
        {
            SpecObjId = SdssV6.SpecObjId(field, mjd, catalogId),
            SurveyObsId = SdssV6.ObsId(field, mjd, catalogId),
            Plate = field, Mjd = mjd, FiberId = fiber,
            Run2d = Run2d, Run1d = Run2d,
            Survey = star ? "MWM" : "BHM",
            ProgramName = star ? "mwm_galactic" : "bhm_spiders",
            TMin = m.TMin + shift, TMax = m.TMax + shift,
        };
        // The catalogue position sits 0.036″ from the fibre's (the reader must take the fibre's).
        double raCat = m.Ra + 1e-5 < 360 ? m.Ra + 1e-5 : m.Ra - 1e-5;
        return (new Spectrum { Meta = meta, Arrays = source.Arrays }, new SdssV6Target(catalogId, FirstSdssId + index, raCat, m.Dec, exposures));
    }
}
