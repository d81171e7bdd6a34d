using System.IO.Compression;
using VoSpec.Fits.Sdss;
using VoSpec.Testing;

namespace VoSpec.Fits.Tests;

public class GzipTests
{
    [Fact]
    public void Lamost_dr7_image_file_opens_through_gzip()
    {
        var file = FitsReader.Open(TestPaths.RealFile("lamost/spec-55859-F5902_sp01-001_dr7.fits.gz"));
        var img = Assert.IsType<ImageHdu>(Assert.Single(file.Hdus));
        Assert.Equal(new[] { 3908, 5 }, img.Axes);
        Assert.Equal(-32, img.Bitpix);
        Assert.Equal(3.5682, img.Header.GetDouble("CRVAL1"), 6);
        var rows = img.ReadFloats();
        // Row 2 is the wavelength: 10^(CRVAL1 + i·1e-4).
        Assert.Equal(Math.Pow(10, 3.5682), rows[2 * 3908], 0.01);
    }

    [Fact]
    public void Lamost_dr8_table_file_opens_through_gzip()
    {
        var file = FitsReader.Open(TestPaths.RealFile("lamost/spec-55859-F5902_sp01-013_dr8.fits.gz"));
        Assert.Equal(2, file.Hdus.Count);
        var coadd = file.Get<BinaryTable>("COADD");
        Assert.Equal(1, coadd.RowCount);
        var wave = coadd.ReadFloats("WAVELENGTH");
        Assert.Equal(3908, wave.Length);
        Assert.True(wave[0] > 3600 && wave[^1] > wave[0]);
        Assert.Equal(3908, coadd.ReadFloats("FLUX").Length);
        // A one-row vector column is no SDSS COADD: the SDSS reader says so.
        var e = Assert.Throws<FitsFormatException>(() => SdssSpectrumReader.Read(TestPaths.RealFile("lamost/spec-55859-F5902_sp01-013_dr8.fits.gz")));
        Assert.Contains("spec-55859-F5902_sp01-013_dr8.fits.gz", e.Message);
    }

    [Fact]
    public void Our_own_file_gzipped_is_recognised_by_magic_bytes_not_name()
    {
        var spectrum = SdssRoundTripTests.Synthetic(boss: true, n: 500);
        var raw = new MemoryStream();
        SdssSpecWriter.WriteLite(spectrum, raw);
        using var dir = TestPaths.NewTempDir();
        string path = Path.Combine(dir.Path, "no-gz-suffix.fits");
        using (var f = File.Create(path))
        using (var gz = new GZipStream(f, CompressionLevel.Fastest)) raw.WriteTo(gz);
        Assert.Equal(0x1f, File.ReadAllBytes(path)[0]);

        SpectrumAssert.Equal(spectrum, SdssSpectrumReader.Read(path));
        using var stream = File.OpenRead(path);
        SpectrumAssert.Equal(spectrum, SdssSpectrumReader.Read(stream, "stream.fits.gz"));
    }

    [Fact]
    public void Truncated_gzip_is_a_format_error()
    {
        var raw = new MemoryStream();
        SdssSpecWriter.WriteLite(SdssRoundTripTests.Synthetic(boss: false, n: 500), raw);
        var zipped = new MemoryStream();
        using (var gz = new GZipStream(zipped, CompressionLevel.Fastest, leaveOpen: true)) raw.WriteTo(gz);
        var cut = zipped.ToArray()[..(int)(zipped.Length / 2)];
        var e = Assert.Throws<FitsFormatException>(() => FitsReader.Parse(cut, "half.fits.gz"));
        Assert.StartsWith("half.fits.gz: ", e.Message);
    }
}
