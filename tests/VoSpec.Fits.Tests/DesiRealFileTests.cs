using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using VoSpec.Fits.Desi;
using VoSpec.Testing;

namespace VoSpec.Fits.Tests;

/// <summary>
/// The four real DESI files (two coadds, two spectra files with tile-compressed masks) read by
/// <see cref="DesiReader"/>, checked against astropy reading the same files: ids, positions, every arm's
/// arrays bit for bit, and the merged spectrum against the same merge done in numpy.
/// </summary>
public class DesiRealFileTests
{
    public static TheoryData<string> Files => new()
    {
        "desi/coadd-sv3-dark-26065.fits",
        "desi/coadd-5-169-thru20210419.fits",
        "desi/spectra-sv3-dark-26065.fits",
        "desi/spectra-5-169-thru20210419.fits",
    };

    /// <summary>
    /// Dumps FIBERMAP rows as JSON (floats as repr, which round-trips) and, as big-endian binaries, every arm's
    /// images and each target's merge: arms on one 0.8 Å lattice, ivar-weighted mean flux where they overlap.
    /// </summary>
    private const string Dump = """
        import sys, json, numpy as np
        from astropy.io import fits
        path, out = sys.argv[1], sys.argv[2]
        h = fits.open(path)
        fm = h['FIBERMAP'].data
        arms = sorted([x.name[:-11] for x in h if x.name.endswith('_WAVELENGTH')], key=lambda a: h[a + '_WAVELENGTH'].data[0])
        for a in arms:
            h[a + '_WAVELENGTH'].data.astype('>f8').tofile(f'{out}/{a}_WAVELENGTH.bin')
            for q, dt in [('FLUX', '>f4'), ('IVAR', '>f4'), ('MASK', '>u4'), ('RESOLUTION', '>f4')]:
                h[f'{a}_{q}'].data.astype(dt).tofile(f'{out}/{a}_{q}.bin')
        w0 = h[arms[0] + '_WAVELENGTH'].data
        start, step = w0[0], (w0[-1] - w0[0]) / (len(w0) - 1)
        offs = [int(round((h[a + '_WAVELENGTH'].data[0] - start) / step)) for a in arms]
        L = max(o + len(h[a + '_WAVELENGTH'].data) for o, a in zip(offs, arms))
        rows = []
        for i in range(len(fm)):
            rows.append({'row': i, 'targetid': int(fm['TARGETID'][i]), 'objtype': str(fm['OBJTYPE'][i]).strip(),
                         'ra': repr(float(fm['TARGET_RA'][i])), 'dec': repr(float(fm['TARGET_DEC'][i])),
                         'maskbits': int(sum(int(np.count_nonzero(h[a + '_MASK'].data[i])) for a in arms))})
            W = np.zeros(L); seen = np.zeros(L, int); wsum = np.zeros(L); fsum = np.zeros(L); plain = np.zeros(L)
            sf = np.zeros(L, np.float32); si = np.zeros(L, np.float32)
            orm = np.zeros(L, np.uint32); andm = np.full(L, 0xffffffff, np.uint32)
            for o, a in zip(offs, arms):
                w = h[a + '_WAVELENGTH'].data; n = len(w); idx = np.arange(o, o + n)
                f = h[a + '_FLUX'].data[i]; v = h[a + '_IVAR'].data[i]; m = h[a + '_MASK'].data[i].astype(np.uint32)
                first = seen[idx] == 0
                W[idx[first]] = w[first]; sf[idx[first]] = f[first]; si[idx[first]] = v[first]
                iv = np.where(v > 0, v, 0).astype(np.float64)
                fsum[idx] += iv * f.astype(np.float64); wsum[idx] += iv; plain[idx] += f.astype(np.float64); seen[idx] += 1
                orm[idx] |= m; andm[idx] &= m
            with np.errstate(invalid='ignore', divide='ignore'):
                flux = np.where(seen == 1, sf, np.where(wsum > 0, (fsum / wsum).astype(np.float32), (plain / np.maximum(seen, 1)).astype(np.float32)))
            ivar = np.where(seen == 1, si, wsum.astype(np.float32))
            W.astype('>f8').tofile(f'{out}/merged_{i}_WAVELENGTH.bin')
            flux.astype('>f4').tofile(f'{out}/merged_{i}_FLUX.bin'); ivar.astype('>f4').tofile(f'{out}/merged_{i}_IVAR.bin')
            orm.astype('>u4').tofile(f'{out}/merged_{i}_OR.bin'); andm.astype('>u4').tofile(f'{out}/merged_{i}_AND.bin')
        print(json.dumps({'arms': arms, 'rows': rows}))
        """;

