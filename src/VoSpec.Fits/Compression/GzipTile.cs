using System.IO.Compression;

namespace VoSpec.Fits.Compression;

/// <summary>
/// Inflates one GZIP_1 or GZIP_2 tile. Writers use gzip framing (1f 8b: cfitsio, astropy, DESI's files);
/// a zlib-framed tile is accepted too. The output must be exactly the tile's size: more or less is corrupt
/// data, and so is a failed gzip CRC.
/// </summary>
internal static class GzipTile
{
    public static void Inflate(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (source.IsEmpty) throw new FitsFormatException("GZIP tile is empty");
        try
        {
            using var input = new MemoryStream(source.ToArray(), writable: false);
            using Stream z = FitsReader.IsGzip(source)
                ? new GZipStream(input, CompressionMode.Decompress)
                : new ZLibStream(input, CompressionMode.Decompress);
            int n = 0;
            while (n < destination.Length)
            {
                int read = z.Read(destination[n..]);
                if (read == 0) break;
                n += read;
            }
            if (n < destination.Length)
                throw new FitsFormatException($"GZIP tile inflates to {n} bytes, not the {destination.Length} its pixels need");
            // Reading on to the end also makes the stream check the gzip CRC.
            Span<byte> probe = stackalloc byte[1];
            if (z.Read(probe) != 0)
                throw new FitsFormatException($"GZIP tile inflates to more than the {destination.Length} bytes its pixels need");
        }
        catch (InvalidDataException e) { throw new FitsFormatException($"GZIP tile is corrupt ({e.Message})", e); }
    }

    /// <summary>GZIP_2 stores the tile's most significant bytes first, then the next ones…: put each value's bytes back together.</summary>
    public static void Unshuffle(Span<byte> bytes, int elementSize)
    {
        if (elementSize == 1) return;
        int count = bytes.Length / elementSize;
        var shuffled = bytes.ToArray();
        for (int i = 0; i < count; i++)
            for (int b = 0; b < elementSize; b++)
                bytes[i * elementSize + b] = shuffled[b * count + i];
    }
}
