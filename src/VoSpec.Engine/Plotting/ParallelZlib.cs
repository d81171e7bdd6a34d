// Why this file exists: deflating a large stacked image (megabytes of noisy palette indices) was most of its PNG
// time on one core. As pigz does, the data is cut into strips deflated at once; every strip but the last ends with a
// sync flush (byte-aligned, no final block), so the pieces concatenate into one valid zlib stream, and the Adler-32
// checksums of the strips combine into the stream's.
using System.Buffers.Binary;
using System.IO.Compression;

namespace VoSpec.Engine.Plotting;

internal static class ParallelZlib
{
    private const uint AdlerBase = 65521;

    /// <summary>Below this many bytes per strip, one strip: the tasks would cost more than they save.</summary>
    public const int MinStrip = 256 << 10;

    /// <summary>
    /// <paramref name="data"/> as one zlib stream (fastest level), deflated in up to <paramref name="parallelism"/>
    /// strips at once. The pieces, in order: the header and first strip, the other strips, the Adler-32 trailer.
    /// </summary>
    public static ArraySegment<byte>[] Compress(ArraySegment<byte> data, int parallelism)
    {
        int strips = (int)Math.Clamp(data.Count / (long)MinStrip, 1, Math.Max(1, parallelism));
        int stripLength = (data.Count + strips - 1) / strips;
        var pieces = new ArraySegment<byte>[strips + 1];
        var adlers = new uint[strips];
        Parallel.For(0, strips, new ParallelOptions { MaxDegreeOfParallelism = strips }, s =>
        {
            int start = s * stripLength;
            var strip = data.AsSpan(start, Math.Min(stripLength, data.Count - start));
            bool last = s == strips - 1;
            var buffer = new MemoryStream(strip.Length + strip.Length / 8 + 64);
            if (s == 0) { buffer.WriteByte(0x78); buffer.WriteByte(0x01); }   // zlib header: deflate, 32 KiB window, fastest
            long end = 0;
            using (var deflate = new DeflateStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            {
                deflate.Write(strip);
                if (!last)
                {
                    deflate.Flush();   // a sync flush: everything so far, ending on a byte boundary
                    end = buffer.Length;
                }
            }
            // The last strip keeps the final block that closing the stream wrote; the others stop at their flush.
            if (last) end = buffer.Length;
            pieces[s] = new ArraySegment<byte>(buffer.GetBuffer(), 0, (int)end);
            adlers[s] = Adler32(strip);
        });

        uint adler = adlers[0];
        for (int s = 1; s < strips; s++)
        {
            int start = s * stripLength;
            adler = CombineAdler32(adler, adlers[s], Math.Min(stripLength, data.Count - start));
        }
        var trailer = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(trailer, adler);
        pieces[strips] = trailer;
        return pieces;
    }

    /// <summary>zlib's Adler-32 of <paramref name="data"/>, continuing from <paramref name="adler"/> (1 for a fresh start).</summary>
    public static uint Adler32(ReadOnlySpan<byte> data, uint adler = 1)
    {
        uint a = adler & 0xFFFF, b = adler >> 16;
        while (!data.IsEmpty)
        {
            int n = Math.Min(data.Length, 5552);   // the most bytes before b can overflow 32 bits
            foreach (byte x in data[..n]) { a += x; b += a; }
            a %= AdlerBase;
            b %= AdlerBase;
            data = data[n..];
        }
        return b << 16 | a;
    }

    /// <summary>The Adler-32 of A followed by B, from theirs and B's length (zlib's adler32_combine).</summary>
    public static uint CombineAdler32(uint adlerA, uint adlerB, long lengthB)
    {
        uint rem = (uint)(lengthB % AdlerBase);
        ulong sum1 = adlerA & 0xFFFF;
        ulong sum2 = rem * sum1 % AdlerBase;
        sum1 += (adlerB & 0xFFFF) + AdlerBase - 1;
        sum2 += (adlerA >> 16) + (adlerB >> 16) + AdlerBase - rem;
        if (sum1 >= AdlerBase) sum1 -= AdlerBase;
        if (sum1 >= AdlerBase) sum1 -= AdlerBase;
        if (sum2 >= AdlerBase << 1) sum2 -= AdlerBase << 1;
        if (sum2 >= AdlerBase) sum2 -= AdlerBase;
        return (uint)(sum2 << 16 | sum1);
    }
}
