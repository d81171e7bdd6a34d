using System.Text.RegularExpressions;

namespace VoSpec.Fits.Compression;

/// <summary>
/// Tile-compressed images (the FITS tiled image compression convention): a BINTABLE with ZIMAGE = T whose
/// rows each hold one compressed tile of the image in COMPRESSED_DATA. <see cref="Decompress"/> rebuilds the
/// image as an ordinary <see cref="ImageHdu"/> (header from the Z keywords plus the table's other cards), so
/// callers read a compressed mask exactly as a plain one. Supported: GZIP_1, GZIP_2, RICE_1 and NOCOMPRESS,
/// integer images and quantized floats (NO_DITHER, SUBTRACTIVE_DITHER_1/2); a DATASUM on the table is checked.
/// </summary>
public static partial class CompressedImage
{
    /// <summary>Keeps the synthesized image within what one buffer and <see cref="ImageHdu"/> can hold.</summary>
    private const long MaxImageBytes = 1L << 30;

    /// <summary>The cfitsio/convention marker a SUBTRACTIVE_DITHER_2 tile stores for an exact zero.</summary>
    private const int ZeroValue = -2147483646;

    public static bool IsCompressedImage(Hdu hdu) => hdu is BinaryTable t && t.Header.TryGetBool("ZIMAGE", out bool z) && z;

