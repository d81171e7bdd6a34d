using System.Text.Json;
using VoSpec.Fits.Compression;
using VoSpec.Testing;

namespace VoSpec.Fits.Tests;

/// <summary>
/// Tile-compressed images written by astropy (RICE_1, GZIP_1, GZIP_2; uint8, int16, int32, quantized floats;
/// several tile shapes) read by us, compared bit for bit with what astropy itself decodes from the same file.
/// </summary>
public class CompressedImageTests
{
    /// <summary>
    /// Writes compressed.fits with one HDU per case, then re-reads it with astropy and dumps each decoded
    /// image (raw stored values, big-endian) to NAME.bin. Prints, per case, the file offset of the first tile's bytes.
    /// </summary>
    private const string MakeImages = """
        import sys, os, json, numpy as np
        from astropy.io import fits
        out = sys.argv[1]
        rng = np.random.default_rng(20261204)
        def data(dtype, shape):
            n = int(np.prod(shape))
            info = np.iinfo(dtype)
            walk = np.cumsum(rng.integers(-3, 4, n)).astype(np.int64) + (info.min + info.max) // 2
            walk[n // 5: n // 5 + 70] = walk[n // 5]                            # flat run: zero-entropy blocks
            walk[n // 2: n // 2 + 64] = rng.integers(info.min, info.max, 64)    # noise: raw (high-entropy) blocks
            walk[3] = info.min; walk[4] = info.max                              # wrap-around differences
            return np.clip(walk, info.min, info.max).astype(dtype).reshape(shape)
        hdus = [fits.PrimaryHDU()]
        names = {'uint8': np.uint8, 'int16': np.int16, 'int32': np.int32}
        for tname, dtype in names.items():
            for ctype in ['RICE_1', 'GZIP_1', 'GZIP_2']:
                for i, tile in enumerate([None, [16, 4], [53, 37], [7, 3], [1, 1]]):
                    if tile == [1, 1] and ctype != 'RICE_1': continue
                    kw = {} if tile is None else {'tile_size': tile}
                    hdus.append(fits.CompImageHDU(data(dtype, (37, 53)), compression_type=ctype, name=f'{tname.upper()}_{ctype}_{i}', **kw))
        hdus.append(fits.CompImageHDU(data(np.int16, (5, 11, 7)), compression_type='RICE_1', tile_size=[4, 3, 2], name='CUBE_RICE'))
        hdus.append(fits.CompImageHDU(data(np.int32, (5, 11, 7)), compression_type='GZIP_1', tile_size=[7, 11, 1], name='CUBE_GZIP'))
        f = (rng.normal(0, 1, (29, 31)) * 100).astype(np.float32); f[3, 4] = np.nan
        for method, mname in [(1, 'D1'), (2, 'D2'), (-1, 'ND')]:
            for ctype in ['RICE_1', 'GZIP_1', 'GZIP_2']:
                g = f.copy()
                if method == 2: g[5, 6] = 0.0
                hdus.append(fits.CompImageHDU(g, compression_type=ctype, quantize_method=method, tile_size=[31, 2], name=f'F32_{ctype}_{mname}'))
        hdus.append(fits.CompImageHDU(f.astype(np.float64), compression_type='RICE_1', tile_size=[10, 10], name='F64_RICE_1'))
        fits.HDUList(hdus).writeto(os.path.join(out, 'compressed.fits'), checksum=(sys.argv[2] == 'checksum'))
        offsets = {}
        with fits.open(os.path.join(out, 'compressed.fits'), disable_image_compression=True) as raw:
            for h in raw[1:]:
                d = h.data
                start = h._data_offset + h.header.get('THEAP', h.header['NAXIS1'] * h.header['NAXIS2'])
                offsets[h.name] = [int(start), int(len(d['COMPRESSED_DATA'][0]))]
        with fits.open(os.path.join(out, 'compressed.fits'), do_not_scale_image_data=True) as hl:
            for h in hl[1:]:
                a = h.data
                open(os.path.join(out, h.name + '.bin'), 'wb').write(a.astype(a.dtype.newbyteorder('>')).tobytes())
                offsets[h.name].append(list(a.shape[::-1]))
        print(json.dumps(offsets))
        """;

    private sealed record Case(string Name, long HeapStart, int FirstTileBytes, int[] Axes);

