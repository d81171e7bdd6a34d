using VoSpec.Core.Spectra;
using VoSpec.Fits.Sdss;
using VoSpec.Testing;

namespace VoSpec.Fits.Tests;

/// <summary>
/// SDSS-V (v6) spec files: what the writer lays down is what astropy sees (HDU names and order, SPALL's identifiers,
/// the per-exposure tables of full files), the reader recognises the layout by content and names each spectrum by
/// field, MJD and CATALOGID, and VoSpec's own v5-style spec-lite of a v6 spectrum is not mistaken for a v6 file.
/// </summary>
public class SdssV6Tests
{
    private const int Field = 102345, Mjd = 60321;
    private const long CatalogId = 27021597809287542;

    internal static (Spectrum Spectrum, SdssV6Target Target) Synthetic()
    {
        var s = SdssRoundTripTests.Synthetic(boss: true);
        var meta = s.Meta with
        {
            SpecObjId = SdssV6.SpecObjId(Field, Mjd, CatalogId), SurveyObsId = SdssV6.ObsId(Field, Mjd, CatalogId),
            Plate = Field, Mjd = Mjd, FiberId = 17, Run2d = "v6_1_3", Run1d = "v6_1_3", Survey = "BHM", ProgramName = "bhm_aqmes",
            TMin = 60321.123456789012, TMax = 60321.2987654321,
        };
        return (new Spectrum { Meta = meta, Arrays = s.Arrays }, new SdssV6Target(CatalogId, 123456789, meta.Ra + 2e-5, meta.Dec - 1e-5, 3));
    }