    public static ImageHdu Decompress(BinaryTable table)
    {
        if (!IsCompressedImage(table)) throw new FitsFormatException($"HDU {table.Index} ({table.Name}) is not a compressed image (no ZIMAGE = T)");
        try { return DecompressChecked(table); }
        catch (FitsFormatException e) { throw new FitsFormatException($"HDU {table.Index} ({table.Name}): {e.Message}", e); }
        // A keyword of the wrong type (ZNAXIS1 = 'abc'): the header API refuses it.
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException)
        { throw new FitsFormatException($"HDU {table.Index} ({table.Name}): not a readable compressed image: {e.Message}", e); }
    }

    private static ImageHdu DecompressChecked(BinaryTable table)
    {
        var h = table.Header;
        CheckDataSum(table);
        int bitpix = h.TryGetInt("ZBITPIX", out int b) && b is 8 or 16 or 32 or 64 or -32 or -64 ? b
            : throw new FitsFormatException($"ZBITPIX is missing or not a valid BITPIX");
        int naxis = h.TryGetInt("ZNAXIS", out int n) && n is >= 0 and <= 999 ? n : throw new FitsFormatException("ZNAXIS is missing or out of range");
        var dims = new int[naxis];
        var tile = new int[naxis];
        long pixels = naxis == 0 ? 0 : 1;
        for (int k = 0; k < naxis; k++)
        {
            dims[k] = h.TryGetInt($"ZNAXIS{k + 1}", out int d) && d >= 0 ? d : throw new FitsFormatException($"ZNAXIS{k + 1} is missing or negative");
            int t = h.TryGetInt($"ZTILE{k + 1}", out int z) ? z : k == 0 ? dims[0] : 1;
            if (t < 1 && dims[k] > 0) throw new FitsFormatException($"ZTILE{k + 1} = {t} is not positive");
            tile[k] = Math.Max(1, Math.Min(t, dims[k]));
            pixels *= dims[k];
            if (pixels * Math.Abs(bitpix) / 8 > MaxImageBytes) throw new FitsFormatException("the image is larger than this reader supports");
        }
        int size = Math.Abs(bitpix) / 8;
        var image = new byte[pixels * size];
        if (pixels > 0) DecodeTiles(table, bitpix, dims, tile, image);
        return new ImageHdu(table.Index, ImageHeader(h, bitpix, dims), image, bitpix, dims);
    }

    private static void DecodeTiles(BinaryTable table, int bitpix, int[] dims, int[] tile, byte[] image)
    {
        var h = table.Header;
        int naxis = dims.Length, size = Math.Abs(bitpix) / 8;
        var tilesPerAxis = new int[naxis];
        long tileCount = 1;
        for (int k = 0; k < naxis; k++) { tilesPerAxis[k] = (dims[k] + tile[k] - 1) / tile[k]; tileCount *= tilesPerAxis[k]; }
        if (tileCount != table.RowCount)
            throw new FitsFormatException($"the image has {tileCount} tiles but the table {table.RowCount} rows");

        var method = new TileMethod(table, bitpix);
        var start = new int[naxis];
        var extent = new int[naxis];
        for (int row = 0; row < table.RowCount; row++)
        {
            long rest = row, tilePixels = 1;
            for (int k = 0; k < naxis; k++)
            {
                start[k] = (int)(rest % tilesPerAxis[k]) * tile[k];
                rest /= tilesPerAxis[k];
                extent[k] = Math.Min(tile[k], dims[k] - start[k]);
                tilePixels *= extent[k];
            }
            var pixels = new byte[tilePixels * size];
            method.Decode(row, pixels);
            Scatter(pixels, image, dims, start, extent, size);
        }
    }

    /// <summary>Copies a tile's pixels into the image, one run along the first axis at a time.</summary>
    private static void Scatter(byte[] tilePixels, byte[] image, int[] dims, int[] start, int[] extent, int size)
    {
        int naxis = dims.Length, run = extent[0] * size;
        var index = new int[naxis];
        for (int offset = 0; offset < tilePixels.Length; offset += run)
        {
            long pos = 0, stride = 1;
            for (int k = 0; k < naxis; k++) { pos += (start[k] + index[k]) * stride; stride *= dims[k]; }
            Buffer.BlockCopy(tilePixels, offset, image, (int)(pos * size), run);
            for (int k = 1; k < naxis && ++index[k] == extent[k]; k++) index[k] = 0;
        }
    }

    /// <summary>The compression method and quantization of one table, decoding tile after tile.</summary>
    private sealed class TileMethod
    {
        private readonly BinaryTable _table;
        private readonly int _bitpix;
        private readonly string _type;
        private readonly BinaryTableColumn _data;
        private readonly BinaryTableColumn? _gzipData, _rawData, _scale, _zero, _blank;
        private readonly double _scaleValue, _zeroValue;
        private readonly long? _blankValue;
        private readonly string _quantize;
        private readonly int _dither0;
        private readonly int _blockSize = 32, _bytePix = 4;

        public TileMethod(BinaryTable table, int bitpix)
        {
            _table = table;
            _bitpix = bitpix;
            var h = table.Header;
            _type = h.GetStringOrNull("ZCMPTYPE")?.Trim().ToUpperInvariant() ?? throw new FitsFormatException("no ZCMPTYPE");
            if (_type is not ("GZIP_1" or "GZIP_2" or "RICE_1" or "RICE_ONE" or "NOCOMPRESS"))
                throw new FitsFormatException($"ZCMPTYPE '{_type}' is not supported (only GZIP_1, GZIP_2, RICE_1, NOCOMPRESS)");
            _data = table.TryGetColumn("COMPRESSED_DATA", out var c) ? c : throw new FitsFormatException("no COMPRESSED_DATA column");
            _gzipData = Optional(table, "GZIP_COMPRESSED_DATA");
            _rawData = Optional(table, "UNCOMPRESSED_DATA");
            foreach (var col in new[] { _data, _gzipData, _rawData })
                if (col is not null && !col.Form.IsVariableLength)
                    throw new FitsFormatException($"column {col.Name} ({col.Form}) is not a variable-length array");
            _scale = Optional(table, "ZSCALE");
            _zero = Optional(table, "ZZERO");
            _blank = Optional(table, "ZBLANK");
            _scaleValue = h.GetDoubleOrNull("ZSCALE") ?? 1.0;
            _zeroValue = h.GetDoubleOrNull("ZZERO") ?? 0.0;
            _blankValue = h.GetLongOrNull("ZBLANK");
            _quantize = h.GetStringOrNull("ZQUANTIZ")?.Trim().ToUpperInvariant() ?? "NO_DITHER";
            _dither0 = (int)(h.GetLongOrNull("ZDITHER0") ?? 1);
            for (int i = 1; i <= 999 && h.TryGetString($"ZNAME{i}", out string name); i++)
            {
                switch (name.Trim().ToUpperInvariant())
                {
                    case "BLOCKSIZE": _blockSize = h.GetInt($"ZVAL{i}"); break;
                    case "BYTEPIX": _bytePix = h.GetInt($"ZVAL{i}"); break;
                }
            }
            if (IsQuantized && _quantize is not ("NO_DITHER" or "SUBTRACTIVE_DITHER_1" or "SUBTRACTIVE_DITHER_2"))
                throw new FitsFormatException($"ZQUANTIZ '{_quantize}' is not supported");
            if (IsQuantized && _dither0 is < 1 or > Dither.Count) throw new FitsFormatException($"ZDITHER0 = {_dither0} is not between 1 and {Dither.Count}");
        }

        /// <summary>Floating-point pixels stored as scaled integers (ZSCALE/ZZERO), the usual way to compress floats.</summary>
        private bool IsQuantized => _bitpix < 0 && (_scale is not null || _table.Header.Contains("ZSCALE"));

        private static BinaryTableColumn? Optional(BinaryTable t, string name) => t.TryGetColumn(name, out var c) ? c : null;

        public void Decode(int row, byte[] pixels)
        {
            var compressed = _table.HeapBytes(row, _data);
            int size = Math.Abs(_bitpix) / 8;
            int count = pixels.Length / size;
            if (compressed.IsEmpty)
            {
                // Tiles the writer could not quantize are stored losslessly in one of the fallback columns.
                if (_gzipData is not null && _table.HeapBytes(row, _gzipData) is { IsEmpty: false } gz) { GzipTile.Inflate(gz, pixels); return; }
                if (_rawData is not null && _table.HeapBytes(row, _rawData) is { IsEmpty: false } raw)
                {
                    if (raw.Length != pixels.Length) throw new FitsFormatException($"tile {row + 1}: UNCOMPRESSED_DATA holds {raw.Length} bytes, not {pixels.Length}");
                    raw.CopyTo(pixels);
                    return;
                }
                throw new FitsFormatException($"tile {row + 1} holds no data");
            }
            if (!IsQuantized)
            {
                if (_bitpix < 0 && _type.StartsWith("RICE", StringComparison.Ordinal))
                    throw new FitsFormatException("RICE_1 of unquantized floating-point pixels is not defined");
                DecodeIntegers(compressed, pixels, size, row);
                return;
            }
            // Quantized: the tile holds 32-bit integers whatever ZBITPIX says.
            var ints = new byte[count * 4];
            DecodeIntegers(compressed, ints, 4, row);
            var values = new int[count];
            BigEndian.Read(ints, values.AsSpan());
            Unquantize(row, values, pixels);
        }

        private void DecodeIntegers(ReadOnlySpan<byte> compressed, byte[] pixels, int size, int row)
        {
            switch (_type)
            {
                case "GZIP_1": GzipTile.Inflate(compressed, pixels); return;
                case "GZIP_2": GzipTile.Inflate(compressed, pixels); GzipTile.Unshuffle(pixels, size); return;
                case "NOCOMPRESS":
                    if (compressed.Length != pixels.Length) throw new FitsFormatException($"tile {row + 1}: NOCOMPRESS data holds {compressed.Length} bytes, not {pixels.Length}");
                    compressed.CopyTo(pixels);
                    return;
            }
            int count = pixels.Length / size;
            var values = new int[count];
            RiceDecoder.Decode(compressed, values, _blockSize, _bytePix);
            for (int i = 0; i < count; i++)
            {
                int v = values[i];
                switch (size)
                {
                    case 1 when v is < 0 or > 255: throw OutOfRange(row, v);
                    case 1: pixels[i] = (byte)v; break;
                    case 2 when v is < short.MinValue or > short.MaxValue: throw OutOfRange(row, v);
                    case 2: BigEndian.WriteOne((short)v, pixels.AsSpan(i * 2)); break;
                    case 4: BigEndian.WriteOne(v, pixels.AsSpan(i * 4)); break;
                    default: BigEndian.WriteOne((long)v, pixels.AsSpan(i * 8)); break;
                }
            }
        }

        private static FitsFormatException OutOfRange(int row, int v) => new($"tile {row + 1}: RICE_1 value {v} does not fit the image's BITPIX");

        private void Unquantize(int row, int[] values, byte[] pixels)
        {
            double scale = _scale is null ? _scaleValue : _table.GetDouble(row, _scale);
            double zero = _zero is null ? _zeroValue : _table.GetDouble(row, _zero);
            long? blank = _blank is null ? _blankValue : _table.GetLong(row, _blank);
            bool dither = _quantize != "NO_DITHER";
            int seed = (row + _dither0 - 1) % Dither.Count;
            int next = (int)(Dither.Values[seed] * 500);
            for (int i = 0; i < values.Length; i++)
            {
                int q = values[i];
                double v;
                if (blank == q) v = double.NaN;
                else if (_quantize == "SUBTRACTIVE_DITHER_2" && q == ZeroValue) v = 0.0;
                else if (dither) v = ((double)q - Dither.Values[next] + 0.5) * scale + zero;
                else v = q * scale + zero;
                if (_bitpix == -32) BigEndian.WriteOne((float)v, pixels.AsSpan(i * 4));
                else BigEndian.WriteOne(v, pixels.AsSpan(i * 8));
                if (dither && ++next == Dither.Count)
                {
                    seed = (seed + 1) % Dither.Count;
                    next = (int)(Dither.Values[seed] * 500);
                }
            }
        }
    }

    /// <summary>The image's own header: BITPIX/NAXISn from the Z keywords, then every card that is not the table's structure or the compression's.</summary>
    private static FitsHeader ImageHeader(FitsHeader table, int bitpix, int[] dims)
    {
        var h = new FitsHeader();
        h.Add("XTENSION", "IMAGE");
        h.Add("BITPIX", bitpix);
        h.Add("NAXIS", dims.Length);
        for (int k = 0; k < dims.Length; k++) h.Add($"NAXIS{k + 1}", dims[k]);
        h.Add("PCOUNT", 0);
        h.Add("GCOUNT", 1);
        foreach (var card in table)
            if (!StructuralKeyword().IsMatch(card.Keyword)) h.Add(card);
        // Some writers mark an integer image's undefined pixels with ZBLANK rather than BLANK.
        if (bitpix > 0 && !h.Contains("BLANK") && table.GetLongOrNull("ZBLANK") is long blank) h.Add("BLANK", blank);
        return h;
    }

    [GeneratedRegex(@"^(XTENSION|BITPIX|NAXIS\d*|PCOUNT|GCOUNT|TFIELDS|THEAP|T(TYPE|FORM|UNIT|DIM|SCAL|ZERO|NULL|DISP)\d+|ZIMAGE|ZTENSION|ZSIMPLE|ZEXTEND|ZBLOCKED|ZBITPIX|ZNAXIS\d*|ZTILE\d+|ZCMPTYPE|ZNAME\d+|ZVAL\d+|ZMASKCMP|ZPCOUNT|ZGCOUNT|ZQUANTIZ|ZDITHER0|ZSCALE|ZZERO|ZBLANK|ZHECKSUM|ZDATASUM|CHECKSUM|DATASUM|END)$", RegexOptions.IgnoreCase)]
    private static partial Regex StructuralKeyword();

    /// <summary>
    /// The FITS checksum convention's DATASUM: the ones'-complement sum of the data as big-endian 32-bit words.
    /// Checked when present, because a Rice stream has no check of its own: a flipped bit would decode silently.
    /// </summary>
    private static void CheckDataSum(BinaryTable table)
    {
        if (!table.Header.TryGetString("DATASUM", out string text)) return;
        if (!uint.TryParse(text.Trim(), out uint expected)) return;
        var data = table.Data.Span;
        ulong sum = 0;
        int whole = data.Length / 4 * 4;
        for (int i = 0; i < whole; i += 4) sum += BigEndian.ReadOne<uint>(data[i..]);
        if (whole < data.Length)
        {
            Span<byte> last = stackalloc byte[4];
            last.Clear();
            data[whole..].CopyTo(last);
            sum += BigEndian.ReadOne<uint>(last);
        }
        while (sum >> 32 != 0) sum = (sum & 0xFFFFFFFF) + (sum >> 32);
        if (sum != expected)
            throw new FitsFormatException($"its data does not match DATASUM = {expected} (sum {sum}): the file is corrupt");
    }
}