    private static (JsonElement Root, string Dir) Astropy(string path, TempDir dir)
    {
        var r = ExternalTool.RunPython(Dump, path, dir.Path);
        Assert.True(r.ExitCode == 0, r.All);
        return (JsonDocument.Parse(r.StdOut.Trim().Split('\n')[^1]).RootElement, dir.Path);
    }

    private static byte[] Bytes<T>(T[] values, int size) where T : unmanaged
    {
        var b = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++)
        {
            var span = b.AsSpan(i * size, size);
            switch (values[i])
            {
                case double d: BinaryPrimitives.WriteDoubleBigEndian(span, d); break;
                case float f: BinaryPrimitives.WriteSingleBigEndian(span, f); break;
                case int n: BinaryPrimitives.WriteInt32BigEndian(span, n); break;
            }
        }
        return b;
    }

    private static byte[] Slice(string file, int row, int length) => File.ReadAllBytes(file).AsSpan(row * length, length).ToArray();

    [Theory]
    [MemberData(nameof(Files))]
    public void Target_fibres_ids_positions_and_arms_match_astropy_bit_for_bit(string relative)
    {
        using var dir = TestPaths.NewTempDir();
        var (root, outDir) = Astropy(TestPaths.RealFile(relative), dir);
        var desi = DesiReader.Read(TestPaths.RealFile(relative));
        var rows = root.GetProperty("rows").EnumerateArray().ToList();
        var arms = root.GetProperty("arms").EnumerateArray().Select(a => a.GetString()!).ToArray();
        var targets = rows.Where(r => r.GetProperty("objtype").GetString() == "TGT" && r.GetProperty("targetid").GetInt64() > 0).ToList();

        Assert.Equal(rows.Count, desi.FibreRows);
        Assert.Equal(targets.Count, desi.Spectra.Count);
        Assert.Equal(rows.Count(r => r.GetProperty("objtype").GetString() == "SKY"), desi.SkyFibres);
        Assert.Equal(rows.Count - targets.Count - desi.SkyFibres, desi.UnassignedFibres);
        Assert.Equal(new[] { "B", "R", "Z" }, arms);

        foreach (var (t, s) in targets.Zip(desi.Spectra))
        {
            int row = t.GetProperty("row").GetInt32();
            Assert.Equal(row, s.Fibre.Row);
            Assert.Equal(t.GetProperty("targetid").GetInt64(), s.Fibre.TargetId);
            Assert.Equal(double.Parse(t.GetProperty("ra").GetString()!, CultureInfo.InvariantCulture), s.Fibre.Ra);
            Assert.Equal(double.Parse(t.GetProperty("dec").GetString()!, CultureInfo.InvariantCulture), s.Fibre.Dec);
            Assert.Equal(s.Fibre.Ra, s.Merged.Meta.Ra);
            Assert.EndsWith($"-{s.Fibre.TargetId}", s.Merged.Meta.ObsId);
            Assert.Equal(arms, s.Arms.Select(a => a.Name));
            foreach (var a in s.Arms)
            {
                int n = a.Count;
                string P(string q) => Path.Combine(outDir, $"{a.Name}_{q}.bin");
                Assert.Equal(File.ReadAllBytes(P("WAVELENGTH")), Bytes(a.Wavelength, 8));
                Assert.Equal(Slice(P("FLUX"), row, n * 4), Bytes(a.Flux, 4));
                Assert.Equal(Slice(P("IVAR"), row, n * 4), Bytes(a.Ivar, 4));
                Assert.Equal(Slice(P("MASK"), row, n * 4), Bytes(a.Mask!, 4));
                Assert.Equal(11, a.ResolutionDiagonals);
                Assert.Equal(Slice(P("RESOLUTION"), row, n * 11 * 4), Bytes(a.Resolution!, 4));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void The_merged_spectrum_matches_the_same_merge_done_in_numpy(string relative)
    {
        using var dir = TestPaths.NewTempDir();
        var (_, outDir) = Astropy(TestPaths.RealFile(relative), dir);
        foreach (var s in DesiReader.Read(TestPaths.RealFile(relative)).Spectra)
        {
            var m = s.Merged.Arrays;
            string P(string q) => Path.Combine(outDir, $"merged_{s.Fibre.Row}_{q}.bin");
            Assert.Equal(File.ReadAllBytes(P("WAVELENGTH")), Bytes(m.Grid.ToArray(), 8));
            Assert.Equal(File.ReadAllBytes(P("FLUX")), Bytes(m.Flux, 4));
            Assert.Equal(File.ReadAllBytes(P("IVAR")), Bytes(m.Ivar!, 4));
            Assert.Equal(File.ReadAllBytes(P("OR")), Bytes(m.OrMask!, 4));
            Assert.Equal(File.ReadAllBytes(P("AND")), Bytes(m.AndMask!, 4));
            // B 3600–5800, R 5760–7620, Z 7520–9824 Å on one 0.8 Å lattice: 7781 pixels.
            Assert.Equal(7781, m.Count);
            Assert.Equal(3600.0, m.Grid.First);
            Assert.Equal(9824.0, m.Grid.Last, 6);
        }
    }

    /// <summary>
    /// Serving in place (<see cref="DesiFibreSource"/>): each fibre merged from its rows of the mapped file equals the
    /// merge ingest makes from whole images, bit for bit; a read without pixels gives the same catalogue values and grid.
    /// The spectra files (tile-compressed masks) are not served in place.
    /// </summary>
    [Theory]
    [MemberData(nameof(Files))]
    public void A_fibre_merged_from_its_rows_in_place_equals_the_merge_of_whole_images(string relative)
    {
        string path = TestPaths.RealFile(relative);
        using var mapped = MappedFitsFile.Open(path);
        bool coadd = relative.Contains("coadd-", StringComparison.Ordinal);
        Assert.Equal(coadd, DesiFibreSource.CanServe(mapped.File));
        if (!coadd)
        {
            Assert.Throws<FitsFormatException>(() => DesiFibreSource.Open(path).Dispose());
            return;
        }
        var whole = DesiReader.Read(path);
        var bare = DesiReader.Read(mapped.File, pixels: false);
        using var source = DesiFibreSource.Open(path);
        Assert.Equal(whole.Spectra.Count, bare.Spectra.Count);
        for (int i = 0; i < whole.Spectra.Count; i++)
        {
            var (w, b) = (whole.Spectra[i], bare.Spectra[i]);
            Assert.Equal(w.Fibre, b.Fibre);
            Assert.Equal(w.Merged.Meta.ObsId, b.Merged.Meta.ObsId);
            Assert.Equal(w.Merged.Arrays.Grid.ToArray(), b.Merged.Arrays.Grid.ToArray());
            Assert.Empty(b.Merged.Arrays.Flux);
            var m = source.Merge(w.Fibre.Row);
            Assert.Equal(Bytes(w.Merged.Arrays.Grid.ToArray(), 8), Bytes(m.Grid.ToArray(), 8));
            Assert.Equal(Bytes(w.Merged.Arrays.Flux, 4), Bytes(m.Flux, 4));
            Assert.Equal(Bytes(w.Merged.Arrays.Ivar!, 4), Bytes(m.Ivar!, 4));
            Assert.Equal(Bytes(w.Merged.Arrays.OrMask!, 4), Bytes(m.OrMask!, 4));
            Assert.Equal(Bytes(w.Merged.Arrays.AndMask!, 4), Bytes(m.AndMask!, 4));
            // Another fibre's row is another spectrum (the comparison can fail).
            var other = source.Merge(whole.Spectra[(i + 1) % whole.Spectra.Count].Fibre.Row);
            Assert.NotEqual(Bytes(w.Merged.Arrays.Flux, 4), Bytes(other.Flux, 4));
        }
        Assert.Throws<FitsFormatException>(() => source.Merge(source.Rows));
    }

    [Fact]
    public void Healpix_coadd_names_survey_program_pixel_and_counts_sky_and_unassigned_fibres()
    {
        var desi = DesiReader.Read(TestPaths.RealFile("desi/coadd-sv3-dark-26065.fits"));
        Assert.Equal(DesiFileKind.Coadd, desi.Kind);
        Assert.Equal("sv3-dark-26065", desi.Group.Name);
        Assert.Equal((5, 1, 2), (desi.FibreRows, desi.SkyFibres, desi.UnassignedFibres));
        var s = desi.Spectra[0];
        Assert.Equal(39627866878511337, s.Fibre.TargetId);
        Assert.Equal("sv3-dark-26065-39627866878511337", s.Merged.Meta.ObsId);
        Assert.Equal(DesiConventions.SpecObjId("sv3-dark-26065-39627866878511337"), s.Merged.Meta.SpecObjId);
        Assert.True(s.Merged.Meta.SpecObjId > 0);
        Assert.Equal("fuji", s.Merged.Meta.Run2d);
        Assert.Equal(("sv3", "dark", "DESI", 26065), (s.Merged.Meta.Survey, s.Merged.Meta.ProgramName, s.Merged.Meta.Instrument, s.Merged.Meta.Plate));
        // Exposures come from EXP_FIBERMAP: this target was seen once (EXPID 83734, fibre 1566, MJD 59311.346…).
        var e = Assert.Single(s.Exposures);
        Assert.Equal((83734L, 1566, 271L), (e.ExpId, e.Fiber, e.TileId));
        Assert.Equal(59311, s.Merged.Meta.Mjd);
        Assert.Equal(1566, s.Merged.Meta.FiberId);
        Assert.Equal(1009.2852f, (float)s.Merged.Meta.ExpTime!.Value);
        Assert.Equal("10**-17 erg/(s cm2 Angstrom)", s.Merged.Meta.FluxUnit);
        Assert.Equal(3, desi.Spectra[1].Exposures.Count);
    }

    [Fact]
    public void Spectra_file_rows_are_single_exposures_named_with_their_expid_and_read_compressed_masks()
    {
        var desi = DesiReader.Read(TestPaths.RealFile("desi/spectra-5-169-thru20210419.fits"));
        Assert.Equal(DesiFileKind.Spectra, desi.Kind);
        Assert.Equal("169-thru20210419", desi.Group.Name);
        Assert.Equal((5, 0, 3), (desi.FibreRows, desi.SkyFibres, desi.UnassignedFibres));
        Assert.Equal(["169-thru20210419-e85502-39633297352951412", "169-thru20210419-e85502-39633300968442591"], desi.Spectra.Select(s => s.Merged.Meta.ObsId));
        Assert.Equal([2501, 2504], desi.Spectra.Select(s => s.Merged.Meta.FiberId));
        // A single exposure's catalogue "plate" is its EXPID, so that (plate, MJD, fibre) stays unique across a night's exposures.
        Assert.All(desi.Spectra, s => Assert.Equal(85502, s.Merged.Meta.Plate));
        // The compressed masks hold real bits, not just zeros.
        Assert.Contains(desi.Spectra.SelectMany(s => s.Arms), a => a.Mask!.Any(m => m != 0));
    }

    [Fact]
    public void An_sdss_file_is_not_a_desi_file()
    {
        var e = Assert.Throws<FitsFormatException>(() => DesiReader.Read(TestPaths.RealFile("sdss/lite/spec-0266-51602-0013.fits")));
        Assert.Contains("spec-0266-51602-0013.fits", e.Message);
        Assert.Contains("not a DESI", e.Message);
    }
}
