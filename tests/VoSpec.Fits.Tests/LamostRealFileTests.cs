using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using VoSpec.Core.Spectra;
using VoSpec.Fits.Lamost;
using VoSpec.Testing;

namespace VoSpec.Fits.Tests;

/// <summary>The two real LAMOST LRS files (old image layout, new COADD table layout) read by <see cref="LamostReader"/>, checked against astropy.</summary>
public class LamostRealFileTests
{
    public static TheoryData<string> Files => new()
    {
        "lamost/spec-55859-F5902_sp01-001_dr7.fits.gz",
        "lamost/spec-55859-F5902_sp01-013_dr8.fits.gz",
    };

    /// <summary>Header values as repr (round-trips to the same double) and the five vectors as big-endian float32 bytes.</summary>
    private const string Dump = """
        import sys, json, numpy as np
        from astropy.io import fits
        h = fits.open(sys.argv[1]); out = sys.argv[2]; p = h[0].header
        if 'COADD' in h:
            d = h['COADD'].data
            rows = [d[c][0] for c in ['FLUX', 'IVAR', 'WAVELENGTH', 'ANDMASK', 'ORMASK']]
        else:
            rows = list(h[0].data)
        for name, r in zip(['flux', 'ivar', 'wave', 'andmask', 'ormask'], rows):
            np.asarray(r, dtype='>f4').tofile(f'{out}/{name}.bin')
        print(json.dumps({'obsid': int(p['OBSID']), 'ra': repr(float(p['RA'])), 'dec': repr(float(p['DEC'])), 'z': repr(float(p['Z'])),
                          'mjd': int(p['MJD']), 'fiber': int(p['FIBERID']), 'class': p['CLASS'].strip(), 'subclass': p['SUBCLASS'].strip(),
                          'coeff0': p['COEFF0'], 'coeff1': p['COEFF1'], 'n': len(rows[0])}))
        """;

    private static byte[] Bytes(float[] values)
    {
        var b = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteSingleBigEndian(b.AsSpan(i * 4), values[i]);
        return b;
    }

    private static float[] Floats(int[] bits) => bits.Select(b => (float)b).ToArray();

    [Theory]
    [MemberData(nameof(Files))]
    public void Header_values_and_every_vector_match_astropy_bit_for_bit(string relative)
    {
        using var dir = TestPaths.NewTempDir();
        var r = ExternalTool.RunPython(Dump, TestPaths.RealFile(relative), dir.Path);
        Assert.True(r.ExitCode == 0, r.All);
        var j = JsonDocument.Parse(r.StdOut.Trim().Split('\n')[^1]).RootElement;
        double D(string k) => double.Parse(j.GetProperty(k).GetString()!, CultureInfo.InvariantCulture);
        byte[] Bin(string k) => File.ReadAllBytes(Path.Combine(dir.Path, k + ".bin"));

        var lamost = LamostReader.Read(TestPaths.RealFile(relative));
        var (meta, a) = (lamost.Spectrum.Meta, lamost.Spectrum.Arrays);
        Assert.Equal(j.GetProperty("obsid").GetInt64(), meta.SpecObjId);
        Assert.Equal(j.GetProperty("obsid").GetInt64().ToString(CultureInfo.InvariantCulture), meta.ObsId);
        Assert.Equal((D("ra"), D("dec"), D("z")), (meta.Ra, meta.Dec, meta.Z));
        Assert.Equal((j.GetProperty("mjd").GetInt32(), j.GetProperty("fiber").GetInt32()), (meta.Mjd, meta.FiberId));
        Assert.Equal((j.GetProperty("class").GetString(), j.GetProperty("subclass").GetString()), (meta.Class, meta.Subclass));
        Assert.Equal(LamostConventions.FluxUnit, meta.FluxUnit);
        Assert.Equal("LAMOST LRS", meta.Instrument);

        Assert.Equal(Bin("flux"), Bytes(a.Flux));
        Assert.Equal(Bin("ivar"), Bytes(a.Ivar!));
        Assert.Equal(Bin("wave"), Bytes(lamost.StoredWavelength));
        Assert.Equal(Bin("andmask"), Bytes(Floats(a.AndMask!)));
        Assert.Equal(Bin("ormask"), Bytes(Floats(a.OrMask!)));

        // The grid is the header's log-linear lattice, and the stored wavelengths sit on it to float precision.
        var grid = Assert.IsType<LogLinearGrid>(a.Grid);
        Assert.Equal(j.GetProperty("n").GetInt32(), grid.Count);
        Assert.Equal(j.GetProperty("coeff0").GetDouble(), grid.Log10Start);
        Assert.Equal(j.GetProperty("coeff1").GetDouble(), grid.Log10Step);
        for (int i = 0; i < grid.Count; i++)
            Assert.True(Math.Abs(grid[i] - lamost.StoredWavelength[i]) < 1e-6 * grid[i], $"pixel {i}: {grid[i]} vs {lamost.StoredWavelength[i]}");
    }

    [Fact]
    public void The_two_layouts_are_told_apart_by_content()
    {
        var old = LamostReader.Read(TestPaths.RealFile("lamost/spec-55859-F5902_sp01-001_dr7.fits.gz"));
        var @new = LamostReader.Read(TestPaths.RealFile("lamost/spec-55859-F5902_sp01-013_dr8.fits.gz"));
        Assert.Equal(LamostLayout.PrimaryImage, old.Layout);
        Assert.Null(old.Normalization);
        Assert.Equal(LamostLayout.CoaddTable, @new.Layout);
        Assert.Equal(3908, @new.Normalization!.Length);
        Assert.Equal((101001L, "STAR", "G7"), (old.Spectrum.Meta.SpecObjId, old.Spectrum.Meta.Class, old.Spectrum.Meta.Subclass));
        Assert.Equal((101013L, "A2"), (@new.Spectrum.Meta.SpecObjId, @new.Spectrum.Meta.Subclass));
        Assert.Equal(("LAMOST DR7", "F5902", 5400.0), (old.Spectrum.Meta.Survey, old.Spectrum.Meta.ProgramName, old.Spectrum.Meta.ExpTime));
    }

    [Fact]
    public void A_lamost_file_gunzipped_and_renamed_reads_the_same()
    {
        using var dir = TestPaths.NewTempDir();
        string path = Path.Combine(dir.Path, "whatever.dat");
        using (var gz = new GZipStream(File.OpenRead(TestPaths.RealFile("lamost/spec-55859-F5902_sp01-013_dr8.fits.gz")), CompressionMode.Decompress))
        using (var f = File.Create(path)) gz.CopyTo(f);
        Assert.Equal(LamostReader.Read(TestPaths.RealFile("lamost/spec-55859-F5902_sp01-013_dr8.fits.gz")).Spectrum.Arrays.Flux, LamostReader.Read(path).Spectrum.Arrays.Flux);
    }

    [Fact]
    public void Other_files_are_format_errors_naming_the_file()
    {
        var e = Assert.Throws<FitsFormatException>(() => LamostReader.Read(TestPaths.RealFile("desi/coadd-sv3-dark-26065.fits")));
        Assert.Contains("coadd-sv3-dark-26065.fits", e.Message);
        Assert.Contains("not a LAMOST", e.Message);
    }
}
