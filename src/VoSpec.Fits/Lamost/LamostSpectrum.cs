using VoSpec.Core.Spectra;

namespace VoSpec.Fits.Lamost;

/// <summary>
/// One LAMOST low-resolution spectrum as <see cref="LamostReader"/> read it: the <see cref="Spectrum"/> (flux,
/// ivar, masks on the log-linear grid of the header's COEFF0/COEFF1), plus what the model has no place for:
/// the wavelengths exactly as stored (float32, Å, vacuum) and the newer layout's NORMALIZATION vector.
/// </summary>
public sealed record LamostSpectrum(Spectrum Spectrum, LamostLayout Layout, float[] StoredWavelength, float[]? Normalization);

public enum LamostLayout
{
    /// <summary>Up to DR7/DR8: a 5-row float32 primary image (flux, ivar, wavelength, andmask, ormask).</summary>
    PrimaryImage,
    /// <summary>From DR8/DR9: a one-row COADD table with vector columns FLUX, IVAR, WAVELENGTH, ANDMASK, ORMASK, NORMALIZATION.</summary>
    CoaddTable,
}
