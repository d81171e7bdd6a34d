// Why this file exists: the preview tests need spectra whose drawing is predictable — an SDSS-like grid, a gently
// varying noisy continuum, one strong narrow emission line at a known wavelength, and masks where we put them.
using VoSpec.Core.Spectra;

namespace VoSpec.Engine.Tests.Plotting;

public static class SyntheticSpectra
{
    public const double HAlpha = 6563.0;

    /// <summary>SDSS-like: log10 step 1e-4 from 3800 Å, 4,600 pixels (to ≈ 10,990 Å).</summary>
    public static LogLinearGrid SdssGrid(int count = 4600) => new(Math.Log10(3800), 1e-4, count);

    public static double Continuum(double lambda) => 10 + 3 * Math.Sin(lambda / 800.0);

    public static double Line(double lambda, double centre = HAlpha, double amplitude = 150, double sigma = 2.5) =>
        amplitude * Math.Exp(-0.5 * Math.Pow((lambda - centre) / sigma, 2));

    /// <summary>Continuum + Hα line + Gaussian noise (σ <paramref name="noise"/>, fixed seed); model = continuum + line; ivar 1/σ²; no mask bits.</summary>
    public static SpectrumArrays EmissionLine(int count = 4600, int seed = 42, double noise = 0.5)
    {
        var grid = SdssGrid(count);
        var rng = new Random(seed);
        var flux = new float[count];
        var model = new float[count];
        var ivar = new float[count];
        for (int i = 0; i < count; i++)
        {
            double l = grid[i];
            double m = Continuum(l) + Line(l);
            model[i] = (float)m;
            flux[i] = (float)(m + noise * Gaussian(rng));
            ivar[i] = (float)(1 / (noise * noise));
        }
        return new SpectrumArrays { Grid = grid, Flux = flux, Model = model, Ivar = ivar, AndMask = new int[count] };
    }

    private static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
