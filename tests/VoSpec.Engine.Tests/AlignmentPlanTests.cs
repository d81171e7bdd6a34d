// Why this file exists: getSpec(align=True) promises one common grid, zero padding, and — for SDSS-like
// log-linear inputs — every original pixel value unchanged at its wavelength; with a cutout the grid stays
// inside it. Properties over random spectrum sets, plus edge cases and an allocation check (the alignment rate is `bench/VoSpec.Bench engine`).
using FsCheck;
using FsCheck.Fluent;
using VoSpec.Core.Faults;
using VoSpec.Core.Spectra;
using Xunit;

namespace VoSpec.Engine.Tests;

public class AlignmentPlanTests
{
    private static WavelengthGrid[] Grids(Spec[] specs) => specs.Select(s => s.Grid).ToArray();

    private static float[][] AlignAll(AlignmentPlan plan, Spec[] specs)
    {
        var rows = new float[specs.Length][];
        for (int i = 0; i < specs.Length; i++)
        {
            rows[i] = Enumerable.Repeat(float.NaN, plan.Length).ToArray(); // garbage in the buffer must be overwritten
            plan.Align(i, specs[i].Flux, rows[i]);
        }
        return rows;
    }

    private static int Bits(float f) => BitConverter.SingleToInt32Bits(f);

    // ---------------------------------------------------------------- properties

    [Fact]
    public void Exact_alignment_preserves_every_pixel_at_its_wavelength()
    {
        Generators.Check(Generators.ExactSet, specs =>
        {
            var plan = AlignmentPlan.Create(Grids(specs));
            Assert.True(plan.IsExact);
            var rows = AlignAll(plan, specs);
            var common = plan.CommonGrid;

            double min = specs.Min(s => s.Grid.First), max = specs.Max(s => s.Grid.Last);
            Assert.Equal(min, common.First);                          // bitwise: starts on a real pixel
            Assert.Equal(max, common.Last, 1e-9 * max);
            Assert.Equal((min, max), AlignmentPlan.Coverage(Grids(specs)));

            for (int i = 0; i < specs.Length; i++)
            {
                var (grid, flux) = (specs[i].Grid, specs[i].Flux);
                var p = plan.GetPlacement(i);
                Assert.Equal(PlacementKind.Copy, p.Kind);
                Assert.Equal(plan.Length, rows[i].Length);
                int offset = p.Offset;
                for (int j = 0; j < flux.Length; j++)
                {
                    Assert.Equal(Bits(flux[j]), Bits(rows[i][offset + j]));
                    Assert.Equal(grid[j], common[offset + j], 1e-9 * grid[j]);
                }
                for (int k = 0; k < plan.Length; k++)
                    if (k < offset || k >= offset + flux.Length) Assert.Equal(0, Bits(rows[i][k]));
            }
        });
    }

    [Fact]
    public void Exact_alignment_of_masks_copies_bits()
    {
        Generators.Check(Generators.ExactSet, specs =>
        {
            var plan = AlignmentPlan.Create(Grids(specs));
            for (int i = 0; i < specs.Length; i++)
            {
                var mask = specs[i].Flux.Select(f => Bits(f) | 1).ToArray();
                var row = new int[plan.Length];
                row.AsSpan().Fill(-1);
                plan.Align(i, mask, row);
                int offset = plan.GetPlacement(i).Offset;
                for (int k = 0; k < row.Length; k++)
                    Assert.Equal(k >= offset && k < offset + mask.Length ? mask[k - offset] : 0, row[k]);
            }
        }, maxTest: 100);
    }