    private static byte[] Write(bool full)
    {
        var (s, t) = Synthetic();
        var ms = new MemoryStream();
        SdssV6SpecWriter.Write(s, t, ms, full);
        return ms.ToArray();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_v6_file_reads_back_as_the_spectrum_written_named_by_field_mjd_and_catalogid(bool full)
    {
        var bytes = Write(full);
        var file = FitsReader.Parse(bytes, "spec-102345-60321-27021597809287542.fits");
        Assert.True(SdssV6.Recognises(file));
        var back = SdssSpectrumReader.Read(file);
        SpectrumAssert.Equal(Synthetic().Spectrum, back);
        Assert.Equal("102345-60321-27021597809287542", back.Meta.ObsId);
    }

    [Fact]
    public void The_id_differs_for_the_same_target_on_another_field_or_night()
    {
        long id = SdssV6.SpecObjId(Field, Mjd, CatalogId);
        Assert.NotEqual(id, SdssV6.SpecObjId(Field, Mjd + 1, CatalogId));
        Assert.NotEqual(id, SdssV6.SpecObjId(Field + 1, Mjd, CatalogId));
        Assert.NotEqual(id, SdssV6.SpecObjId(Field, Mjd, CatalogId + 1));
        Assert.True(id > 0);
    }

    [Fact]
    public void The_fibre_position_is_taken_not_the_catalogue_one()
    {
        var (s, t) = Synthetic();
        var back = SdssSpectrumReader.Read(Write(full: false), "v6.fits");
        Assert.Equal((s.Meta.Ra, s.Meta.Dec), (back.Meta.Ra, back.Meta.Dec));
        Assert.NotEqual(t.RaCat, back.Meta.Ra);
    }

    [Fact]
    public void VoSpecs_own_spec_lite_of_a_v6_spectrum_is_not_taken_for_a_v6_file()
    {
        var ms = new MemoryStream();
        SdssSpecWriter.WriteLite(Synthetic().Spectrum, ms);
        var file = FitsReader.Parse(ms.ToArray(), "this.fits");
        Assert.False(SdssV6.Recognises(file));
        Assert.Equal(Synthetic().Spectrum.Meta.SpecObjId, SdssSpectrumReader.Read(file).Meta.SpecObjId);
    }

    /// <summary>eBOSS's SPALL has a FIELD column too (the plate again): without CATALOGID or VERS2D v6 a file is v5.</summary>
    [Fact]
    public void No_real_v5_file_is_taken_for_a_v6_file()
    {
        var files = Directory.GetFiles(Path.Combine(TestPaths.RealData, "sdss"), "spec-*.fits", SearchOption.AllDirectories);
        Assert.True(files.Length >= 19, $"{files.Length} real SDSS spec files");
        var withField = 0;
        foreach (var path in files)
        {
            var file = FitsReader.Open(path);
            Assert.False(SdssV6.Recognises(file), path);
            if (file.Find("SPALL") is BinaryTable spall && spall.TryGetColumn("FIELD", out _)) withField++;
        }
        Assert.True(withField > 0, "no real SPALL with FIELD: the check above could not tell FIELD alone from FIELD and CATALOGID");
    }

    [Fact]
    public void A_v6_file_without_catalogid_is_refused_naming_the_column()
    {
        // The same file with SPALL's CATALOGID column renamed: VERS2D still says v6, so the reader insists on it.
        var bytes = Write(full: false);
        var text = System.Text.Encoding.ASCII.GetString(bytes);
        int spall = text.IndexOf("EXTNAME = 'SPALL", StringComparison.Ordinal);
        int at = text.IndexOf("= 'CATALOGID'", text.LastIndexOf("XTENSION", spall, StringComparison.Ordinal), StringComparison.Ordinal);
        System.Text.Encoding.ASCII.GetBytes("= 'CATALOGIX'").CopyTo(bytes, at);
        var e = Assert.Throws<FitsFormatException>(() => SdssSpectrumReader.Read(bytes, "broken.fits"));
        Assert.Contains("CATALOGID", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Astropy_and_fitsverify_read_the_v6_layout_the_writer_lays_down()
    {
        using var dir = TestPaths.NewTempDir("v6");
        string lite = Path.Combine(dir.Path, "lite.fits"), full = Path.Combine(dir.Path, "full.fits");
        File.WriteAllBytes(lite, Write(full: false));
        File.WriteAllBytes(full, Write(full: true));
        var (s, t) = Synthetic();
        var r = ExternalTool.RunPython("""
            import sys
            import numpy as np
            from astropy.io import fits
            lite, full = sys.argv[1], sys.argv[2]
            out = []
            for path in (lite, full):
                with fits.open(path) as h:
                    out.append(','.join(x.name for x in h))
                    sp = h['SPALL'].data
                    assert h[0].header['VERS2D'] == 'v6_1_3'
                    out.append(f"{sp['FIELD'][0]} {sp['MJD'][0]} {sp['CATALOGID'][0]} {sp['SDSS_ID'][0]} {float(sp['FIBER_RA'][0])!r} {float(sp['RACAT'][0])!r}")
                    c = h['COADD'].data
                    out.append(f"{len(c)} {c['FLUX'][0]!r} {c['LOGLAM'][0]!r} {c.columns.names}")
                    assert len(h['ZALL'].data) == 5 and h['ZALL'].data['Z'][0] == sp['Z'][0]
                    assert len(h['ZLINE'].data) == 3
            print('\n'.join(out))
            """, lite, full);
        Assert.True(r.ExitCode == 0, r.All);
        FitsVerify.AssertClean(lite);
        FitsVerify.AssertClean(full);
        var lines = r.StdOut.Trim().Split('\n');
        Assert.Equal("PRIMARY,COADD,SPALL,ZALL,ZLINE", lines[0]);
        Assert.Equal("PRIMARY,COADD,SPALL,ZALL,ZLINE,MJD_EXP_60321-00,MJD_EXP_60321-01,MJD_EXP_60321-02", lines[3]);
        var ids = $"{Field} {Mjd} {CatalogId} 123456789 {s.Meta.Ra.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} {t.RaCat.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}";
        Assert.Equal(ids, lines[1]);
        Assert.Equal(ids, lines[4]);
        Assert.StartsWith($"{s.Arrays.Count} ", lines[2], StringComparison.Ordinal);
        Assert.Contains("'WRESL'", lines[2], StringComparison.Ordinal);
    }
}
