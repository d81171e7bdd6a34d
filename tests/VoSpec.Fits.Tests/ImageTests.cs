using VoSpec.Testing;

namespace VoSpec.Fits.Tests;

public class ImageTests
{
    private static readonly int[] Axes = [4, 3]; // NAXIS1 = 4 (fastest), NAXIS2 = 3

    [Fact]
    public void Our_images_of_every_BITPIX_pass_fitsverify_and_astropy_reads_them()
    {
        using var dir = TestPaths.NewTempDir();
        string path = Path.Combine(dir.Path, "images.fits");
        using (var f = File.Create(path))
        using (var w = new FitsWriter(new NonSeekableStream(f)))
        {
            w.WriteImage(Enumerable.Range(0, 12).Select(i => (byte)(i * 20)).ToArray(), Axes, new FitsHeader().Add("OBJECT", "bytes"));
            w.WriteImage(Enumerable.Range(0, 12).Select(i => (short)(i * 1000 - 6000)).ToArray(), Axes, extName: "I16");
            w.WriteImage(Enumerable.Range(0, 12).Select(i => (ushort)(i * 5000 + 5)).ToArray(), Axes, extName: "U16");
            w.WriteImage(Enumerable.Range(0, 12).Select(i => i * 100000 - 1).ToArray(), Axes, extName: "I32");
            w.WriteImage(Enumerable.Range(0, 12).Select(i => (long)i << 40).ToArray(), Axes, extName: "I64");
            w.WriteImage(Enumerable.Range(0, 12).Select(i => i * 0.25f).ToArray(), Axes, extName: "F32");
            w.WriteImage(Enumerable.Range(0, 12).Select(i => Math.PI * i).ToArray(), Axes, extName: "F64");
        }
        FitsVerify.AssertClean(path);

        var py = ExternalTool.RunPython("""
            import sys
            from astropy.io import fits
            for h in fits.open(sys.argv[1]):
                print(h.name, h.header['BITPIX'], h.data.shape, h.data.dtype.name, repr(h.data[2][3].item()), repr(h.data[0][1].item()))
            """, path);
        Assert.True(py.ExitCode == 0, py.All);
        Assert.Equal(
            $"""
            PRIMARY 8 (3, 4) uint8 220 20
            I16 16 (3, 4) int16 5000 -5000
            U16 16 (3, 4) uint16 55005 5005
            I32 32 (3, 4) int32 1099999 99999
            I64 64 (3, 4) int64 {11L << 40} {1L << 40}
            F32 -32 (3, 4) float32 2.75 0.25
            F64 -64 (3, 4) float64 {Math.PI * 11:R} {Math.PI:R}
            """.ReplaceLineEndings("\n"), py.StdOut.Trim().ReplaceLineEndings("\n"));

        var file = FitsReader.Open(path);
        Assert.Equal(7, file.Hdus.Count);
        Assert.Equal("bytes", file.Primary.Header.GetString("OBJECT"));
        var u16 = file.Get<ImageHdu>("U16");
        Assert.Equal(new[] { 4, 3 }, u16.Axes);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => i * 5000.0 + 5), u16.ReadDoubles());
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (double)((long)i << 40)), file.Get<ImageHdu>("I64").ReadDoubles());
        Assert.Equal(Enumerable.Range(0, 12).Select(i => i * 0.25f), file.Get<ImageHdu>("F32").ReadFloats());
    }

    [Fact]
    public void Astropy_images_of_every_BITPIX_with_scaling_are_read()
    {
        using var dir = TestPaths.NewTempDir();
        string path = Path.Combine(dir.Path, "astropy-images.fits");
        var r = ExternalTool.RunPython("""
            import sys, numpy as np
            from astropy.io import fits
            a = np.arange(12).reshape(3, 4)
            hdus = [fits.PrimaryHDU((a * 20).astype(np.uint8))]
            for name, data in [('I16', (a * 1000 - 6000).astype(np.int16)), ('U16', (a * 5000 + 5).astype(np.uint16)),
                               ('I32', (a * 100000 - 1).astype(np.int32)), ('I64', (a.astype(np.int64) << 40)),
                               ('F32', (a * 0.25).astype(np.float32)), ('F64', a * np.pi)]:
                hdus.append(fits.ImageHDU(data, name=name))
            s = fits.ImageHDU((a * 10).astype(np.int16), name='SCALED')
            s.header['BSCALE'] = 0.5; s.header['BZERO'] = -3.0
            hdus.append(s)
            fits.HDUList(hdus).writeto(sys.argv[1])
            """, path);
        Assert.True(r.ExitCode == 0, r.All);
        var file = FitsReader.Open(path);
        var expected = new Dictionary<string, Func<int, double>>
        {
            ["PRIMARY"] = i => i * 20, ["I16"] = i => i * 1000 - 6000, ["U16"] = i => i * 5000 + 5, ["I32"] = i => i * 100000 - 1,
            ["I64"] = i => (double)((long)i << 40), ["F32"] = i => i * 0.25, ["F64"] = i => i * Math.PI, ["SCALED"] = i => i * 10 * 0.5 - 3,
        };
        foreach (var (name, f) in expected)
        {
            var img = Assert.IsType<ImageHdu>(file.Find(name));
            Assert.Equal(new[] { 4, 3 }, img.Axes);
            Assert.Equal(Enumerable.Range(0, 12).Select(f), img.ReadDoubles());
        }
        Assert.Equal(16, file.Get<ImageHdu>("U16").Bitpix);
        Assert.Equal(32768, file.Get<ImageHdu>("U16").BZero);
    }
}
