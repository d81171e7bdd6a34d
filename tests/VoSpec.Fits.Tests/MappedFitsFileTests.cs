using VoSpec.Fits.Desi;
using VoSpec.Testing;

namespace VoSpec.Fits.Tests;

/// <summary>
/// The memory-mapped reader (what ingest uses for survey-sized files) sees exactly the HDUs and bytes the
/// buffered reader sees, falls back for gzip, fails as the buffered reader does on bad files, and a DESI file read
/// through it without per-fibre arms gives the same merged spectra bit for bit.
/// </summary>
public class MappedFitsFileTests
{
    [Theory]
    [InlineData("desi/coadd-sv3-dark-26065.fits")]
    [InlineData("desi/spectra-5-169-thru20210419.fits")]
    [InlineData("lamost/spec-55859-F5902_sp01-013_dr8.fits.gz")]
    public void Mapped_file_has_the_buffered_files_hdus_byte_for_byte(string relative)
    {
        var path = TestPaths.RealFile(relative);
        var buffered = FitsReader.Open(path);
        using var mapped = MappedFitsFile.Open(path);
        Assert.Equal(buffered.Hdus.Count, mapped.File.Hdus.Count);
        for (int i = 0; i < buffered.Hdus.Count; i++)
        {
            Assert.Equal(buffered.Hdus[i].Name, mapped.File.Hdus[i].Name);
            Assert.True(buffered.Hdus[i].Data.Span.SequenceEqual(mapped.File.Hdus[i].Data.Span), $"HDU {i} differs");
        }
    }

    [Fact]
    public void Bad_files_fail_as_the_buffered_reader_fails()
    {
        var dir = Directory.CreateTempSubdirectory("vospec-mapped-");
        try
        {
            var empty = Path.Combine(dir.FullName, "empty.fits");
            File.WriteAllBytes(empty, []);
            Assert.Contains("empty", Assert.Throws<FitsFormatException>(() => MappedFitsFile.Open(empty)).Message);
            var junk = Path.Combine(dir.FullName, "junk.fits");
            File.WriteAllBytes(junk, new byte[10_000]);
            Assert.Contains("SIMPLE", Assert.Throws<FitsFormatException>(() => MappedFitsFile.Open(junk)).Message);
            // A file cut short in the middle of an HDU: truncated, as the buffered reader says.
            var real = File.ReadAllBytes(TestPaths.RealFile("desi/coadd-sv3-dark-26065.fits"));
            var cut = Path.Combine(dir.FullName, "cut.fits");
            File.WriteAllBytes(cut, real[..(real.Length / 2)]);
            var e = Assert.Throws<FitsFormatException>(() => MappedFitsFile.Open(cut));
            Assert.Contains("truncated", e.Message);
            Assert.Equal(Assert.Throws<FitsFormatException>(() => FitsReader.Open(cut)).Message, e.Message);
        }
        finally { dir.Delete(true); }
    }

    [Theory]
    [InlineData("desi/coadd-sv3-dark-26065.fits")]
    [InlineData("desi/spectra-5-169-thru20210419.fits")]
    public void Merged_spectra_without_arms_equal_those_merged_from_the_arms(string relative)
    {
        var path = TestPaths.RealFile(relative);
        var full = DesiReader.Read(FitsReader.Open(path));
        var lean = DesiReader.Read(path, resolution: false, arms: false);
        Assert.Equal(full.Spectra.Count, lean.Spectra.Count);
        for (int i = 0; i < full.Spectra.Count; i++)
        {
            var (a, b) = (full.Spectra[i].Merged.Arrays, lean.Spectra[i].Merged.Arrays);
            Assert.Empty(lean.Spectra[i].Arms);
            Assert.NotEmpty(full.Spectra[i].Arms);
            // Each merged from its own arms' copies, as the merger did before it read the images in place.
            var fromArms = DesiArmMerger.Merge(full.Spectra[i].Arms, "t");
            foreach (var other in new[] { b, fromArms })
            {
                Assert.Equal(Enumerable.Range(0, a.Count).Select(k => a.Grid[k]), Enumerable.Range(0, other.Count).Select(k => other.Grid[k]));
                Assert.Equal(Bits(a.Flux), Bits(other.Flux));
                Assert.Equal(Bits(a.Ivar!), Bits(other.Ivar!));
                Assert.Equal(a.OrMask, other.OrMask);
                Assert.Equal(a.AndMask, other.AndMask);
            }
        }
    }

    private static int[] Bits(ReadOnlySpan<float> values)
    {
        var bits = new int[values.Length];
        for (int i = 0; i < values.Length; i++) bits[i] = BitConverter.SingleToInt32Bits(values[i]);
        return bits;
    }
}
