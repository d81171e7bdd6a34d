using System.Runtime.InteropServices;
using System.Text;
using VoSpec.Fits.Sdss;
using VoSpec.Fuzzing;

namespace VoSpec.Fits.Tests;

/// <summary>
/// The FITS reader under fuzzing: a short seeded run of the shared generator (mutated files the project writes), and
/// one test per crash the long runs found — each a hand-made file that used to throw something other than
/// FitsFormatException (docs/reliability/fuzz.md).
/// </summary>
public class FitsFuzzTests
{
    [Fact]
    public void Seeded_run_of_mutated_files_finds_nothing()
    {
        var report = Fuzzer.Run(new FitsTarget(), FitsGenerator.Files, seed: 20261203, count: 6000);
        Assert.True(report.Findings.Count == 0, report.ToString());
        Assert.True(report.Accepted > 100 && report.Rejected > 100, report.Summary());
    }

    private static IReadOnlyList<byte[]> Seeds => FitsGenerator.Seeds;
    private static byte[] Sdss => Seeds[0];
    private static byte[] Image => Seeds[4];
    private static byte[] Mixed => Seeds[5];

    [Theory]
    [InlineData(0, 1, "PCOUNT", "-5760", "negative PCOUNT")]
    [InlineData(0, 1, "GCOUNT", "-1", "negative GCOUNT")]
    [InlineData(0, 1, "NAXIS2", "9223372036854775807", "more data than this reader supports")]
    [InlineData(0, 1, "GCOUNT", "0", "rows of")]
    [InlineData(4, 1, "GCOUNT", "0", "pixels of BITPIX")]
    [InlineData(5, 1, "EXTNAME", "-100", "THEAP", "THEAP")]
    [InlineData(5, 1, "TFORM1", "'2147483647E'", "ends past NAXIS1")]
    [InlineData(5, 1, "TFORM1", "'2147483647X'", "ends past NAXIS1")]
    public void Damaged_header_card_is_a_format_error(int seed, int hdu, string keyword, string value, string expected, string? newKeyword = null)
    {
        var bytes = WithCard(Seeds[seed], hdu, keyword, value, newKeyword);
        var e = Assert.Throws<FitsFormatException>(() => new FitsTarget().Run(bytes));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Heap_descriptor_with_a_huge_count_is_a_format_error()
    {
        var bytes = (byte[])Mixed.Clone();
        var table = (BinaryTable)FitsReader.Parse(Mixed, "mixed.fits").Hdus[1];
        int start = DataOffset(table) + table.Columns.Single(c => c.Name == "P").Offset;
        bytes[start] = 0x7f; bytes[start + 1] = 0xff; bytes[start + 2] = 0xff; bytes[start + 3] = 0xff;
        var reread = (BinaryTable)FitsReader.Parse(bytes, "mixed.fits").Hdus[1];
        var e = Assert.Throws<FitsFormatException>(() => reread.GetValue(0, reread.Column("P")));
        Assert.Contains("outside the heap", e.Message);
    }

    [Fact]
    public void Sdss_catalogue_column_of_the_wrong_type_is_a_format_error()
    {
        // MJD written as 1J; relabelled 1E (same width) it is no longer an integer column.
        var catalogue = FitsReader.Parse(Sdss, "spec.fits").Hdus.OfType<BinaryTable>().First(t => t.HasColumn("MJD") && t.Name != "COADD");
        int n = catalogue.Column("MJD").Index + 1;
        var bytes = WithCard(Sdss, catalogue.Index, $"TFORM{n}", "'1E'");
        var e = Assert.Throws<FitsFormatException>(() => SdssSpectrumReader.Read(bytes, "spec.fits"));
        Assert.Contains("MJD", e.Message);
    }

    /// <summary>The file with one card of HDU <paramref name="hdu"/> given a new value, and a new keyword if asked (same 80 columns).</summary>
    private static byte[] WithCard(byte[] file, int hdu, string keyword, string value, string? newKeyword = null)
    {
        var bytes = (byte[])file.Clone();
        int start = HeaderOffset(FitsReader.Parse(file, "seed.fits").Hdus[hdu]);
        for (int at = start; at + 80 <= bytes.Length; at += 80)
        {
            var key = Encoding.ASCII.GetString(bytes, at, 8).TrimEnd();
            if (key == "END") break;
            if (key != keyword) continue;
            var card = Encoding.ASCII.GetBytes(((newKeyword ?? keyword).PadRight(8) + "= " + value.PadLeft(20)).PadRight(80));
            card.CopyTo(bytes, at);
            return bytes;
        }
        throw new InvalidOperationException($"HDU {hdu} has no {keyword} card");
    }

    private static int DataOffset(Hdu hdu) =>
        MemoryMarshal.TryGetArray(hdu.Data, out var segment) ? segment.Offset : throw new InvalidOperationException("not an array");

    /// <summary>Where an HDU's header starts: the data of the one before, padded to 2880 (the primary at 0).</summary>
    private static int HeaderOffset(Hdu hdu)
    {
        if (hdu.Index == 0) return 0;
        int dataStart = DataOffset(hdu);
        // Walk back over the header blocks to the XTENSION card.
        var span = MemoryMarshal.TryGetArray(hdu.Data, out var seg) ? seg.Array! : throw new InvalidOperationException();
        for (int at = dataStart - FitsHeader.BlockSize; at >= 0; at -= FitsHeader.BlockSize)
            if (Encoding.ASCII.GetString(span, at, 9) == "XTENSION=") return at;
        throw new InvalidOperationException("no XTENSION card");
    }
}
