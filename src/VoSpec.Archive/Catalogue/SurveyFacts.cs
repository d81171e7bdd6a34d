using VoSpec.Core.Spectra;

namespace VoSpec.Archive.Catalogue;

/// <summary>
/// The ObsCore values that differ by survey, told from the spectrum's instrument (SpectrumMeta.Instrument):
/// telescope, typical resolving power, whether the flux is absolutely calibrated, the survey's own
/// spelling of its flux unit, and the prefix of its target designations. SDSS and BOSS are the default.
/// </summary>
internal sealed record SurveyFacts(string Facility, double ResolvingPower, string? FluxUnit, string? VoFluxUnit, string Designation)
{
    private static readonly SurveyFacts Sdss = new("SDSS 2.5m", 2000.0, null, SpectrumUnits.Flux, "SDSS");

    /// <summary>The Mayall 4 m at Kitt Peak; DESI's arms resolve 2000 (blue) to 5500 (near infrared).</summary>
    private static readonly SurveyFacts Desi = new("Mayall 4m", 3500.0, null, SpectrumUnits.Flux, "DESI");

    /// <summary>The Guoshoujing telescope (LAMOST); its low-resolution spectra are only relatively flux-calibrated, so no physical unit.</summary>
    private static readonly SurveyFacts Lamost = new("LAMOST", 1800.0, VoSpec.Fits.Lamost.LamostConventions.FluxUnit, null, "LAMOST");

    public static SurveyFacts Of(string instrument) => instrument switch
    {
        VoSpec.Fits.Desi.DesiConventions.Instrument => Desi,
        VoSpec.Fits.Lamost.LamostConventions.Instrument => Lamost,
        _ => Sdss,
    };
}
