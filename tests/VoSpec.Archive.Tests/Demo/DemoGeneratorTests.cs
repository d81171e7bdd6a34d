using System.Runtime.InteropServices;
using VoSpec.Archive.Demo;
using VoSpec.Core.Sky;
using VoSpec.Core.Spectra;
using Xunit;

namespace VoSpec.Archive.Tests.Demo;

/// <summary>One demo sample shared by the tests: metadata of 5,000 spectra, full arrays of the first 400.</summary>
public sealed class DemoSample
{
    public const int Seed = 20240601;
    public const int MetaCount = 5000;
    public const int FullCount = 400;

    public DemoGenerator Generator { get; } = new(Seed);
    public IReadOnlyList<SpectrumMeta> Metas { get; }
    public IReadOnlyList<Spectrum> Spectra { get; }

    public DemoSample()
    {
        var metas = new SpectrumMeta[MetaCount];
        var full = new Spectrum[FullCount];
        Parallel.For(0, MetaCount, i =>
        {
            var s = Generator.Generate(i);
            metas[i] = s.Meta;
            if (i < FullCount) full[i] = s;
        });
        Metas = metas;
        Spectra = full;
    }
}

public class DemoGeneratorTests(DemoSample sample) : IClassFixture<DemoSample>
{
    private static bool BitEqual<T>(T[]? a, T[]? b) where T : unmanaged =>
        a is null ? b is null : b is not null && MemoryMarshal.AsBytes(a.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(b.AsSpan()));

    private static void AssertIdentical(Spectrum a, Spectrum b)
    {
        Assert.Equal(a.Meta, b.Meta); // record equality: every field
        var x = a.Arrays; var y = b.Arrays;
        var gx = Assert.IsType<LogLinearGrid>(x.Grid); var gy = Assert.IsType<LogLinearGrid>(y.Grid);
        Assert.Equal(BitConverter.DoubleToInt64Bits(gx.Log10Start), BitConverter.DoubleToInt64Bits(gy.Log10Start));
        Assert.Equal(gx.Log10Step, gy.Log10Step);
        Assert.Equal(gx.Count, gy.Count);
        Assert.True(BitEqual(x.Flux, y.Flux), "flux differs");
        Assert.True(BitEqual(x.Ivar, y.Ivar), "ivar differs");
        Assert.True(BitEqual(x.AndMask, y.AndMask), "and_mask differs");
        Assert.True(BitEqual(x.OrMask, y.OrMask), "or_mask differs");
        Assert.True(BitEqual(x.WDisp, y.WDisp), "wdisp differs");
        Assert.True(BitEqual(x.Sky, y.Sky), "sky differs");
        Assert.True(BitEqual(x.Model, y.Model), "model differs");
    }

    // ------------------------------------------------------------ determinism

    [Fact]
    public void Same_seed_and_index_give_bit_identical_spectra()
    {
        for (int i = 0; i < 30; i++)
            AssertIdentical(new DemoGenerator(5).Generate(i), new DemoGenerator(5).Generate(i));
    }

    [Fact]
    public void Different_seeds_give_different_spectra()
    {
        var a = new DemoGenerator(1).Generate(3);
        var b = new DemoGenerator(2).Generate(3);
        Assert.False(BitEqual(a.Arrays.Flux, b.Arrays.Flux) && a.Meta == b.Meta);
        Assert.NotEqual(a.Meta.Ra, b.Meta.Ra);
        Assert.NotEqual(a.Meta.Z, b.Meta.Z);
        // Different indices of one seed differ too.
        Assert.False(BitEqual(sample.Spectra[0].Arrays.Flux, sample.Spectra[1].Arrays.Flux));
    }

    [Fact]
    public void Random_access_equals_sequential_generation()
    {
        var g = new DemoGenerator(11);
        var six = g.GenerateMany(6).ToList();
        Assert.Equal(6, six.Count);
        AssertIdentical(g.Generate(5), six[5]);
        // Out of order, and in a range starting elsewhere.
        var range = g.GenerateRange(3, 3).ToList();
        AssertIdentical(six[3], range[0]);
        AssertIdentical(six[4], range[1]);
        AssertIdentical(six[5], range[2]);
        AssertIdentical(sample.Spectra[123], sample.Generator.Generate(123));
    }