    private static List<Case> Make(TempDir dir, bool checksum = false)
    {
        var r = ExternalTool.RunPython(MakeImages, dir.Path, checksum ? "checksum" : "plain");
        Assert.True(r.ExitCode == 0, r.All);
        var json = JsonDocument.Parse(r.StdOut.Trim().Split('\n')[^1]);
        var cases = json.RootElement.EnumerateObject().Select(p => new Case(p.Name, p.Value[0].GetInt64(), p.Value[1].GetInt32(),
            p.Value[2].EnumerateArray().Select(e => e.GetInt32()).ToArray())).ToList();
        // The corruption tests edit the first tile: check that it sits at the start of the heap (descriptor offset 0).
        var bytes = File.ReadAllBytes(Path.Combine(dir.Path, "compressed.fits"));
        var file = FitsReader.Parse(bytes.ToArray(), "check.fits");
        foreach (var c in cases)
        {
            var t = file.Get<BinaryTable>(c.Name);
            long rows = c.HeapStart - (long)t.RowWidth * t.RowCount + t.Column("COMPRESSED_DATA").Offset;
            Assert.Equal(c.FirstTileBytes, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan((int)rows)));
            Assert.Equal(0, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan((int)rows + 4)));
        }
        return cases;
    }

    private static void AssertSameAsAstropy(string dir, Case c, ImageHdu image)
    {
        Assert.Equal(c.Axes, image.Axes);
        var expected = File.ReadAllBytes(Path.Combine(dir, c.Name + ".bin"));
        var actual = image.Data.ToArray();
        Assert.Equal(expected.Length, actual.Length);
        if (image.Bitpix < 0) NormaliseNaNs(expected, actual, image.Bitpix);
        int first = Enumerable.Range(0, expected.Length).FirstOrDefault(i => expected[i] != actual[i], -1);
        if (first >= 0) Assert.Fail($"{c.Name}: byte {first} of {actual.Length} differs from astropy's ({actual[first]} vs {expected[first]})");
    }

    /// <summary>NaN payloads differ between libraries; a NaN must stay a NaN, its bit pattern is nobody's contract.</summary>
    private static void NormaliseNaNs(byte[] expected, byte[] actual, int bitpix)
    {
        int size = Math.Abs(bitpix) / 8;
        for (int i = 0; i < expected.Length; i += size)
        {
            bool e = IsNaN(expected, i, size), a = IsNaN(actual, i, size);
            Assert.Equal(e, a);
            if (e) Array.Copy(expected, i, actual, i, size);
        }
    }

    private static bool IsNaN(byte[] b, int i, int size) => size == 4
        ? float.IsNaN(BitConverter.Int32BitsToSingle(System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(i))))
        : double.IsNaN(BitConverter.Int64BitsToDouble(System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(b.AsSpan(i))));

    [Fact]
    public void Every_astropy_compressed_image_decodes_bit_for_bit_as_astropy_decodes_it()
    {
        using var dir = TestPaths.NewTempDir();
        var cases = Make(dir);
        Assert.Equal(3 * (3 * 4 + 1) + 2 + 9 + 1, cases.Count);
        var file = FitsReader.Open(Path.Combine(dir.Path, "compressed.fits"));
        foreach (var c in cases)
        {
            Assert.True(CompressedImage.IsCompressedImage(file.Find(c.Name)!), c.Name);
            AssertSameAsAstropy(dir.Path, c, file.GetImage(c.Name));
        }
    }

    [Fact]
    public void A_decompressed_image_keeps_its_extname_and_is_decoded_once()
    {
        using var dir = TestPaths.NewTempDir();
        Make(dir);
        var file = FitsReader.Open(Path.Combine(dir.Path, "compressed.fits"));
        var image = file.GetImage("INT16_RICE_1_1");
        Assert.Equal("INT16_RICE_1_1", image.Name);
        Assert.Equal(16, image.Bitpix);
        Assert.False(image.Header.Contains("ZIMAGE"));
        Assert.Same(image, file.GetImage("int16_rice_1_1"));
        Assert.IsType<BinaryTable>(file.Find("INT16_RICE_1_1"));
    }

    [Fact]
    public void The_comparison_with_astropy_fails_when_one_rice_byte_is_changed()
    {
        using var dir = TestPaths.NewTempDir();
        var c = Make(dir).Single(x => x.Name == "INT16_RICE_1_0");
        string path = Path.Combine(dir.Path, "compressed.fits");
        var bytes = File.ReadAllBytes(path);
        // The byte after the first pixel and the first block code: a difference, not structure.
        bytes[c.HeapStart + 3] ^= 0x10;
        var file = FitsReader.Parse(bytes, "flipped.fits");
        try
        {
            var image = file.GetImage(c.Name);
            Assert.NotEqual(File.ReadAllBytes(Path.Combine(dir.Path, c.Name + ".bin")), image.Data.ToArray());
        }
        catch (FitsFormatException e) { Assert.Contains("flipped.fits", e.Message); }
    }

    [Fact]
    public void A_changed_byte_under_a_DATASUM_is_a_format_error_naming_the_file()
    {
        using var dir = TestPaths.NewTempDir();
        var c = Make(dir, checksum: true).Single(x => x.Name == "INT32_RICE_1_1");
        string path = Path.Combine(dir.Path, "compressed.fits");
        var bytes = File.ReadAllBytes(path);
        AssertSameAsAstropy(dir.Path, c, FitsReader.Parse(bytes.ToArray(), "intact.fits").GetImage(c.Name));
        bytes[c.HeapStart + 5] ^= 0x01;
        var e = Assert.Throws<FitsFormatException>(() => FitsReader.Parse(bytes, "flipped.fits").GetImage(c.Name));
        Assert.Contains("flipped.fits", e.Message);
        Assert.Contains("DATASUM", e.Message);
    }

    [Fact]
    public void A_corrupt_gzip_tile_is_a_format_error_not_silent_data()
    {
        using var dir = TestPaths.NewTempDir();
        var c = Make(dir).Single(x => x.Name == "INT32_GZIP_1_0");
        var bytes = File.ReadAllBytes(Path.Combine(dir.Path, "compressed.fits"));
        bytes[c.HeapStart + c.FirstTileBytes - 6] ^= 0xff;   // inside the CRC-32 of the first tile
        var e = Assert.Throws<FitsFormatException>(() => FitsReader.Parse(bytes, "bad-gzip.fits").GetImage(c.Name));
        Assert.Contains("bad-gzip.fits", e.Message);
        Assert.Contains("GZIP", e.Message);
    }

    [Fact]
    public void A_rice_block_code_above_the_largest_is_a_format_error()
    {
        using var dir = TestPaths.NewTempDir();
        var c = Make(dir).Single(x => x.Name == "INT32_RICE_1_0");
        var bytes = File.ReadAllBytes(Path.Combine(dir.Path, "compressed.fits"));
        bytes[c.HeapStart + 4] = 0xff;   // the first block's 5-bit code becomes 31 (fs 30 > 25)
        var e = Assert.Throws<FitsFormatException>(() => FitsReader.Parse(bytes, "bad-rice.fits").GetImage(c.Name));
        Assert.Contains("corrupt", e.Message);
    }

    [Fact]
    public void A_rice_tile_cut_short_is_a_format_error()
    {
        using var dir = TestPaths.NewTempDir();
        var c = Make(dir).Single(x => x.Name == "UINT8_RICE_1_0");
        var file = FitsReader.Open(Path.Combine(dir.Path, "compressed.fits"));
        var table = file.Get<BinaryTable>(c.Name);
        // Rewrite the first row's descriptor to claim half its bytes.
        var bytes = File.ReadAllBytes(Path.Combine(dir.Path, "compressed.fits"));
        long rowStart = c.HeapStart - (long)table.RowWidth * table.RowCount + table.Column("COMPRESSED_DATA").Offset;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan((int)rowStart), c.FirstTileBytes / 2);
        var e = Assert.Throws<FitsFormatException>(() => FitsReader.Parse(bytes, "short.fits").GetImage(c.Name));
        Assert.Contains("short.fits", e.Message);
    }

    [Theory]
    [InlineData("PLIO_1")]
    [InlineData("HCOMPRESS_1")]
    public void An_unsupported_compression_is_a_format_error_naming_it(string type)
    {
        using var dir = TestPaths.NewTempDir();
        string path = Path.Combine(dir.Path, "other.fits");
        var r = ExternalTool.RunPython($$"""
            import sys, numpy as np
            from astropy.io import fits
            fits.HDUList([fits.PrimaryHDU(), fits.CompImageHDU(np.arange(64 * 64, dtype=np.int16).reshape(64, 64) % 50, compression_type='{{type}}', name='IMG')]).writeto(sys.argv[1])
            """, path);
        Assert.True(r.ExitCode == 0, r.All);
        var e = Assert.Throws<FitsFormatException>(() => FitsReader.Open(path).GetImage("IMG"));
        Assert.Contains(type, e.Message);
        Assert.Contains("not supported", e.Message);
    }

    [Fact]
    public void Asking_for_a_table_that_is_not_a_compressed_image_as_an_image_is_a_format_error()
    {
        var file = FitsReader.Open(TestPaths.RealFile("sdss/lite/spec-0266-51602-0013.fits"));
        var e = Assert.Throws<FitsFormatException>(() => file.GetImage("COADD"));
        Assert.Contains("not an image", e.Message);
    }
}
