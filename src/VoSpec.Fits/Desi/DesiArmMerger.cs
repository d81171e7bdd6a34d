using VoSpec.Core.Spectra;

namespace VoSpec.Fits.Desi;

/// <summary>
/// Merges a spectrum's arms (B, R, Z) onto one grid. DESI samples every arm on one linear lattice (0.8 Å from
/// 3600 Å), so arms line up pixel for pixel and nothing is resampled: a pixel seen by one arm keeps that arm's
/// values bit for bit; where arms overlap, flux is the inverse-variance weighted mean (the plain mean when no
/// arm has weight), ivar the sum, or_mask the OR and and_mask the AND of the arms' masks. The wavelength of
/// each pixel is that of the bluest arm covering it. Arms off the common lattice are a <see cref="FitsFormatException"/>.
/// All fibres of a file share their arms' wavelengths, so the lattice (offsets, merged grid) is found once per
/// file (<see cref="Lattice.Of"/>) and each fibre's merge reads its rows of the arm images in place.
/// </summary>
internal static class DesiArmMerger
{
    /// <summary>How far (in pixels) an arm's wavelengths may stray from the common lattice: DESI's are exact to ~1e-12.</summary>
    private const double Tolerance = 1e-3;

    /// <summary>One arm's values for one fibre: its row of the arm's images, from <see cref="Start"/> (no copy); no mask when the file has none.</summary>
    public readonly record struct ArmRow(float[] Flux, float[] Ivar, int[]? Mask, int Start);

    /// <summary>Where each arm's pixels fall on the merged grid, and that grid (shared, immutable, by every fibre of a file).</summary>
    public sealed class Lattice
    {
        public required int[] Offsets { get; init; }
        public required int[] Counts { get; init; }
        public required ExplicitGrid Grid { get; init; }
        /// <summary>How many arms cover each merged pixel (0 in a gap between arms).</summary>
        public required byte[] Cover { get; init; }

        public int Length => Grid.Count;

        public static Lattice Of(IReadOnlyList<(string Name, double[] Wavelength)> arms, string name)
        {
            if (arms.Count == 0) throw new FitsFormatException($"{name}: no arms to merge");
            var first = arms[0];
            if (first.Wavelength.Length < 2) throw new FitsFormatException($"{name}: arm {first.Name} has {first.Wavelength.Length} pixels, too few for a wavelength step");
            double start = first.Wavelength[0];
            double step = (first.Wavelength[^1] - start) / (first.Wavelength.Length - 1);
            if (!(step > 0)) throw new FitsFormatException($"{name}: arm {first.Name}'s wavelengths do not increase");

            var offsets = new int[arms.Count];
            var counts = new int[arms.Count];
            int length = 0;
            for (int k = 0; k < arms.Count; k++)
            {
                var w = arms[k].Wavelength;
                counts[k] = w.Length;
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
            var cover = new byte[length];
            for (int k = arms.Count - 1; k >= 0; k--)
            {
                // Bluest arm last: its wavelength is the one a pixel keeps.
                var w = arms[k].Wavelength;
                for (int j = 0; j < w.Length; j++) { wave[offsets[k] + j] = w[j]; cover[offsets[k] + j]++; }
            }
            // A gap between arms (DESI's overlap, so never in its files): a pixel with no data.
            for (int i = 0; i < length; i++) if (cover[i] == 0) wave[i] = start + i * step;
            try { return new Lattice { Offsets = offsets, Counts = counts, Grid = new ExplicitGrid(wave), Cover = cover }; }
            catch (ArgumentException e) { throw new FitsFormatException($"{name}: the merged wavelengths do not increase ({e.Message})", e); }
        }

        /// <summary>One fibre's arms merged; <paramref name="rows"/> in the lattice's arm order.</summary>
        public SpectrumArrays Merge(ReadOnlySpan<ArmRow> rows)
        {
            int length = Length;
            // Not zeroed on allocation: every pixel is written below (a gap's are set to 0 here).
            var flux = GC.AllocateUninitializedArray<float>(length);
            var ivar = GC.AllocateUninitializedArray<float>(length);
            bool masks = true;
            foreach (var r in rows) masks &= r.Mask is not null;
            var orMask = masks ? GC.AllocateUninitializedArray<int>(length) : null;
            var andMask = masks ? GC.AllocateUninitializedArray<int>(length) : null;
            for (int i = 0; i < length; i++)
            {
                if (Cover[i] != 0) continue;
                flux[i] = 0; ivar[i] = 0;
                if (masks) { orMask![i] = 0; andMask![i] = 0; }
            }
            // Pixels one arm covers are copied as they are; the overlaps are then merged pixel by pixel.
            for (int k = rows.Length - 1; k >= 0; k--)
            {
                var r = rows[k];
                int o = Offsets[k], n = Counts[k];
                r.Flux.AsSpan(r.Start, n).CopyTo(flux.AsSpan(o, n));
                r.Ivar.AsSpan(r.Start, n).CopyTo(ivar.AsSpan(o, n));
                if (masks) { r.Mask.AsSpan(r.Start, n).CopyTo(orMask.AsSpan(o, n)); r.Mask.AsSpan(r.Start, n).CopyTo(andMask.AsSpan(o, n)); }
            }
            for (int i = 0; i < length; i++)
            {
                if (Cover[i] < 2) continue;
                double weighted = 0, weight = 0, plain = 0;
                int seen = 0, or = 0, and = -1;
                for (int k = 0; k < rows.Length; k++)
                {
                    int j = i - Offsets[k];
                    if ((uint)j >= (uint)Counts[k]) continue;
                    var r = rows[k];
                    float f = r.Flux[r.Start + j], v = r.Ivar[r.Start + j];
                    seen++;
                    double iv = v > 0 ? v : 0;
                    weighted += iv * f;
                    weight += iv;
                    plain += f;
                    if (masks) { or |= r.Mask![r.Start + j]; and &= r.Mask![r.Start + j]; }
                }
                if (weight > 0) { flux[i] = (float)(weighted / weight); ivar[i] = (float)weight; }
                else { flux[i] = (float)(plain / seen); ivar[i] = 0; }
                if (masks) { orMask![i] = or; andMask![i] = and; }
            }
            return new SpectrumArrays { Grid = Grid, Flux = flux, Ivar = ivar, OrMask = orMask, AndMask = andMask };
        }
    }

    /// <summary>One spectrum's arms merged (a lattice of its own).</summary>
    public static SpectrumArrays Merge(IReadOnlyList<DesiArm> arms, string name)
    {
        var lattice = Lattice.Of(arms.Select(a => (a.Name, a.Wavelength)).ToList(), name);
        return lattice.Merge(arms.Select(a => new ArmRow(a.Flux, a.Ivar, a.Mask, 0)).ToArray());
    }
}
