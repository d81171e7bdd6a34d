namespace VoSpec.Fits.Desi;

/// <summary>DESI facts the reader needs: instrument, fibre size, and how a spectrum gets a 64-bit id.</summary>
public static class DesiConventions
{
    public const string Instrument = "DESI";

    /// <summary>DESI's spelling of its flux unit (the X_FLUX images' BUNIT), 10⁻¹⁷ erg s⁻¹ cm⁻² Å⁻¹ as SDSS's.</summary>
    public const string FluxUnit = "10**-17 erg/(s cm2 Angstrom)";

    /// <summary>DESI's spectrograph arms (cameras), bluest first: the arms DataLink offers and /datalink/arm's ARM takes.</summary>
    public static readonly IReadOnlyList<string> Arms = ["B", "R", "Z"];

    /// <summary>107 µm fibres on the Mayall's focal plane: 1.5″ on the sky.</summary>
    public const double FiberDiameter = 1.5;

    /// <summary>The name (obs_id) of a coadded spectrum: its group (<see cref="DesiGroup.Name"/>) and TARGETID.</summary>
    public static string CoaddObsId(string group, long targetId) => $"{group}-{targetId}";

    /// <summary>The name (obs_id) of a single-exposure spectrum: its group, -eEXPID and TARGETID.</summary>
    public static string ExposureObsId(string group, long expId, long targetId) => $"{group}-e{expId}-{targetId}";

    /// <summary>
    /// Whether the single exposure <paramref name="exposureObsId"/> (EXPID <paramref name="expId"/>) went into the coadd
    /// <paramref name="coaddObsId"/>: the same target in the same group (survey, program and HEALPix pixel, or tile and
    /// night), which is how DESI makes a coadd-*.fits from the spectra-*.fits of the same name.
    /// </summary>
    public static bool IsExposureOf(string coaddObsId, string exposureObsId, long targetId, long expId)
    {
        string suffix = "-" + targetId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return coaddObsId.EndsWith(suffix, StringComparison.Ordinal)
            && exposureObsId == ExposureObsId(coaddObsId[..^suffix.Length], expId, targetId);
    }

    /// <summary>
    /// A 63-bit id for a DESI spectrum. TARGETID alone is not unique (one target is coadded per HEALPix pixel,
    /// per tile and per exposure) and already uses ~60 bits, so nothing can be packed beside it: the id is the
    /// first 8 bytes of the SHA-256 of the spectrum's name (group-TARGETID, with -eEXPID for single exposures), kept positive.
    /// </summary>
    public static long SpecObjId(string obsId) => SurveyIds.Hash(obsId);
}