    [Fact]
    public void General_alignment_shares_one_length_spans_all_data_and_zero_pads()
    {
        Generators.Check(Generators.MixedSet, specs =>
        {
            var plan = AlignmentPlan.Create(Grids(specs));
            var present = specs.Where(s => s.Grid.Count > 0).ToArray();
            if (present.Length == 0) { Assert.True(plan.IsEmpty); return; }
            double min = present.Min(s => s.Grid.First), max = present.Max(s => s.Grid.Last);
            Assert.Equal(min, plan.CommonGrid.First, 1e-9 * min);
            Assert.Equal(max, plan.CommonGrid.Last, 1e-9 * max);

            var edges = PixelEdges.Of(plan.CommonGrid);
            var rows = AlignAll(plan, specs);
            for (int i = 0; i < specs.Length; i++)
            {
                Assert.Equal(plan.Length, rows[i].Length);
                var g = specs[i].Grid;
                if (g.Count == 0) { Assert.All(rows[i], v => Assert.Equal(0f, v)); continue; }
                var se = PixelEdges.Of(g);
                var p = plan.GetPlacement(i);
                for (int k = 0; k < plan.Length; k++)
                {
                    // Entirely outside the spectrum's own extent: exactly zero.
                    if (edges[k + 1] <= se[0] || edges[k] >= se[^1]) Assert.Equal(0, Bits(rows[i][k]));
                    if (k < p.DestinationStart || k >= p.DestinationEnd) Assert.Equal(0, Bits(rows[i][k]));
                }
            }
        });
    }

    [Fact]
    public void Same_step_with_fractional_offsets_is_resampled_conserving_flux()
    {
        var gen =
            from step in Generators.Steps
            from start in Generators.Uniform(3.55, 3.6)
            from shift in Generators.Uniform(0.05, 0.95)
            from n1 in Gen.Choose(5, 300)
            from n2 in Gen.Choose(5, 300)
            from f1 in Generators.FluxFor(n1)
            from f2 in Generators.FluxFor(n2)
            select new[] { new Spec(new LogLinearGrid(start, step, n1), f1), new Spec(new LogLinearGrid(start + (3 + shift) * step, step, n2), f2) };
        Generators.Check(gen, specs =>
        {
            var plan = AlignmentPlan.Create(Grids(specs));
            Assert.False(plan.IsExact);
            var rows = AlignAll(plan, specs);
            var de = PixelEdges.Of(plan.CommonGrid);
            for (int i = 0; i < 2; i++)
            {
                var se = PixelEdges.Of(specs[i].Grid);
                int first = -1, last = -1;
                for (int j = 0; j < plan.Length; j++)
                    if (de[j] >= se[0] && de[j + 1] <= se[^1]) { if (first < 0) first = j; last = j; }
                if (first < 0) continue;
                double resampled = 0, original = 0, scale = 0;
                for (int j = first; j <= last; j++) resampled += (double)rows[i][j] * (de[j + 1] - de[j]);
                for (int k = 0; k < specs[i].Flux.Length; k++)
                {
                    double o = Math.Min(de[last + 1], se[k + 1]) - Math.Max(de[first], se[k]);
                    if (o > 0) { original += o * specs[i].Flux[k]; scale += o * Math.Abs(specs[i].Flux[k]); }
                }
                Assert.True(Math.Abs(resampled - original) <= 1e-6 * scale, $"spectrum {i}: {original:R} vs {resampled:R}");
            }
        });
    }

    [Fact]
    public void Cutout_and_align_keep_the_grid_inside_the_cutout()
    {
        var gen = Gen.OneOf(Generators.ExactSet, Generators.MixedSet)
            .SelectMany(specs => Generators.IntervalForSet(specs).Select(iv => (specs, iv)));
        Generators.Check(gen, t =>
        {
            var (specs, iv) = t;
            var plan = AlignmentPlan.Create(Grids(specs), iv);
            bool anyInside = specs.Any(s => Enumerable.Range(0, s.Grid.Count).Any(j => iv.Contains(s.Grid[j])));
            Assert.Equal(!anyInside, plan.IsEmpty);
            // Inside the cutout, to within the rounding of 10^x (the plan never drops a pixel to dodge an ulp).
            for (int k = 0; k < plan.Length; k++)
            {
                double w = plan.CommonGrid[k], tol = 1e-13 * w;
                Assert.True(w >= iv.Min - tol && w <= iv.Max + tol, $"common pixel {k} at {w:R} outside [{iv.Min:R}, {iv.Max:R}]");
                if (k > 0 && k < plan.Length - 1) Assert.True(iv.Contains(w));   // only the ends can be touched by rounding
            }

            var rows = AlignAll(plan, specs);
            for (int i = 0; i < specs.Length; i++)
            {
                Assert.Equal(plan.Length, rows[i].Length);
                var p = plan.GetPlacement(i);
                if (!Cutout.Find(specs[i].Grid, iv).TryGetRange(out var r))
                {
                    Assert.Equal(PlacementKind.None, p.Kind);
                    Assert.All(rows[i], v => Assert.Equal(0, Bits(v)));
                    continue;
                }
                if (!plan.IsExact) continue;
                // Exact case: the spectrum's pixels inside the cutout arrive unchanged, nothing else does.
                Assert.Equal(PlacementKind.Copy, p.Kind);
                for (int k = 0; k < plan.Length; k++)
                {
                    int j = k - p.Offset;
                    float expected = r.Contains(j) ? specs[i].Flux[j] : 0f;
                    Assert.Equal(Bits(expected), Bits(rows[i][k]));
                }
            }
        });
    }

