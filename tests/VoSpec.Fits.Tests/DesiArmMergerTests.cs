using VoSpec.Fits.Desi;

namespace VoSpec.Fits.Tests;

/// <summary>The arm merge's rules on small hand-made arms: overlaps, weightless overlaps, gaps, and arms off the lattice.</summary>
public class DesiArmMergerTests
{
    private static DesiArm Arm(string name, double start, float[] flux, float[] ivar, int[] mask, double step = 0.8) =>
        new(name, Enumerable.Range(0, flux.Length).Select(i => start + i * step).ToArray(), flux, ivar, mask, null, 0);

    [Fact]
    public void Overlapping_pixels_are_ivar_weighted_and_masks_or_and_and()
    {
        var b = Arm("B", 3600, [1, 2, 3], [1, 1, 3], [0, 1, 3]);
        var r = Arm("R", 3601.6, [5, 7], [1, 4], [2, 8]);
        var m = DesiArmMerger.Merge([b, r], "t");
        Assert.Equal([3600, 3600.8, 3601.6, 3602.4], m.Grid.ToArray());
        Assert.Equal([1f, 2f, (float)((3.0 * 3 + 1.0 * 5) / 4), 7f], m.Flux);
        Assert.Equal([1f, 1f, 4f, 4f], m.Ivar!);
        Assert.Equal([0, 1, 3 | 2, 8], m.OrMask!);
        Assert.Equal([0, 1, 3 & 2, 8], m.AndMask!);
    }

    [Fact]
    public void An_overlap_without_weight_takes_the_plain_mean_with_zero_ivar()
    {
        var m = DesiArmMerger.Merge([Arm("B", 3600, [1, 2], [0, 0], [0, 0]), Arm("R", 3600.8, [4, 9], [-1, 2], [0, 0])], "t");
        Assert.Equal([1f, 3f, 9f], m.Flux);
        Assert.Equal([0f, 0f, 2f], m.Ivar!);
    }

    [Fact]
    public void A_gap_between_arms_is_pixels_without_data_on_the_lattice()
    {
        var m = DesiArmMerger.Merge([Arm("B", 3600, [1, 2], [1, 1], [0, 0]), Arm("R", 3603.2, [3, 4], [1, 1], [0, 0])], "t");
        Assert.Equal(6, m.Count);
        Assert.Equal(3601.6, m.Grid[2], 9);
        Assert.Equal([1f, 2f, 0f, 0f, 3f, 4f], m.Flux);
        Assert.Equal([1f, 1f, 0f, 0f, 1f, 1f], m.Ivar!);
    }

    [Fact]
    public void An_arm_off_the_common_lattice_is_a_format_error()
    {
        var e = Assert.Throws<FitsFormatException>(() =>
            DesiArmMerger.Merge([Arm("B", 3600, [1, 2, 3], [1, 1, 1], [0, 0, 0]), Arm("R", 3600.4, [1, 2], [1, 1], [0, 0])], "file.fits row 2"));
        Assert.Contains("file.fits row 2", e.Message);
        Assert.Contains("not on the", e.Message);
        Assert.Throws<FitsFormatException>(() =>
            DesiArmMerger.Merge([Arm("B", 3600, [1, 2, 3], [1, 1, 1], [0, 0, 0]), Arm("R", 3601.6, [1, 2], [1, 1], [0, 0], step: 0.7)], "t"));
    }

    [Fact]
    public void A_missing_image_in_a_real_file_is_a_format_error_naming_it()
    {
        var bytes = File.ReadAllBytes(VoSpec.Testing.TestPaths.RealFile("desi/coadd-5-169-thru20210419.fits"));
        var card = System.Text.Encoding.ASCII.GetBytes("EXTNAME = 'R_IVAR  '");
        int at = bytes.AsSpan().IndexOf(card);
        Assert.True(at > 0);
        System.Text.Encoding.ASCII.GetBytes("EXTNAME = 'R_IVAX  '").CopyTo(bytes, at);
        var e = Assert.Throws<FitsFormatException>(() => DesiReader.Read(bytes, "renamed.fits"));
        Assert.Equal("renamed.fits: no R_IVAR image", e.Message);
    }
}
