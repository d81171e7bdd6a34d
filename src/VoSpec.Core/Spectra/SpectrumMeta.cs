namespace VoSpec.Core.Spectra;

/// <summary>
/// What a catalogue row says about one spectrum (SDSS specObj style). Positions are the fibre's
/// (PLUG_RA/PLUG_DEC, ICRS degrees), never the plate centre.
/// </summary>
public sealed record SpectrumMeta
{
    public required long SpecObjId { get; init; }
    public required int Plate { get; init; }
    public required int Mjd { get; init; }
    public required int FiberId { get; init; }
    public string Run2d { get; init; } = "";
    public string Run1d { get; init; } = "";
    public required double Ra { get; init; }
    public required double Dec { get; init; }
    public double Z { get; init; }
    public double ZErr { get; init; }
    public int ZWarning { get; init; }
    /// <summary>GALAXY, QSO or STAR.</summary>
    public string Class { get; init; } = "";
    public string Subclass { get; init; } = "";
    public string Survey { get; init; } = "";
    public string ProgramName { get; init; } = "";
    public double SnMedian { get; init; }
    /// <summary>SDSS (the original spectrographs, 3″ fibres) or BOSS (2″ fibres).</summary>
    public string Instrument { get; init; } = "SDSS";
    /// <summary>Fibre diameter in arcsec.</summary>
    public double FiberDiameter { get; init; } = 3.0;
    /// <summary>Total exposure time in seconds, when the file says.</summary>
    public double? ExpTime { get; init; }
    /// <summary>MJD of the first exposure's start and of the last one's end, when the file says.</summary>
    public double? TMin { get; init; }
    public double? TMax { get; init; }
    /// <summary>Flux unit as the file writes it (BUNIT).</summary>
    public string FluxUnit { get; init; } = "1E-17 erg/cm^2/s/Ang";

    /// <summary>A survey's own name for the spectrum when it is not SDSS's PLATE-MJD-FIBER (DESI, LAMOST); null for SDSS.</summary>
    public string? SurveyObsId { get; init; }

    /// <summary>
    /// The survey's own catalogue values (DESI's FIBERMAP row, LAMOST's header), by the column names of its table in
    /// schemas/ (TableSchema.Survey); null for SDSS, whose values are specobj's.
    /// </summary>
    public IReadOnlyDictionary<string, object?>? SurveyColumns { get; init; }

    /// <summary>The survey's name for a spectrum: <see cref="SurveyObsId"/> when set, else SDSS's PLATE-MJD-FIBER, zero-padded.</summary>
    public string ObsId => SurveyObsId ?? $"{Plate:D4}-{Mjd:D5}-{FiberId:D4}";
}
