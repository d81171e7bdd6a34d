using VoSpec.Core.Spectra;
using VoSpec.Fits.Sdss;
using VoSpec.Testing;

namespace VoSpec.Fits.Tests;

public class SdssRoundTripTests
{
    internal static Spectrum Synthetic(bool boss, int n = 4000)
    {
        var rng = new Random(boss ? 7 : 3);
        float[] F() { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float)(rng.NextDouble() * 100 - 10); return a; }
        int[] I() { var a = new int[n]; for (int i = 0; i < n; i++) a[i] = rng.Next() << 1 | rng.Next(2); return a; }
        int plate = boss ? 7338 : 266, mjd = boss ? 57789 : 51602, fiber = boss ? 739 : 13;
        return new Spectrum
        {
            Meta = new SpectrumMeta
            {
                SpecObjId = SpecObjId.Pack(plate, mjd, fiber, boss ? 103 : 26),
                Plate = plate, Mjd = mjd, FiberId = fiber,
                Run2d = boss ? "v5_13_2" : "26", Run1d = boss ? "v5_13_2" : "",
                Ra = 213.35114999999996, Dec = -53.090823456789,
                Z = 0.456570744514465, ZErr = 7.345090125e-05, ZWarning = 4,
                Class = "QSO", Subclass = "BROADLINE O'Neil", Survey = boss ? "" : "sdss", ProgramName = boss ? "RM" : "legacy",
                SnMedian = 19.014801025390625,
                Instrument = boss ? "BOSS" : "SDSS", FiberDiameter = boss ? 2.0 : 3.0,
                ExpTime = 3600.25, TMin = 57789.123456789012, TMax = 57789.2987654321,
                FluxUnit = "1E-17 erg/cm^2/s/Ang",
            },
            Arrays = new SpectrumArrays
            {
                Grid = new LogLinearGrid(3.5577, 1e-4, n),
                Flux = F(), Ivar = F(), AndMask = I(), OrMask = I(), WDisp = F(), Sky = F(), Model = F(),
            },
        };
    }

    private static Spectrum RoundTrip(Spectrum s)
    {
        var ms = new MemoryStream();
        SdssSpecWriter.WriteLite(s, ms);
        return SdssSpectrumReader.Read(ms.ToArray(), "roundtrip.fits");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WriteLite_then_Read_gives_the_same_spectrum(bool boss) =>
        SpectrumAssert.Equal(Synthetic(boss), RoundTrip(Synthetic(boss)));

    [Fact]
    public void Ids_at_or_above_2_to_63_survive_as_the_same_long()
    {
        var s = Synthetic(boss: true);
        var big = new Spectrum { Meta = s.Meta with { Plate = 9000, SpecObjId = SpecObjId.Pack(9000, 57789, 739, 103) }, Arrays = s.Arrays };
        Assert.True(big.Meta.SpecObjId < 0);
        Assert.Equal(big.Meta.SpecObjId, RoundTrip(big).Meta.SpecObjId);
    }

    [Theory]
    [InlineData("sdss/lite/spec-0266-51602-0013.fits")]
    [InlineData("sdss/full/spec-0332-52367-0639.fits")]
    [InlineData("sdss/rm017/spec-7338-57789-0739.fits")]
    [InlineData("sdss/spSpec_dr7/spSpec-52999-1307-323.fits")]
    public void Real_file_read_written_read_is_unchanged(string file)
    {
        var first = SdssSpectrumReader.Read(TestPaths.RealFile(file));
        var second = RoundTrip(first);
        if (first.Arrays.Sky is null)
        {
            // spSpec has no sky/model: written as zeros, read back as zero vectors.
            Assert.All(second.Arrays.Sky!, v => Assert.Equal(0f, v));
            Assert.All(second.Arrays.Model!, v => Assert.Equal(0f, v));
            second = new Spectrum { Meta = second.Meta, Arrays = new SpectrumArrays
            {
                Grid = second.Arrays.Grid, Flux = second.Arrays.Flux, Ivar = second.Arrays.Ivar, AndMask = second.Arrays.AndMask,
                OrMask = second.Arrays.OrMask, WDisp = second.Arrays.WDisp,
            } };
        }
        SpectrumAssert.Equal(first, second);
    }

    [Fact]
    public void Explicit_grid_survives_as_float_loglam()
    {
        var s = Synthetic(boss: false, n: 50);
        var waves = new double[50];
        for (int i = 0; i < 50; i++) waves[i] = Math.Pow(10, (double)(float)(3.6 + i * 2.5e-4 + i * i * 1e-6));
        var explicitGrid = new Spectrum { Meta = s.Meta, Arrays = new SpectrumArrays { Grid = new ExplicitGrid(waves), Flux = s.Arrays.Flux.AsSpan(0, 50).ToArray() } };
        var back = RoundTrip(explicitGrid);
        var grid = Assert.IsType<ExplicitGrid>(back.Arrays.Grid);
        for (int i = 0; i < 50; i++) Assert.Equal(waves[i], grid[i], waves[i] * 1e-6);
        Assert.Equal(explicitGrid.Arrays.Flux, back.Arrays.Flux);
        Assert.Equal(new float[50], back.Arrays.Ivar);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Lite_file_passes_fitsverify_and_astropy_reads_it(bool boss)
    {
        using var dir = TestPaths.NewTempDir();
        string path = Path.Combine(dir.Path, "spec-lite.fits");
        var s = Synthetic(boss);
        SdssSpecWriter.WriteLite(s, path);
        FitsVerify.AssertClean(path);

        var py = ExternalTool.RunPython("""
            import sys
            from astropy.io import fits
            h = fits.open(sys.argv[1])
            print([x.name for x in h])
            c = h[1].data; o = h[2].data
            print(len(c), repr(float(c['flux'][17])), int(c['and_mask'][17]), int(o['SPECOBJID'][0]), o['CLASS'][0], o['SUBCLASS'][0], h[0].header['PLATEID'])
            """, path);
        Assert.True(py.ExitCode == 0, py.All);
        var lines = py.StdOut.Trim().Split('\n');
        Assert.Equal(boss ? "['PRIMARY', 'COADD', 'SPALL']" : "['PRIMARY', 'COADD', 'SPECOBJ']", lines[0]);
        var f = lines[1].Split(' ');
        Assert.Equal("4000", f[0]);
        Assert.Equal((double)s.Arrays.Flux[17], double.Parse(f[1]));
        Assert.Equal(s.Arrays.AndMask![17].ToString(), f[2]);
        Assert.Equal(s.Meta.SpecObjId.ToString(), f[3]);
        Assert.Equal("QSO BROADLINE O'Neil " + s.Meta.Plate, string.Join(' ', f[4..]));
    }
}
