using VoSpec.Core.Spectra;

namespace VoSpec.Archive.Catalogue;

/// <summary>
/// What differs by survey, told from the spectrum's instrument (SpectrumMeta.Instrument) or from the collection ingest
/// put it in: the ObsCore facility, typical resolving power, the survey's own spelling of its flux unit (null: the
/// file's BUNIT), the flux unit as a VOUnit (null: relative flux, no physical unit), the survey's short name (target
/// designations' prefix and SSA's creator), the TELESCOP card the server's FITS files carry and how the flux is
/// calibrated (SSA's FluxAxis.Calibration). SDSS and BOSS are the default.
/// </summary>
public sealed record SurveyFacts(string Facility, double ResolvingPower, string? FluxUnit, string? VoFluxUnit, string Designation, string Telescope)
{
    /// <summary>The instrument of the survey's spectra (SpectrumMeta.Instrument); null for SDSS, which has two (SDSS, BOSS).</summary>
    public string? Instrument { get; private init; }

    /// <summary>The survey's own catalogue in schemas/ (desi.fibermap, lamost.lrs); null for SDSS, whose is spec.specobj.</summary>
    public VoSpec.Core.Schema.TableSchema? Table => Instrument is null ? null : VoSpec.Core.Schema.SchemaCatalog.SurveyTables.FirstOrDefault(t => t.Survey == Instrument);

    private static readonly SurveyFacts Sdss = new("SDSS 2.5m", 2000.0, null, SpectrumUnits.Flux, "SDSS", "SDSS 2.5-M");

    /// <summary>The Mayall 4 m at Kitt Peak; DESI's arms resolve 2000 (blue) to 5500 (near infrared).</summary>
    private static readonly SurveyFacts Desi = new("Mayall 4m", 3500.0, VoSpec.Fits.Desi.DesiConventions.FluxUnit, SpectrumUnits.Flux, "DESI", "KPNO 4.0-m telescope")
    { Instrument = VoSpec.Fits.Desi.DesiConventions.Instrument };

    /// <summary>The Guoshoujing telescope (LAMOST); its low-resolution spectra are only relatively flux-calibrated, so no physical unit.</summary>
    private static readonly SurveyFacts Lamost = new("LAMOST", 1800.0, VoSpec.Fits.Lamost.LamostConventions.FluxUnit, null, "LAMOST", "LAMOST")
    { Instrument = VoSpec.Fits.Lamost.LamostConventions.Instrument };

    /// <summary>True when the flux has a physical unit; false for relative (LAMOST) flux.</summary>
    public bool AbsoluteFlux => VoFluxUnit is not null;

    public static SurveyFacts Of(string instrument) => instrument switch
    {
        VoSpec.Fits.Desi.DesiConventions.Instrument => Desi,
        VoSpec.Fits.Lamost.LamostConventions.Instrument => Lamost,
        _ => Sdss,
    };

    /// <summary>The survey of a collection as ingest fills them (Ingest.SurveyFile.CollectionFor): 'desi', 'lamost', else SDSS.</summary>
    public static SurveyFacts OfCollection(string collection) => collection switch
    {
        Ingest.SurveyFile.DesiCollection => Desi,
        Ingest.SurveyFile.LamostCollection => Lamost,
        _ => Sdss,
    };
}
