using VoSpec.Fits.Sdss;
using VoSpec.Testing;

namespace VoSpec.Fits.Tests;

public class BadInputTests
{
    [Fact]
    public void Real_file_cut_in_half_is_truncated()
    {
        using var dir = TestPaths.NewTempDir();
        var bytes = File.ReadAllBytes(TestPaths.RealFile("sdss/lite/spec-0266-51602-0013.fits"));
        string path = Path.Combine(dir.Path, "spec-half.fits");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<FitsFormatException>(() => SdssSpectrumReader.Read(path));
        Assert.Contains("spec-half.fits", e.Message);
        Assert.Contains("truncated", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void File_cut_inside_a_header_is_truncated()
    {
        var bytes = File.ReadAllBytes(TestPaths.RealFile("sdss/lite/spec-0266-51602-0107.fits"));
        var e = Assert.Throws<FitsFormatException>(() => SdssSpectrumReader.Read(bytes.AsMemory(0, 1000), "cut.fits"));
        Assert.Contains("cut.fits", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Text_file_is_not_FITS()
    {
        using var dir = TestPaths.NewTempDir();
        string path = Path.Combine(dir.Path, "notes.fits");
        File.WriteAllText(path, "plate,mjd,fiber\n266,51602,13\n");
        var e = Assert.Throws<FitsFormatException>(() => SdssSpectrumReader.Read(path));
        Assert.Contains("notes.fits", e.Message);
        Assert.Contains("not a FITS file", e.Message);
    }

    [Fact]
    public void Header_without_END_is_reported()
    {
        var h = new FitsHeader().Add("SIMPLE", true).Add("BITPIX", 8L).Add("NAXIS", 0L).ToBytes();
        var text = System.Text.Encoding.ASCII.GetString(h).Replace("END     ", "        ");
        var e = Assert.Throws<FitsFormatException>(() => FitsReader.Parse(System.Text.Encoding.ASCII.GetBytes(text), "noend.fits"));
        Assert.Equal("noend.fits: HDU 0: header has no END card before the end of the file", e.Message);
    }

    [Fact]
    public void Fits_file_without_COADD_is_not_an_SDSS_spectrum()
    {
        using var dir = TestPaths.NewTempDir();
        string path = Path.Combine(dir.Path, "image-only.fits");
        using (var w = new FitsWriter(File.Create(path)))
            w.WriteImage(new float[10], [10], new FitsHeader().Add("OBJECT", "nothing"));
        var e = Assert.Throws<FitsFormatException>(() => SdssSpectrumReader.Read(path));
        Assert.Contains("image-only.fits", e.Message);
        Assert.Contains("no COADD", e.Message);
        // DESI coadds are FITS but not SDSS either.
        var desi = Assert.Throws<FitsFormatException>(() => SdssSpectrumReader.Read(TestPaths.RealFile("desi/coadd-sv3-dark-26065.fits")));
        Assert.Contains("coadd-sv3-dark-26065.fits", desi.Message);
    }

    [Theory]
    [InlineData("no flux column")]
    [InlineData("zero pixels")]
    public void Coadd_without_flux_or_pixels_is_refused(string reason)
    {
        var ms = new MemoryStream();
        using (var w = new FitsWriter(ms, leaveOpen: true))
        {
            w.WritePrimaryHeader();
            bool noFlux = reason == "no flux column";
            using var t = w.BeginBinaryTable(noFlux ? [new("loglam", "E")] : [new("flux", "E"), new("loglam", "E")], noFlux ? 1 : 0, extName: "COADD");
            if (noFlux) { t.WriteSingle(3.6f); t.EndRow(); }
            t.Complete();
        }
        var e = Assert.Throws<FitsFormatException>(() => SdssSpectrumReader.Read(ms.ToArray(), "bad-coadd.fits"));
        Assert.Equal($"bad-coadd.fits: the COADD table has {reason}", e.Message);
    }

    [Fact]
    public void Missing_file_is_FileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => SdssSpectrumReader.Read(Path.Combine(Path.GetTempPath(), "does-not-exist-" + Guid.NewGuid() + ".fits")));
    }
}
