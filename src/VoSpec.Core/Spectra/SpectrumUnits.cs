namespace VoSpec.Core.Spectra;

/// <summary>
/// The units of the archive's spectra as VOUnits, written once: VOTables, ObsCore's o_unit and the /spec service's
/// context descriptions say them this way. (FITS files keep their survey's own BUNIT spelling, <see cref="SpectrumMeta.FluxUnit"/>.)
/// </summary>
public static class SpectrumUnits
{
    /// <summary>SDSS-calibrated flux density: 10⁻¹⁷ erg s⁻¹ cm⁻² Å⁻¹.</summary>
    public const string Flux = "1e-17erg/s/cm2/Angstrom";

    /// <summary>The inverse variance of <see cref="Flux"/>.</summary>
    public const string InverseVariance = "1e+34cm4.s2.Angstrom2/erg2";

    /// <summary>Vacuum wavelength.</summary>
    public const string Wavelength = "Angstrom";
}