    [Fact]
    public void Parallel_generation_equals_sequential_generation()
    {
        var g = new DemoGenerator(99);
        var par = new Spectrum[64];
        Parallel.For(0, par.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => par[par.Length - 1 - i] = g.Generate(par.Length - 1 - i));
        for (int i = 0; i < par.Length; i++) AssertIdentical(g.Generate(i), par[i]);
    }

    [Fact]
    public void Output_is_pinned_so_any_platform_or_algorithm_change_is_caught()
    {
        // FNV-1a over the raw bytes of every array and the key metadata of spectra 0..19 of seed 1.
        // If this changes, demo data differ from every archive built before: change it only on purpose.
        var g = new DemoGenerator(1);
        ulong h = 14695981039346656037UL;
        void Add(ReadOnlySpan<byte> bytes) { foreach (byte b in bytes) { h ^= b; h *= 1099511628211UL; } }
        void AddArr<T>(T[]? a) where T : unmanaged { if (a is not null) Add(MemoryMarshal.AsBytes(a.AsSpan())); }
        foreach (var s in g.GenerateMany(20))
        {
            var m = s.Meta;
            double[] d = [m.Ra, m.Dec, m.Z, m.ZErr, m.SnMedian, m.ExpTime ?? 0, m.TMin ?? 0, m.TMax ?? 0, ((LogLinearGrid)s.Arrays.Grid).Log10Start];
            AddArr(d);
            long[] l = [m.SpecObjId, m.ZWarning, s.Arrays.Count];
            AddArr(l);
            Add(System.Text.Encoding.UTF8.GetBytes(m.Class + "|" + m.Subclass + "|" + m.ProgramName));
            AddArr(s.Arrays.Flux); AddArr(s.Arrays.Ivar); AddArr(s.Arrays.AndMask); AddArr(s.Arrays.OrMask);
            AddArr(s.Arrays.WDisp); AddArr(s.Arrays.Sky); AddArr(s.Arrays.Model);
        }
        Assert.Equal(PinnedHash, h);
    }

    private const ulong PinnedHash = 4173669180393107450UL;

