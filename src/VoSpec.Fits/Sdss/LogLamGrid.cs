using VoSpec.Core.Spectra;

namespace VoSpec.Fits.Sdss;

/// <summary>
/// Turns an SDSS loglam column into a wavelength grid: a <see cref="LogLinearGrid"/> when every pixel sits on
/// start + i·step to float precision, else an <see cref="ExplicitGrid"/> of 10^loglam.
/// </summary>
internal static class LogLamGrid
{
    /// <summary>|Δlog10 λ| allowed per pixel: about two float ulps near log10 λ ≈ 3.6–4, i.e. 0.01 pixel.</summary>
    private const double Tolerance = 1e-6;

    /// <param name="coeff0">Header COEFF0: log10 λ of the first pixel of the <i>untrimmed</i> spectrum (lite files may start later).</param>
    /// <param name="coeff1">Header COEFF1: the step (1e-4).</param>
    public static WavelengthGrid FromLogLam(ReadOnlySpan<float> loglam, double? coeff0, double? coeff1)
    {
        int n = loglam.Length;
        double step = coeff1 is > 0 ? coeff1.Value : n > 1 ? Math.Round((loglam[^1] - loglam[0]) / (n - 1), 8) : 1e-4;
        double start = loglam[0];
        if (coeff0 is double c0)
        {
            // The coadd may be trimmed: start on the header's lattice, a whole number of steps after COEFF0.
            double k = Math.Round((loglam[0] - c0) / step);
            start = c0 + k * step;
        }
        // Drop the binary noise of c0 + k·step (SDSS starts are given to 4 decimals).
        start = Math.Round(start, 10);
        if (step > 0 && IsOnLattice(loglam, start, step)) return new LogLinearGrid(start, step, n);

        var wavelengths = new double[n];
        for (int i = 0; i < n; i++) wavelengths[i] = Math.Pow(10.0, loglam[i]);
        return new ExplicitGrid(wavelengths);
    }

    private static bool IsOnLattice(ReadOnlySpan<float> loglam, double start, double step)
    {
        for (int i = 0; i < loglam.Length; i++)
            if (Math.Abs(loglam[i] - (start + i * step)) > Tolerance) return false;
        return true;
    }
}
