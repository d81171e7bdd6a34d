using VoSpec.Core.Spectra;

namespace VoSpec.Fits.Desi;

/// <summary>
/// Merges a spectrum's arms (B, R, Z) onto one grid. DESI samples every arm on one linear lattice (0.8 Å from
/// 3600 Å), so arms line up pixel for pixel and nothing is resampled: a pixel seen by one arm keeps that arm's
/// values bit for bit; where arms overlap, flux is the inverse-variance weighted mean (the plain mean when no
/// arm has weight), ivar the sum, or_mask the OR and and_mask the AND of the arms' masks. The wavelength of
/// each pixel is that of the bluest arm covering it. Arms off the common lattice are a <see cref="FitsFormatException"/>.
/// </summary>
internal static class DesiArmMerger
{
    /// <summary>How far (in pixels) an arm's wavelengths may stray from the common lattice: DESI's are exact to ~1e-12.</summary>
    private const double Tolerance = 1e-3;

    public static SpectrumArrays Merge(IReadOnlyList<DesiArm> arms, string name)
    {
        if (arms.Count == 0) throw new FitsFormatException($"{name}: no arms to merge");
        var first = arms[0];
        if (first.Count < 2) throw new FitsFormatException($"{name}: arm {first.Name} has {first.Count} pixels, too few for a wavelength step");
        double start = first.Wavelength[0];
        double step = (first.Wavelength[^1] - start) / (first.Count - 1);
        if (!(step > 0)) throw new FitsFormatException($"{name}: arm {first.Name}'s wavelengths do not increase");

        var offsets = new int[arms.Count];
        int length = 0;
        for (int k = 0; k < arms.Count; k++)
        {
            var w = arms[k].Wavelength;
            for (int j = 0; j < w.Length; j++)
            {
                double at = (w[j] - start) / step;
                if (j == 0) offsets[k] = (int)Math.Round(at);
                if (!(Math.Abs(at - (offsets[k] + j)) < Tolerance) || offsets[k] < 0)
                    throw new FitsFormatException($"{name}: arm {arms[k].Name} pixel {j} ({w[j]} Å) is not on the {step} Å lattice from {start} Å that the arms share");
            }
            length = Math.Max(length, offsets[k] + w.Length);
        }

        var wave = new double[length];
        var flux = new float[length];
        var ivar = new float[length];
        var orMask = new int[length];
        var andMask = new int[length];
        bool masks = arms.All(a => a.Mask is not null);
        for (int i = 0; i < length; i++)
        {
            double weighted = 0, weight = 0, plain = 0;
            int seen = 0, or = 0, and = -1;
            float single = 0, singleIvar = 0;
            for (int k = 0; k < arms.Count; k++)
            {
                int j = i - offsets[k];
                var a = arms[k];
                if ((uint)j >= (uint)a.Count) continue;
                if (seen == 0) { wave[i] = a.Wavelength[j]; single = a.Flux[j]; singleIvar = a.Ivar[j]; }
                seen++;
                double iv = a.Ivar[j] > 0 ? a.Ivar[j] : 0;
                weighted += iv * a.Flux[j];
                weight += iv;
                plain += a.Flux[j];
                if (a.Mask is not null) { or |= a.Mask[j]; and &= a.Mask[j]; }
            }
            if (seen == 0)
            {
                // A gap between arms (DESI's overlap, so never in its files): a pixel with no data.
                wave[i] = start + i * step;
                continue;
            }
            if (seen == 1) { flux[i] = single; ivar[i] = singleIvar; }
            else if (weight > 0) { flux[i] = (float)(weighted / weight); ivar[i] = (float)weight; }
            else flux[i] = (float)(plain / seen);
            orMask[i] = or;
            andMask[i] = and;
        }
        try
        {
            return new SpectrumArrays
            {
                Grid = new ExplicitGrid(wave),
                Flux = flux,
                Ivar = ivar,
                OrMask = masks ? orMask : null,
                AndMask = masks ? andMask : null,
            };
        }
        catch (ArgumentException e) { throw new FitsFormatException($"{name}: the merged wavelengths do not increase ({e.Message})", e); }
    }
}