    // ---------------------------------------------------------------- edge cases

    [Fact]
    public void Sdss_and_boss_grids_align_exactly()
    {
        var sdss = new LogLinearGrid(3.5797, 1e-4, 3841);
        var boss = new LogLinearGrid(3.5500, 1e-4, 4627);
        var plan = AlignmentPlan.Create([sdss, boss]);
        Assert.True(plan.IsExact);
        Assert.Equal(3.5500, ((LogLinearGrid)plan.CommonGrid).Log10Start, 12);
        Assert.Equal(297, plan.GetPlacement(0).Offset);
        Assert.Equal(0, plan.GetPlacement(1).Offset);
        Assert.Equal(Math.Max(297 + 3841, 4627), plan.Length);
    }

    [Fact]
    public void Empty_inputs_and_disjoint_cutouts_give_an_empty_plan()
    {
        Assert.True(AlignmentPlan.Create([]).IsEmpty);
        Assert.Null(AlignmentPlan.Coverage([]));
        var g = new LogLinearGrid(3.6, 1e-4, 100);
        var plan = AlignmentPlan.Create([g, new LogLinearGrid(3.7, 1e-4, 0)], new WavelengthInterval(100, 200));
        Assert.True(plan.IsEmpty);
        Assert.Equal(0, plan.Length);
        plan.Align(0, new float[100], Span<float>.Empty);     // a zero-length row, no exception
    }

    [Fact]
    public void Spectrum_outside_the_cutout_gets_a_zero_row()
    {
        var blue = new LogLinearGrid(3.55, 1e-4, 1000);        // 3548–4384 Å
        var red = new LogLinearGrid(3.80, 1e-4, 1000);         // 6310–7798 Å
        var plan = AlignmentPlan.Create([blue, red], new WavelengthInterval(6500, 7200));
        Assert.Equal(PlacementKind.None, plan.GetPlacement(0).Kind);
        var row = Enumerable.Repeat(5f, plan.Length).ToArray();
        plan.Align(0, Enumerable.Repeat(1f, 1000).ToArray(), row);
        Assert.All(row, v => Assert.Equal(0f, v));
        Assert.True(plan.CommonGrid.First >= 6500 && plan.CommonGrid.Last <= 7200);
        Assert.True(plan.CommonGrid.First < 6500 * 1.00024 && plan.CommonGrid.Last > 7200 / 1.00024);
    }

    [Fact]
    public void Single_pixel_spectra()
    {
        var a = new LogLinearGrid(3.6, 1e-4, 1);
        var b = new LogLinearGrid(3.6 + 5e-4, 1e-4, 1);
        var plan = AlignmentPlan.Create([a, b]);
        Assert.True(plan.IsExact);
        Assert.Equal(6, plan.Length);
        var row = new float[6];
        plan.Align(1, [9f], row);
        Assert.Equal([0f, 0f, 0f, 0f, 0f, 9f], row);

        var points = AlignmentPlan.Create([new ExplicitGrid([5000.0]), new ExplicitGrid([5000.0])]);
        Assert.Equal(1, points.Length);
        var one = new float[1];
        points.Align(1, [3f], one);
        Assert.Equal(3f, one[0]);

        var twoPoints = AlignmentPlan.Create([new ExplicitGrid([5000.0]), new ExplicitGrid([6000.0])]);
        Assert.Equal(2, twoPoints.Length);
        var two = new float[2];
        twoPoints.Align(1, [4f], two);
        Assert.Equal([0f, 4f], two);
    }

