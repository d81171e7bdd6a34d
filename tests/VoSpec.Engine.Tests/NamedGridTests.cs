// Why this file exists: alignment across surveys puts spectra of any grid (DESI's linear arms, SDSS's and LAMOST's
// log-linear ones) on one grid, the common one or a grid the caller names; these properties pin what that promises:
// integrated flux kept, a spectrum on its own grid unchanged bit for bit, ivar and masks carried.
using FsCheck;
using FsCheck.Fluent;
using VoSpec.Core.Spectra;
using Xunit;

namespace VoSpec.Engine.Tests;

public class NamedGridTests
{
    /// <summary>Flux, ivar and mask of a spectrum resampled onto its own grid come back bit for bit (explicit grids resample; log-linear and linear ones copy).</summary>
    [Fact]
    public void A_spectrum_resampled_onto_its_own_grid_is_unchanged_bit_for_bit()
    {
        var gen = from s in Generators.SpecOn(Generators.AnyGrid.Where(g => g.Count >= 2))
                  from ivar in Gen.ArrayOf(Generators.Uniform(0, 50).Select(v => (float)v), s.Flux.Length)
                  from mask in Gen.ArrayOf(Gen.Choose(0, 1 << 20), s.Flux.Length)
                  select (s, ivar, mask);
        Generators.Check(gen, t =>
        {
            var (s, ivar, mask) = t;
            var (f, iv, m) = (new float[s.Flux.Length], new float[s.Flux.Length], new int[s.Flux.Length]);
            Resampler.Resample(s.Grid, s.Flux, s.Grid, f);
            Resampler.ResampleIvar(s.Grid, ivar, s.Grid, iv);
            Resampler.ResampleMask(s.Grid, mask, s.Grid, m);
            for (int i = 0; i < f.Length; i++)
            {
                Assert.True(BitConverter.SingleToInt32Bits(f[i]) == BitConverter.SingleToInt32Bits(s.Flux[i]) || (f[i] == 0 && s.Flux[i] == 0), $"flux {i}: {s.Flux[i]:R} → {f[i]:R}");
                Assert.True(iv[i] == ivar[i], $"ivar {i}: {ivar[i]:R} → {iv[i]:R}");
                Assert.Equal(mask[i], m[i]);
            }

            // Through a plan onto the spectrum's own grid (a log-linear or linear one is a copy, the server's path).
            if (s.Grid is LogLinearGrid or LinearGrid)
            {
                var plan = AlignmentPlan.OnGrid([s.Grid], s.Grid);
                Assert.Equal(PlacementKind.Copy, plan.GetPlacement(0).Kind);
                var (row, rowIvar, rowMask) = (new float[plan.Length], new float[plan.Length], new int[plan.Length]);
                plan.Align(0, s.Flux, row);
                plan.AlignIvar(0, ivar, rowIvar);
                plan.Align(0, mask, rowMask);
                Assert.Equal(s.Flux.Select(BitConverter.SingleToInt32Bits), row.Select(BitConverter.SingleToInt32Bits));
                Assert.Equal(ivar.Select(BitConverter.SingleToInt32Bits), rowIvar.Select(BitConverter.SingleToInt32Bits));
                Assert.Equal(mask, rowMask);
            }
        }, maxTest: 400);
    }

