namespace VoSpec.Fits.Desi;

/// <summary>DESI facts the reader needs: instrument, fibre size, and how a spectrum gets a 64-bit id.</summary>
public static class DesiConventions
{
    public const string Instrument = "DESI";

    /// <summary>DESI's spelling of its flux unit (the X_FLUX images' BUNIT), 10⁻¹⁷ erg s⁻¹ cm⁻² Å⁻¹ as SDSS's.</summary>
    public const string FluxUnit = "10**-17 erg/(s cm2 Angstrom)";

    /// <summary>107 µm fibres on the Mayall's focal plane: 1.5″ on the sky.</summary>
    public const double FiberDiameter = 1.5;

    /// <summary>
    /// A 63-bit id for a DESI spectrum. TARGETID alone is not unique (one target is coadded per HEALPix pixel,
    /// per tile and per exposure) and already uses ~60 bits, so nothing can be packed beside it: the id is the
    /// first 8 bytes of the SHA-256 of the spectrum's name (group-TARGETID, with -eEXPID for single exposures), kept positive.
    /// </summary>
    public static long SpecObjId(string obsId) => SurveyIds.Hash(obsId);
}