    [Fact]
    public void Indices_outside_the_layout_are_rejected()
    {
        var g = new DemoGenerator(0);
        Assert.Throws<ArgumentOutOfRangeException>(() => g.Generate(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => g.Generate(DemoLayout.MaxCount));
        Assert.Throws<ArgumentOutOfRangeException>(() => g.GenerateMany(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => g.GenerateRange(DemoLayout.MaxCount - 1, 2));
        var last = g.Generate(DemoLayout.MaxCount - 1);
        Assert.InRange(last.Meta.Plate, DemoLayout.FirstSdssPlate, DemoLayout.LastBossPlate);
    }

    // ------------------------------------------------------------ class mix and physics

    [Fact]
    public void Class_mix_is_roughly_as_designed()
    {
        var first = sample.Metas.Take(1000).ToList();
        double F(string c) => first.Count(m => m.Class == c) / 1000.0;
        Assert.InRange(F("GALAXY"), 0.55, 0.65);
        Assert.InRange(F("QSO"), 0.16, 0.24);
        Assert.InRange(F("STAR"), 0.16, 0.24);
        Assert.Equal(1000, first.Count(m => m.Class is "GALAXY" or "QSO" or "STAR"));
        var galaxySub = first.Where(m => m.Class == "GALAXY").Select(m => m.Subclass).ToHashSet();
        Assert.Superset(new HashSet<string> { "", "STARFORMING", "STARBURST", "AGN", "BROADLINE" }, galaxySub);
        Assert.Contains("STARFORMING", galaxySub);
        Assert.Contains("", galaxySub);
        Assert.All(first.Where(m => m.Class == "STAR"), m => Assert.Matches("^[AFGKM][0-9]$", m.Subclass));
        Assert.True(first.Where(m => m.Class == "STAR").Select(m => m.Subclass).Distinct().Count() >= 6);
        Assert.All(first.Where(m => m.Class == "QSO"), m => Assert.Contains(m.Subclass, new[] { "", "BROADLINE" }));
    }

    [Fact]
    public void Redshifts_lie_in_each_class_range()
    {
        foreach (var m in sample.Metas)
        {
            switch (m.Class)
            {
                case "GALAXY": Assert.InRange(m.Z, 0.01, 0.5); break;
                case "QSO": Assert.InRange(m.Z, 0.1, 3.5); break;
                default: Assert.InRange(Math.Abs(m.Z) * DemoGenerator.SpeedOfLight, 0, 300); break;
            }
            Assert.True(m.ZErr > 0 && m.ZErr < 1e-3);
        }
        Assert.Contains(sample.Metas, m => m.Class == "QSO" && m.Z > 2.5);
        double warned = sample.Metas.Count(m => m.ZWarning != 0) / (double)sample.Metas.Count;
        Assert.InRange(warned, 0.01, 0.08);
    }

    [Fact]
    public void Every_array_has_the_grid_length_and_sane_values()
    {
        foreach (var s in sample.Spectra)
        {
            var a = s.Arrays;
            a.Validate();
            Assert.NotNull(a.Ivar); Assert.NotNull(a.AndMask); Assert.NotNull(a.OrMask);
            Assert.NotNull(a.WDisp); Assert.NotNull(a.Sky); Assert.NotNull(a.Model);
            foreach (var arr in new[] { a.Flux, a.Ivar, a.WDisp, a.Sky, a.Model }) Assert.Equal(a.Count, arr!.Length);
            Assert.All(a.Flux, v => Assert.True(float.IsFinite(v)));
            Assert.All(a.Model!, v => Assert.True(float.IsFinite(v) && v >= 0));
            Assert.All(a.Sky!, v => Assert.True(float.IsFinite(v) && v >= 0));
            Assert.All(a.WDisp!, v => Assert.InRange(v, 1.0f, 1.2f));
            for (int i = 1; i < a.Count; i++) Assert.True(Math.Abs(a.WDisp![i] - a.WDisp[i - 1]) < 1e-3, "wdisp must vary smoothly");
        }
        double medianModel = sample.Spectra.Select(s => (double)s.Arrays.Model!.Order().ElementAt(s.Arrays.Count / 2)).Order().ElementAt(sample.Spectra.Count / 2);
        Assert.InRange(medianModel, 1, 100); // typical flux 1–100 × 1e-17 erg/s/cm²/Å
    }

    [Fact]
    public void Ivar_is_non_negative_and_zero_exactly_where_fully_rejected()
    {
        int rejectedSpectra = 0, brightSky = 0;
        foreach (var s in sample.Spectra)
        {
            var a = s.Arrays;
            bool any = false;
            for (int i = 0; i < a.Count; i++)
            {
                float iv = a.Ivar![i];
                Assert.True(float.IsFinite(iv) && iv >= 0);
                bool rejected = (a.AndMask![i] & SdssMaskBits.FullReject) != 0;
                Assert.Equal(rejected, iv == 0);
                Assert.Equal(a.AndMask[i], a.AndMask[i] & a.OrMask![i]); // or_mask ⊇ and_mask
                any |= rejected;
                if ((a.AndMask[i] & SdssMaskBits.BrightSky) != 0)
                {
                    brightSky++;
                    Assert.True(a.Sky![i] > 30, "BRIGHTSKY only on sky lines");
                }
            }
            if (any) rejectedSpectra++;
        }
        Assert.InRange(rejectedSpectra, sample.Spectra.Count / 5, sample.Spectra.Count * 4 / 5);
        Assert.True(brightSky > sample.Spectra.Count, "bright sky lines get flagged");
        // The 5579 Å line is flagged bright in every spectrum (it is always on the grid).
        foreach (var s in sample.Spectra.Take(50))
        {
            var g = (LogLinearGrid)s.Arrays.Grid;
            int p = (int)Math.Round((Math.Log10(5578.89) - g.Log10Start) / g.Log10Step);
            Assert.NotEqual(0, s.Arrays.OrMask![p] & SdssMaskBits.BrightSky);
        }
    }

    [Fact]
    public void Noise_matches_ivar()
    {
        // (flux − model)·√ivar over good pixels must be standard normal: ivar is the noise actually added.
        double sum = 0, sum2 = 0; long n = 0;
        foreach (var s in sample.Spectra.Take(100))
        {
            var a = s.Arrays;
            for (int i = 0; i < a.Count; i++)
            {
                if (a.Ivar![i] == 0) continue;
                double chi = (a.Flux[i] - (double)a.Model![i]) * Math.Sqrt(a.Ivar[i]);
                sum += chi; sum2 += chi * chi; n++;
            }
        }
        Assert.InRange(sum / n, -0.01, 0.01);
        Assert.InRange(sum2 / n, 0.98, 1.02);
    }

    [Fact]
    public void Noise_grows_with_sky_brightness()
    {
        // Pixels on bright sky lines are noisier than their neighbours.
        var s = sample.Spectra.First(x => x.Meta.Instrument == "SDSS");
        var g = (LogLinearGrid)s.Arrays.Grid;
        int p = (int)Math.Round((Math.Log10(5578.89) - g.Log10Start) / g.Log10Step);
        int q = p + 25;
        if (s.Arrays.Ivar![p] > 0) Assert.True(s.Arrays.Ivar[p] < 0.5 * s.Arrays.Ivar[q]);
        Assert.True(s.Arrays.Sky![p] > 5 * s.Arrays.Sky[q]);
    }

    [Fact]
    public void SnMedian_is_the_median_of_flux_times_sqrt_ivar_over_good_pixels()
    {
        foreach (var s in sample.Spectra.Take(40))
        {
            var a = s.Arrays;
            var v = Enumerable.Range(0, a.Count).Where(i => a.Ivar![i] > 0).Select(i => (double)(a.Flux[i] * MathF.Sqrt(a.Ivar![i]))).Order().ToArray();
            double med = v.Length % 2 == 1 ? v[v.Length / 2] : 0.5 * (v[v.Length / 2 - 1] + v[v.Length / 2]);
            Assert.Equal(med, s.Meta.SnMedian, 5);
        }
        Assert.InRange(sample.Metas.Select(m => m.SnMedian).Order().ElementAt(sample.Metas.Count / 2), 3, 40);
    }

    private static double ModelAt(Spectrum s, double lambdaObs)
    {
        var g = (LogLinearGrid)s.Arrays.Grid;
        int p = (int)Math.Round((Math.Log10(lambdaObs) - g.Log10Start) / g.Log10Step);
        return s.Arrays.Model![p];
    }

    private static double MeanModel(Spectrum s, double lo, double hi)
    {
        var g = (LogLinearGrid)s.Arrays.Grid;
        double sum = 0; int n = 0;
        for (int i = 0; i < g.Count; i++) if (g[i] >= lo && g[i] <= hi) { sum += s.Arrays.Model![i]; n++; }
        return sum / n;
    }

    [Fact]
    public void Star_forming_galaxies_show_H_alpha_emission_at_the_redshifted_wavelength()
    {
        var sf = sample.Spectra.Where(s => s.Meta.Subclass == "STARFORMING" && 6564.61 * (1 + s.Meta.Z) < s.Arrays.Grid.Last - 50).ToList();
        Assert.True(sf.Count >= 10);
        foreach (var s in sf)
        {
            double l = 6564.61 * (1 + s.Meta.Z);
            double peak = ModelAt(s, l);
            double cont = 0.5 * (MeanModel(s, l - 80, l - 50) + MeanModel(s, l + 50, l + 80));
            Assert.True(peak > 1.5 * cont, $"{s.Meta.ObsId} z={s.Meta.Z}: Hα {peak} vs continuum {cont}");
            // and the peak is where the line should be: higher than 5 pixels to either side
            Assert.True(peak > ModelAt(s, l * Math.Pow(10, 5e-4)) && peak > ModelAt(s, l / Math.Pow(10, 5e-4)));
        }
    }

    [Fact]
    public void Passive_galaxies_have_a_4000_A_break_and_stars_absorption_lines()
    {
        var passive = sample.Spectra.Where(s => s.Meta.Class == "GALAXY" && s.Meta.Subclass == "" && 3750 * (1 + s.Meta.Z) > s.Arrays.Grid.First).ToList();
        Assert.True(passive.Count >= 10);
        foreach (var s in passive)
        {
            double zp = 1 + s.Meta.Z;
            Assert.True(MeanModel(s, 4050 * zp, 4250 * zp) > 1.3 * MeanModel(s, 3750 * zp, 3950 * zp), s.Meta.ObsId);
        }
        var hot = sample.Spectra.Where(s => s.Meta.Class == "STAR" && s.Meta.Subclass[0] is 'A' or 'F').ToList();
        Assert.NotEmpty(hot);
        foreach (var s in hot)
        {
            double l = 6564.61 * (1 + s.Meta.Z);
            Assert.True(ModelAt(s, l) < 0.85 * 0.5 * (ModelAt(s, l - 60) + ModelAt(s, l + 60)), $"Hα absorption in {s.Meta.ObsId}");
        }
    }

    [Fact]
    public void Quasars_have_broad_lines_and_a_Lyman_alpha_forest()
    {
        var qsos = sample.Spectra.Where(s => s.Meta.Class == "QSO").ToList();
        Assert.True(qsos.Count > 40);
        foreach (var s in qsos)
        {
            double zp = 1 + s.Meta.Z;
            // the strongest broad line on the grid stands out
            double line = new[] { 6564.61, 4862.68, 2799.12, 1549.06, 1215.67 }.First(l => l * zp > s.Arrays.Grid.First * 1.07 && l * zp < s.Arrays.Grid.Last / 1.07) * zp;
            double cont = 0.5 * (ModelAt(s, line / 1.06) + ModelAt(s, line * 1.06));
            Assert.True(ModelAt(s, line) > 1.2 * cont, $"{s.Meta.ObsId} z={s.Meta.Z}");
        }
        var forest = qsos.Where(s => s.Meta.Z > 2.4).ToList();
        Assert.NotEmpty(forest);
        foreach (var s in forest)
        {
            // many narrow dips blueward of Lyα, hardly any redward
            var g = (LogLinearGrid)s.Arrays.Grid; var m = s.Arrays.Model!;
            double lya = 1215.67 * (1 + s.Meta.Z);
            int Minima(double lo, double hi)
            {
                int c = 0;
                for (int i = 1; i < g.Count - 1; i++)
                    if (g[i] > lo && g[i] < hi && m[i] < m[i - 1] && m[i] < m[i + 1] && m[i] < 0.9 * Math.Max(m[i - 2 < 0 ? 0 : i - 2], m[Math.Min(g.Count - 1, i + 2)])) c++;
                return c;
            }
            Assert.True(Minima(Math.Max(lya / 1.1, g.First), lya / 1.01) > 10, $"forest in {s.Meta.ObsId}");
            Assert.True(Minima(lya * 1.1, lya * 1.3) <= 2);
        }
    }

    // ------------------------------------------------------------ grids

    [Fact]
    public void Grids_share_one_lattice_so_alignment_is_an_exact_pixel_shift()
    {
        var grids = sample.Spectra.Select(s => Assert.IsType<LogLinearGrid>(s.Arrays.Grid)).ToList();
        var first = grids[0];
        foreach (var g in grids)
        {
            Assert.Equal(1e-4, g.Log10Step);
            double k = (g.Log10Start - 3.55) / 1e-4;
            Assert.True(Math.Abs(k - Math.Round(k)) < 1e-6, $"start {g.Log10Start:R} is not on the lattice");
            Assert.Equal(Math.Round(g.Log10Start, 4), g.Log10Start); // the closest double to a 4-decimal number
            Assert.NotNull(first.PixelOffsetOf(g));
            Assert.Equal((long)Math.Round((g.Log10Start - first.Log10Start) / 1e-4), first.PixelOffsetOf(g));
        }
        Assert.True(grids.Select(g => g.Log10Start).Distinct().Count() > 20, "starts differ from spectrum to spectrum");
        foreach (var s in sample.Spectra)
        {
            var g = s.Arrays.Grid;
            if (s.Meta.Instrument == "SDSS")
            {
                Assert.InRange(g.Count, 3750, 3900);
                Assert.InRange(g.First, 3780, 3860); Assert.InRange(g.Last, 9100, 9300);
            }
            else
            {
                Assert.InRange(g.Count, 4550, 4700);
                Assert.InRange(g.First, 3550, 3620); Assert.InRange(g.Last, 10300, 10500);
            }
        }
    }

    // ------------------------------------------------------------ metadata

    [Fact]
    public void Plate_mjd_fiber_and_specobjid_are_unique()
    {
        var metas = sample.Metas;
        Assert.Equal(metas.Count, metas.Select(m => (m.Plate, m.Mjd, m.FiberId)).Distinct().Count());
        Assert.Equal(metas.Count, metas.Select(m => m.SpecObjId).Distinct().Count());
        Assert.Equal(metas.Count, metas.Select(m => m.ObsId).Distinct().Count());
        foreach (var m in metas)
        {
            bool boss = m.Instrument == "BOSS";
            Assert.Equal(SpecObjId.Pack(m.Plate, m.Mjd, m.FiberId, boss ? 1302 : 26), m.SpecObjId);
            Assert.Equal((m.Plate, m.Mjd, m.FiberId), SpecObjId.Unpack(m.SpecObjId));
            Assert.True(m.SpecObjId > 0);
            if (boss) { Assert.InRange(m.Plate, 7801, 8191); Assert.InRange(m.FiberId, 1, 1000); Assert.InRange(m.Mjd, 55170, 56699); }
            else { Assert.InRange(m.Plate, 4001, 5999); Assert.InRange(m.FiberId, 1, 640); Assert.InRange(m.Mjd, 51580, 54660); }
        }
        // one MJD per plate
        Assert.All(metas.GroupBy(m => m.Plate), g => Assert.Single(g.Select(m => m.Mjd).Distinct()));
    }

    [Fact]
    public void Instruments_are_mixed_and_metadata_is_consistent()
    {
        var metas = sample.Metas;
        double bossFraction = metas.Count(m => m.Instrument == "BOSS") / (double)metas.Count;
        Assert.Equal(0.3, bossFraction, 3);
        foreach (var m in metas)
        {
            if (m.Instrument == "BOSS")
            {
                Assert.Equal("boss", m.Survey); Assert.Equal("v5_13_2", m.Run2d); Assert.Equal(2.0, m.FiberDiameter);
                Assert.Contains(m.ProgramName, new[] { "boss", "ancillary" });
            }
            else
            {
                Assert.Equal("SDSS", m.Instrument);
                Assert.Equal("sdss", m.Survey); Assert.Equal("26", m.Run2d); Assert.Equal(3.0, m.FiberDiameter);
                Assert.Contains(m.ProgramName, new[] { "legacy", "segue1", "special" });
            }
            Assert.InRange(m.ExpTime!.Value, 2700, 5400);
            Assert.InRange(m.TMin!.Value, m.Mjd, m.Mjd + 0.5);
            Assert.InRange(m.TMax!.Value - m.TMin.Value, m.ExpTime.Value / 86400, m.ExpTime.Value / 86400 + 0.05);
            Assert.Equal("1E-17 erg/cm^2/s/Ang", m.FluxUnit);
        }
    }

    [Fact]
    public void Positions_are_valid_and_clustered_on_plates()
    {
        var g = sample.Generator;
        foreach (var (m, i) in sample.Metas.Select((m, i) => (m, i)))
        {
            Assert.InRange(m.Ra, 0.0, 360.0); Assert.True(m.Ra < 360.0);
            Assert.InRange(m.Dec, -90.0, 90.0);
            var plate = g.PlateOf(i);
            Assert.Equal(plate.Plate, m.Plate);
            Assert.Equal(plate, g.Plate(m.Plate));
            double d = plate.Centre.DistanceTo(new SkyPoint(m.Ra, m.Dec));
            Assert.True(d <= 1.4901, $"{m.ObsId} is {d}° from its plate centre");
        }
        // Fibres fill their plate's cap rather than a tiny spot.
        foreach (var grp in sample.Metas.Select((m, i) => (m, i)).GroupBy(x => x.m.Plate))
        {
            var c = g.PlateOf(grp.First().i).Centre;
            var dist = grp.Select(x => c.DistanceTo(new SkyPoint(x.m.Ra, x.m.Dec))).ToList();
            if (dist.Count > 100) Assert.True(dist.Max() > 1.3 && dist.Count(x => x < 0.75) > dist.Count / 6);
        }
        // The awkward geometry is present even in the first thousand spectra.
        var first = sample.Metas.Take(1000).ToList();
        Assert.Contains(first, m => m.Ra < 1.0);
        Assert.Contains(first, m => m.Ra > 359.0);
        Assert.Contains(first, m => m.Dec > 70.0);
        // Several plates in different parts of the sky.
        var centres = sample.Metas.Select((m, i) => i).Where(i => i % 50 == 0).Select(i => g.PlateOf(i)).DistinctBy(p => p.Plate).ToList();
        Assert.True(centres.Count >= 6);
        Assert.Contains(centres, p => p.Centre.Dec > 88); // a plate whose fibres straddle the pole
        Assert.Contains(centres, p => p.Centre.Ra is > 120 and < 240 && Math.Abs(p.Centre.Dec) < 3);
    }
}