    /// <summary>
    /// On a named grid (w0, w1 and a log10 step or a step in Å, coarser or finer than the spectrum's), ∫ f dλ over the
    /// destination pixels the spectrum covers equals the source's over the same range, within float rounding (or within
    /// the whole-pixel copy's 1e-3-pixel snap, when the named grid is the spectrum's own shifted).
    /// </summary>
    [Fact]
    public void A_named_grid_conserves_integrated_flux()
    {
        var gen = from s in Generators.SpecOn(Generators.AnyGrid.Where(g => g.Count >= 4))
                  from factor in Gen.Elements(0.37, 0.5, 1.0, 1.7, 3.0)
                  from lo in Generators.Uniform(0.0, 0.4)
                  from hi in Generators.Uniform(0.6, 1.0)
                  from linear in Gen.Elements(false, true)
                  select (s, factor, lo, hi, linear);
        Generators.Check(gen, t =>
        {
            var (s, factor, lo, hi, linear) = t;
            double w0 = s.Grid.First + lo * (s.Grid.Last - s.Grid.First), w1 = s.Grid.First + hi * (s.Grid.Last - s.Grid.First);
            WavelengthGrid named = linear
                ? AlignmentPlan.NamedLinearGrid(w0, w1, (s.Grid.Last - s.Grid.First) / (s.Grid.Count - 1) * factor)
                : AlignmentPlan.NamedGrid(w0, w1, (Math.Log10(s.Grid.Last) - Math.Log10(s.Grid.First)) / (s.Grid.Count - 1) * factor);
            Assert.True(Math.Abs(named.First - w0) <= 1e-9 * w0 && named.Last <= w1 * (1 + 1e-12));
            var plan = AlignmentPlan.OnGrid([s.Grid], named);
            var row = new float[plan.Length];
            plan.Align(0, s.Flux, row);

            var se = PixelEdges.Of(s.Grid);
            var de = PixelEdges.Of(named);
            int first = -1, last = -1;
            for (int j = 0; j < row.Length; j++)
                if (de[j] >= se[0] && de[j + 1] <= se[^1]) { if (first < 0) first = j; last = j; }
            if (first < 0) return;
            double resampled = 0, original = 0, scale = 0;
            for (int j = first; j <= last; j++) resampled += (double)row[j] * (de[j + 1] - de[j]);
            for (int k = 0; k < s.Flux.Length; k++)
            {
                double o = Math.Min(de[last + 1], se[k + 1]) - Math.Max(de[first], se[k]);
                if (o > 0) { original += o * s.Flux[k]; scale += o * Math.Abs(s.Flux[k]); }
            }
            // A named grid within 1e-3 pixel of a whole-pixel shift of the spectrum's is copied, not resampled (by design:
            // WavelengthGrid.PixelOffsetOf): each pixel's flux then sits up to 1e-3 of its width off, so the integral over
            // the same range may move by up to 2e-3 of the flux's scale (seen: 4.3e-5, a grid 7.7e-4 pixel off).
            double tolerance = plan.IsExact ? 2e-3 : 1e-6;
            Assert.True(Math.Abs(resampled - original) <= tolerance * scale + 1e-300, $"∫ {original:R} → {resampled:R} (scale {scale:R}, copied: {plan.IsExact})");
        }, maxTest: 400);
    }

    [Fact]
    public void Ivar_and_masks_are_carried_onto_a_named_grid()
    {
        // Two source pixels per destination pixel: ivar adds (equal widths: 1/σ² = 1/σ₁² + ... for a mean), bits OR.
        var src = new LogLinearGrid(3.6, 1e-4, 8);
        var named = AlignmentPlan.NamedGrid(src[0] * Math.Pow(10, 0.5e-4), src[7], 2e-4);
        var plan = AlignmentPlan.OnGrid([src], named);
        var ivar = new float[] { 1, 1, 2, 2, 4, 4, 0, 4 };
        var mask = new[] { 1, 2, 4, 8, 16, 32, 64, 128 };
        var (iv, m) = (new float[plan.Length], new int[plan.Length]);
        plan.AlignIvar(0, ivar, iv);
        plan.Align(0, mask, m);
        Assert.Equal(4, plan.Length);
        Assert.Equal(1 | 2 | 4, m[0]);                    // the first destination pixel overlaps source pixels 0-2
        Assert.Contains(0f, iv);                          // a pixel fed by ivar 0 is unknown, not averaged away
        Assert.True(iv.Take(2).All(v => v > 0));
        Assert.Throws<VoSpec.Core.Faults.UserInputException>(() => AlignmentPlan.NamedGrid(5000, 4000, 1e-4));
        Assert.Throws<VoSpec.Core.Faults.UserInputException>(() => AlignmentPlan.NamedGrid(4000, 9000, 1e-9, maxLength: 1000));
        Assert.Equal(Math.Log10(1 + 1 / 2000.0), AlignmentPlan.Log10StepOfResolvingPower(2000));
    }

