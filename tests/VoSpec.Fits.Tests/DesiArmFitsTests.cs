using VoSpec.Fits.Desi;
using VoSpec.Testing;

namespace VoSpec.Fits.Tests;

/// <summary>
/// The FITS file of one DESI arm (DataLink's arm links): its length is known before it is written — {links} gives it as
/// content_length, remembered per string length — and is exact for every identifier a client may send: short, long
/// enough to continue on CONTINUE cards, with quotes, or with characters FITS cannot hold (written as '?'); each file
/// passes fitsverify. A spectra-* file's column types are read from its tile-compressed masks' headers (the index
/// decompresses none of them); a reader decompresses them to copy an arm.
/// </summary>
public class DesiArmFitsTests
{
    private static readonly string?[] Dids =
    [
        null,
        "ivo://vospec.local/desi?1222969891238651765",
        "ivo://a.rather.long.authority.name.of.some.survey.archive.example.org/desi-early-data-release?1222969891238651765",
        "ivo://vospec.local/de'si?12",
        "ivo://vospec.locaı/desi?12 – ü",
    ];

    [Theory]
    [InlineData("desi/coadd-sv3-dark-26065.fits")]
    [InlineData("desi/spectra-5-169-thru20210419.fits")]
    public void The_length_given_before_writing_is_the_length_written_for_every_identifier(string file)
    {
        var source = DesiArmSource.Open(TestPaths.RealFile(file));
        Assert.Equal(["B", "R", "Z"], source.Arms.Select(a => a.Name));
        using var dir = TestPaths.NewTempDir("desi-arm-fits");
        using var reader = source.OpenReader();
        int written = 0;
        foreach (var fibre in source.Fibres)
        {
            Assert.True(reader.Holds(fibre));
            foreach (var arm in source.Arms)
                foreach (var did in Dids)
                {
                    var bytes = new MemoryStream();
                    DesiArmFits.Write(bytes, source.FileName, source.GroupCards, fibre, arm, did, reader.ReadArm(fibre, arm));
                    Assert.Equal(bytes.Length, DesiArmFits.Length(source.FileName, source.GroupCards, fibre, arm, did));
                    // Remembered lengths (asked twice: the second comes from the cache) are the same.
                    Assert.Equal(bytes.Length, source.Length(fibre, arm, did));
                    Assert.Equal(bytes.Length, source.Length(fibre, arm, did));
                    if (arm.Name == "R")
                    {
                        var path = Path.Combine(dir.Path, $"arm-{written++}.fits");
                        File.WriteAllBytes(path, bytes.ToArray());
                        FitsVerify.AssertClean(path);
                    }
                }
        }
        Assert.True(written >= Dids.Length, $"only {written} files checked");
    }

    [Fact]
    public void A_spectra_files_mask_columns_take_the_uint32_type_from_the_compressed_masks_headers()
    {
        var source = DesiArmSource.Open(TestPaths.RealFile("desi/spectra-sv3-dark-26065.fits"));
        foreach (var arm in source.Arms)
        {
            var mask = Assert.Single(arm.Columns, c => c.Name == "MASK");
            Assert.Equal("1J", mask.Format);
            Assert.Equal(2147483648.0, mask.Zero);
            Assert.Equal("11E", arm.Columns.Single(c => c.Name == "RESOLUTION").Format);
            Assert.Equal("1D", arm.Columns.Single(c => c.Name == "WAVELENGTH").Format);
        }
        // The arms' masks are decompressed by a reader, for its own request.
        var fibre = source.Find("sv3-dark-26065-e83734-39627866878514741")!;
        using var reader = source.OpenReader();
        var values = reader.ReadArm(fibre, source.Arms[0]);
        Assert.IsType<uint[]>(values[3]);
        Assert.Equal(source.Arms[0].Pixels, values[3].Length);
    }
}
