using System.IO.Compression;

namespace VoSpec.Fits;

/// <summary>
/// Opens FITS files: reads the whole file into one buffer (un-gzipping it when it starts with 1f 8b,
/// whatever its name), then walks the HDUs. Every structural problem is a <see cref="FitsFormatException"/>
/// whose message starts with the file's name.
/// </summary>
public static class FitsReader
{
    public static FitsFile Open(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        { throw new FitsFormatException($"{path}: cannot read the file ({e.Message})", e); }
        return Parse(bytes, path);
    }

    public static FitsFile Read(Stream stream, string name)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), name);
    }

    /// <summary>Parses a whole file held in memory; the HDUs keep views on <paramref name="bytes"/>.</summary>
    public static FitsFile Parse(ReadOnlyMemory<byte> bytes, string name)
    {
        if (IsGzip(bytes.Span)) bytes = Gunzip(bytes, name);
        try { return new FitsFile(name, ReadHdus(bytes)); }
        catch (FitsFormatException e) { throw new FitsFormatException($"{name}: {e.Message}", e); }
    }

    public static bool IsGzip(ReadOnlySpan<byte> bytes) => bytes.Length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;

    private static ReadOnlyMemory<byte> Gunzip(ReadOnlyMemory<byte> bytes, string name)
    {
        try
        {
            using var gz = new GZipStream(new MemoryStream(bytes.ToArray(), writable: false), CompressionMode.Decompress);
            using var output = new MemoryStream();
            gz.CopyTo(output);
            return output.GetBuffer().AsMemory(0, (int)output.Length);
        }
        catch (InvalidDataException e) { throw new FitsFormatException($"{name}: gzip data is corrupt or truncated ({e.Message})", e); }
    }

    private static List<Hdu> ReadHdus(ReadOnlyMemory<byte> file)
    {
        var span = file.Span;
        if (span.Length == 0) throw new FitsFormatException("file is empty");
        if (!span.StartsWith("SIMPLE  ="u8))
            throw new FitsFormatException("not a FITS file: it does not start with 'SIMPLE  ='");
        if (span.Length < FitsHeader.BlockSize)
            throw new FitsFormatException($"file is truncated: {span.Length} bytes, less than one 2880-byte header block");

        var hdus = new List<Hdu>();
        long pos = 0;
        while (pos < span.Length)
        {
            int index = hdus.Count;
            // After the last HDU only padding or junk may follow; FITS allows nothing else, so stop there.
            if (index > 0 && !span[(int)pos..].StartsWith("XTENSION="u8)) break;

            FitsHeader header;
            int headerLength;
            try { header = FitsHeader.Parse(span[(int)pos..], out headerLength); }
            catch (FitsFormatException e) { throw new FitsFormatException($"HDU {index}: {e.Message}", e); }
            if (pos + headerLength > span.Length)
                throw new FitsFormatException($"file is truncated: HDU {index}'s header ends past the end of the file");

            long dataLength = DataLength(header, index);
            long dataStart = pos + headerLength;
            if (dataStart + dataLength > span.Length)
                throw new FitsFormatException(
                    $"file is truncated: HDU {index} ({Describe(header, index)}) needs {dataLength} data bytes but only {span.Length - dataStart} remain");
            var data = file.Slice((int)dataStart, (int)dataLength);
            hdus.Add(CreateHdu(index, header, data));
            pos = dataStart + (dataLength + FitsHeader.BlockSize - 1) / FitsHeader.BlockSize * FitsHeader.BlockSize;
        }
        return hdus;
    }

    private static string Describe(FitsHeader h, int index) =>
        h.GetStringOrNull("EXTNAME")?.Trim() ?? (index == 0 ? "primary" : h.GetStringOrNull("XTENSION")?.Trim() ?? "extension");

    /// <summary>|BITPIX|/8 · GCOUNT · (PCOUNT + NAXIS1·…·NAXISn), NAXIS1 skipped for random groups.</summary>
    private static long DataLength(FitsHeader h, int index)
    {
        if (index > 0 && !h.Contains("XTENSION")) throw new FitsFormatException($"HDU {index} has no XTENSION keyword");
        int bitpix = h.TryGetInt("BITPIX", out var b) ? b : throw new FitsFormatException($"HDU {index} has no valid BITPIX");
        if (bitpix is not (8 or 16 or 32 or 64 or -32 or -64)) throw new FitsFormatException($"HDU {index} has an invalid BITPIX {bitpix}");
        int naxis = h.TryGetInt("NAXIS", out var n) ? n : throw new FitsFormatException($"HDU {index} has no valid NAXIS");
        if (naxis is < 0 or > 999) throw new FitsFormatException($"HDU {index} has an invalid NAXIS {naxis}");
        if (naxis == 0) return 0;
        bool groups = index == 0 && h.TryGetBool("GROUPS", out var g) && g && h.GetLongOrNull("NAXIS1") == 0;
        long product = 1;
        for (int k = groups ? 2 : 1; k <= naxis; k++)
        {
            long len = h.TryGetLong($"NAXIS{k}", out var v) && v >= 0 ? v : throw new FitsFormatException($"HDU {index} has no valid NAXIS{k}");
            product = len == 0 || product <= int.MaxValue / len ? product * len
                : throw new FitsFormatException($"HDU {index}: its NAXISn multiply to more data than this reader supports");
        }
        long pcount = h.GetLongOrNull("PCOUNT") ?? 0, gcount = h.GetLongOrNull("GCOUNT") ?? 1;
        if (pcount < 0) throw new FitsFormatException($"HDU {index} has a negative PCOUNT {pcount}");
        if (gcount < 0) throw new FitsFormatException($"HDU {index} has a negative GCOUNT {gcount}");
        long total;
        try { total = checked(Math.Abs(bitpix) / 8 * gcount * (pcount + product)); }
        catch (OverflowException) { total = long.MaxValue; }
        if (total > int.MaxValue) throw new FitsFormatException($"HDU {index} holds {total} data bytes, more than this reader supports");
        return total;
    }

    private static Hdu CreateHdu(int index, FitsHeader header, ReadOnlyMemory<byte> data)
    {
        string kind = index == 0 ? "PRIMARY" : header.GetStringOrNull("XTENSION")?.Trim() ?? "";
        try
        {
            switch (kind)
            {
                case "BINTABLE" or "A3DTABLE":
                    return new BinaryTable(index, header, data);
                case "PRIMARY" or "IMAGE" when !(header.TryGetBool("GROUPS", out var g) && g):
                    int naxis = header.GetInt("NAXIS");
                    var axes = new int[naxis];
                    for (int k = 0; k < naxis; k++) axes[k] = header.GetInt($"NAXIS{k + 1}");
                    var image = new ImageHdu(index, header, data, header.GetInt("BITPIX"), axes);
                    // GCOUNT = 0 (or a PCOUNT on an image) can leave less data than the axes say.
                    if (image.PixelCount * (Math.Abs(image.Bitpix) / 8) > data.Length)
                        throw new FitsFormatException($"HDU {index}: {image.PixelCount} pixels of BITPIX {image.Bitpix} do not fit in its {data.Length} data bytes");
                    return image;
                default:
                    return new OtherHdu(index, header, data);
            }
        }
        catch (FitsFormatException e) when (!e.Message.StartsWith("HDU ", StringComparison.Ordinal))
        {
            throw new FitsFormatException($"HDU {index} ({Describe(header, index)}): {e.Message}", e);
        }
    }
}