    /// <summary>
    /// A spectrum stored pixel by pixel on a linear lattice (DESI's merged arms: 3600 + 0.8·i Å up to ~5e-10 Å of
    /// rounding) onto the linear grid a caller names over it (w0, w1, dlambda) is copied: flux, ivar and masks bit for bit.
    /// </summary>
    [Fact]
    public void A_spectrum_on_a_linear_lattice_is_copied_onto_the_named_linear_grid_bit_for_bit()
    {
        var gen = from start in Generators.Uniform(3000, 5000)
                  from step in Gen.Elements(0.8, 0.5, 1.25)
                  from n in Gen.Choose(2, 300)
                  from noise in Gen.ArrayOf(Generators.Uniform(-5e-10, 5e-10), n)
                  from flux in Generators.FluxFor(n)
                  from ivar in Gen.ArrayOf(Generators.Uniform(0, 50).Select(v => (float)v), n)
                  from mask in Gen.ArrayOf(Gen.Choose(0, 1 << 20), n)
                  from skip in Gen.Choose(0, 3)
                  select (start, step, grid: new ExplicitGrid(Enumerable.Range(0, n).Select(i => start + i * step + noise[i]).ToArray()), flux, ivar, mask, skip);
        Generators.Check(gen, t =>
        {
            var (start, step, grid, flux, ivar, mask, skip) = t;
            // The named grid starts `skip` pixels below the spectrum: the copy lands whole pixels in.
            var named = AlignmentPlan.NamedLinearGrid(start - skip * step, grid.Last + 1e-6, step);
            Assert.Equal(grid.Count + skip, named.Count);
            var plan = AlignmentPlan.OnGrid([grid], named);
            Assert.Equal(PlacementKind.Copy, plan.GetPlacement(0).Kind);
            var (f, iv, m) = (new float[plan.Length], new float[plan.Length], new int[plan.Length]);
            plan.Align(0, flux, f);
            plan.AlignIvar(0, ivar, iv);
            plan.Align(0, mask, m);
            Assert.All(f.Take(skip).Concat(iv.Take(skip)), v => Assert.Equal(0f, v));
            Assert.Equal(flux.Select(BitConverter.SingleToInt32Bits), f.Skip(skip).Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(ivar.Select(BitConverter.SingleToInt32Bits), iv.Skip(skip).Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(mask, m.Skip(skip));
        }, maxTest: 300);
    }

    [Fact]
    public void Ivar_and_masks_are_carried_onto_a_named_linear_grid()
    {
        // A source of 1 Å pixels (edges 3999.5, 4000.5, …) onto 2 Å pixels centred on odd Å (edges 4000, 4002, …):
        // each destination pixel takes half of one source pixel, all of the next and half of the third.
        var src = new LinearGrid(4000, 1, 8);
        var named = AlignmentPlan.NamedLinearGrid(4001, 4007, 2);
        var plan = AlignmentPlan.OnGrid([src], named);
        Assert.Equal(PlacementKind.Resample, plan.GetPlacement(0).Kind);
        var ivar = new float[] { 1, 1, 2, 2, 4, 4, 0, 4 };
        var mask = new[] { 1, 2, 4, 8, 16, 32, 64, 128 };
        var flux = new float[] { 1, 2, 3, 4, 5, 6, 7, 8 };
        var (f, iv, m) = (new float[plan.Length], new float[plan.Length], new int[plan.Length]);
        plan.Align(0, flux, f);
        plan.AlignIvar(0, ivar, iv);
        plan.Align(0, mask, m);
        Assert.Equal(4, plan.Length);                      // 4001, 4003, 4005, 4007
        Assert.Equal(1 | 2 | 4, m[0]);
        Assert.Equal(4 | 8 | 16, m[1]);                    // [4002, 4004]: half of 2, all of 3, half of 4
        Assert.Equal(4f, f[1]);                            // (0.5·3 + 4 + 0.5·5) / 2
        Assert.Equal(4 / (0.25 / 2 + 1.0 / 2 + 0.25 / 4), iv[1], 5);   // (Σo)² / Σ(o²/ivar)
        Assert.Equal(0f, iv[2]);                           // fed by ivar 0: unknown, not averaged away
        Assert.Equal(0f, iv[3]);
    }

    [Theory]
    [InlineData(5000.0, 4000.0, 1.0)]                      // reversed
    [InlineData(4000.0, 4000.0, 1.0)]                      // empty
    [InlineData(0.0, 4000.0, 1.0)]
    [InlineData(4000.0, 5000.0, 0.0)]
    [InlineData(4000.0, 5000.0, -1.0)]
    [InlineData(4000.0, 5000.0, double.NaN)]
    [InlineData(4000.0, 5000.0, double.PositiveInfinity)]
    [InlineData(4000.0, double.PositiveInfinity, 1.0)]
    [InlineData(4000.0, 9000.0, 1e-4)]                     // 50,000,001 pixels: over the limit
    public void A_bad_named_linear_grid_is_refused_as_user_input(double w0, double w1, double step)
    {
        Assert.Throws<VoSpec.Core.Faults.UserInputException>(() => AlignmentPlan.NamedLinearGrid(w0, w1, step));
        if (step > 0 && double.IsFinite(step) && w1 > w0 && w0 > 0 && double.IsFinite(w1))
            Assert.Equal(5001, AlignmentPlan.NamedLinearGrid(w0, w0 + 5000 * step, step).Count);   // the same step over a shorter span is fine
    }
}