    [Fact]
    public void A_cutout_pinned_on_one_pixel_keeps_that_pixel()
    {
        // Regressions: 10^x rounding must never turn the only pixel inside the cutout into "no overlap".
        var point = new ExplicitGrid([3029.018]);
        var plan = AlignmentPlan.Create([point], new WavelengthInterval(3029.018, 3029.018));
        Assert.False(plan.IsEmpty);
        var row = new float[plan.Length];
        plan.Align(0, [5f], row);
        Assert.Equal([5f], row);

        var a = new LogLinearGrid(3.5055049, 0.00025, 310);
        var b = new LogLinearGrid(3.6015048999999997, 0.00025, 1);
        var exact = AlignmentPlan.Create([a, b], new WavelengthInterval(a[0] * 1.01, b[0]));
        Assert.True(exact.IsExact);
        Assert.Equal(PlacementKind.Copy, exact.GetPlacement(1).Kind);
        var r = new float[exact.Length];
        exact.Align(1, [7f], r);
        Assert.Equal(7f, r[^1]);
    }

    [Fact]
    public void Ivar_is_copied_exactly_or_propagated()
    {
        var g = new LogLinearGrid(3.6, 1e-4, 10);
        var plan = AlignmentPlan.Create([g, new LogLinearGrid(3.6 + 2e-4, 1e-4, 10)]);
        var row = new float[plan.Length];
        plan.AlignIvar(1, Enumerable.Repeat(2f, 10).ToArray(), row);
        Assert.Equal([0f, 0f, 2f, 2f, 2f, 2f, 2f, 2f, 2f, 2f, 2f, 2f], row);

        var half = AlignmentPlan.Create([g, new LogLinearGrid(3.6 + 0.5e-4, 1e-4, 10)]);
        Assert.False(half.IsExact);
        var ivar = new float[half.Length];
        half.AlignIvar(0, Enumerable.Repeat(2f, 10).ToArray(), ivar);
        // Each common pixel averages one or two input pixels: averaging never loses information, so ivar ≥ 2.
        Assert.Contains(ivar, v => v > 2f);
        Assert.All(ivar, v => Assert.True(v == 0f || v >= 2f * 0.999f));
    }

    [Fact]
    public void Wrong_lengths_and_oversized_grids_are_rejected()
    {
        var g = new LogLinearGrid(3.6, 1e-4, 10);
        var plan = AlignmentPlan.Create([g]);
        Assert.Throws<ArgumentException>(() => plan.Align(0, new float[9], new float[10]));
        Assert.Throws<ArgumentException>(() => plan.Align(0, new float[10], new float[11]));
        Assert.Throws<ArgumentOutOfRangeException>(() => plan.Align(1, new float[10], new float[10]));
        Assert.Throws<UserInputException>(() => AlignmentPlan.Create([g, new LogLinearGrid(3.6 + 1, 1e-4, 10)], maxLength: 5000));
        Assert.Throws<UserInputException>(() => AlignmentPlan.Create([new ExplicitGrid([1000, 1000.000001]), new ExplicitGrid([9000.0])], maxLength: 100_000));
    }

    // ---------------------------------------------------------------- performance

    [Fact]
    public void Exact_alignment_does_not_allocate_per_spectrum()
    {
        var grids = Enumerable.Range(0, 100).Select(i => (WavelengthGrid)new LogLinearGrid(3.55 + (i % 40) * 1e-4, 1e-4, 4600)).ToArray();
        var plan = AlignmentPlan.Create(grids);
        var flux = new float[4600];
        var row = new float[plan.Length];
        var mask = new int[4600];
        var maskRow = new int[plan.Length];
        plan.Align(0, flux, row);
        plan.Align(0, mask, maskRow);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < grids.Length; i++)
        {
            plan.Align(i, flux, row);
            plan.AlignIvar(i, flux, row);
            plan.Align(i, mask, maskRow);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
