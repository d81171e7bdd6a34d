using VoSpec.Core.Spectra;
using VoSpec.Fits.Sdss;
using VoSpec.Testing;

namespace VoSpec.Fits.Tests;

public class SdssRealFileTests
{
    public static TheoryData<string> SpecFiles => SpecObjCatalog.Files();

    [Theory]
    [MemberData(nameof(SpecFiles))]
    public void Real_spec_file_matches_the_catalog(string file)
    {
        var row = SpecObjCatalog.Get(file);
        var s = SdssSpectrumReader.Read(TestPaths.RealFile(file));
        var m = s.Meta;

        Assert.Equal(row.Plate, m.Plate);
        Assert.Equal(row.Mjd, m.Mjd);
        Assert.Equal(row.FiberId, m.FiberId);
        Assert.Equal(row.SpecObjId, m.SpecObjId);
        Assert.Equal(row.PlugRa, m.Ra, 1e-9);
        Assert.Equal(row.PlugDec, m.Dec, 1e-9);
        Assert.Equal(row.Z, m.Z, 1e-12);
        Assert.Equal(row.Class, m.Class);
        Assert.Equal(row.Subclass, m.Subclass);
        Assert.Equal(row.Survey, m.Survey);
        Assert.Equal(row.ProgramName, m.ProgramName);
        Assert.Equal(row.Run2d, m.Run2d);
        Assert.Equal(row.NPix, s.Arrays.Count);
        // The CSV's wavelengths come from float32 loglam (±1 ulp ≈ 0.005 Å at 9000 Å) rounded to 0.01 Å.
        Assert.Equal(row.LamMin, s.Arrays.Grid.First, 0.02);
        Assert.Equal(row.LamMax, s.Arrays.Grid.Last, 0.02);

        // Every real SDSS coadd is log-linear with step 1e-4.
        var grid = Assert.IsType<LogLinearGrid>(s.Arrays.Grid);
        Assert.Equal(1e-4, grid.Log10Step, 12);
        bool boss = row.Run2d.StartsWith('v');
        Assert.Equal(boss ? "BOSS" : "SDSS", m.Instrument);
        Assert.Equal(boss ? 2.0 : 3.0, m.FiberDiameter);
        Assert.NotNull(m.ExpTime);
        Assert.Equal("1E-17 erg/cm^2/s/Ang", m.FluxUnit);
        foreach (var v in new Array?[] { s.Arrays.Ivar, s.Arrays.AndMask, s.Arrays.OrMask, s.Arrays.WDisp, s.Arrays.Sky, s.Arrays.Model })
            Assert.Equal(row.NPix, Assert.IsAssignableFrom<Array>(v).Length);
    }

    [Fact]
    public void Real_spec_file_pixels_match_astropy()
    {
        string path = TestPaths.RealFile("sdss/lite/spec-0266-51602-0013.fits");
        var s = SdssSpectrumReader.Read(path);
        var py = ExternalTool.RunPython("""
            import sys
            from astropy.io import fits
            d = fits.open(sys.argv[1])[1].data
            for i in (0, 1000, len(d) - 1):
                print(repr(float(d['flux'][i])), repr(float(d['ivar'][i])), int(d['and_mask'][i]), int(d['or_mask'][i]), repr(float(d['loglam'][i])), repr(float(d['sky'][i])))
            """, path);
        Assert.True(py.ExitCode == 0, py.All);
        var lines = py.StdOut.Trim().Split('\n');
        int[] idx = [0, 1000, s.Arrays.Count - 1];
        var grid = (LogLinearGrid)s.Arrays.Grid;
        for (int k = 0; k < 3; k++)
        {
            var f = lines[k].Split(' ');
            int i = idx[k];
            Assert.Equal(double.Parse(f[0]), s.Arrays.Flux[i]);
            Assert.Equal(double.Parse(f[1]), s.Arrays.Ivar![i]);
            Assert.Equal(int.Parse(f[2]), s.Arrays.AndMask![i]);
            Assert.Equal(int.Parse(f[3]), s.Arrays.OrMask![i]);
            Assert.Equal((float)double.Parse(f[4]), (float)grid.Log10At(i));
            Assert.Equal(double.Parse(f[5]), s.Arrays.Sky![i]);
        }
    }

    [Fact]
    public void Dr7_spSpec_file_is_read_from_its_image_and_header()
    {
        string path = TestPaths.RealFile("sdss/spSpec_dr7/spSpec-52999-1307-323.fits");
        var s = SdssSpectrumReader.Read(path);
        var m = s.Meta;
        Assert.Equal(1307, m.Plate);
        Assert.Equal(52999, m.Mjd);
        Assert.Equal(323, m.FiberId);
        Assert.Equal("GALAXY", m.Class);
        Assert.Equal(0.0410313, m.Z, 1e-7);
        Assert.Equal(7.54399e-05, m.ZErr, 1e-10);
        Assert.Equal(149.46417, m.Ra, 1e-9);   // RAOBJ, not the boresight RA 150.09
        Assert.Equal(10.976277, m.Dec, 1e-9);
        Assert.Equal(SpecObjId.Pack(1307, 52999, 323, 0), m.SpecObjId);
        Assert.Equal("SDSS", m.Instrument);
        Assert.Equal(3.0, m.FiberDiameter);
        Assert.Equal(2400.30, m.ExpTime);
        Assert.Equal(4579155153.0 / 86400, m.TMin!.Value, 1e-9);
        Assert.Equal(4579157956.0 / 86400, m.TMax!.Value, 1e-9);
        Assert.Equal("1.0E-17 erg/cm/s/Ang", m.FluxUnit);
        Assert.True(m.SnMedian > 1);

        Assert.Equal(3853, s.Arrays.Count);
        var grid = Assert.IsType<LogLinearGrid>(s.Arrays.Grid);
        Assert.Equal(3.5796, grid.Log10Start, 12);
        Assert.Equal(1e-4, grid.Log10Step, 12);
        Assert.Equal(11.5117f, s.Arrays.Flux[0], 4);
        Assert.Equal(11.5364f, s.Arrays.Flux[2000], 4);
        // σ = 0 → ivar 0; σ = 0.9313757 → 1/σ².
        Assert.Equal(0f, s.Arrays.Ivar![0]);
        Assert.Equal(1 / (0.9313757 * 0.9313757), s.Arrays.Ivar[2000], 1e-4);
        Assert.Equal(16777216, s.Arrays.AndMask![0]);
        Assert.NotNull(s.Arrays.OrMask);
        Assert.Null(s.Arrays.Sky);
        Assert.Null(s.Arrays.Model);
    }
}
