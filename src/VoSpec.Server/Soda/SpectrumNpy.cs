using System.Buffers.Binary;
using VoSpec.Engine;
using VoSpec.Server.Formats;

namespace VoSpec.Server.Soda;

/// <summary>
/// A spectrum (or a cutout of it) as a NumPy .npy structured array, one row per pixel, with the SDSS COADD
/// fields plus the vacuum wavelength in Å as a double. Vectors the spectrum lacks are written as zeros
/// (as in the FITS form), so every file has the same dtype.
/// </summary>
public static class SpectrumNpy
{
    public const string ContentType = NpyWriter.ContentType;

    public static readonly IReadOnlyList<NpyField> Fields =
    [
        new("wavelength", "<f8", 8),
        new("loglam", "<f4", 4),
        new("flux", "<f4", 4),
        new("ivar", "<f4", 4),
        new("and_mask", "<i4", 4),
        new("or_mask", "<i4", 4),
        new("wdisp", "<f4", 4),
        new("sky", "<f4", 4),
        new("model", "<f4", 4),
    ];

    private static readonly int s_rowSize = NpyWriter.RowSize(Fields);

    /// <summary>The exact size of the file for <paramref name="pixels"/> pixels.</summary>
    public static long Length(int pixels) => NpyWriter.Header(Fields, pixels).Length + (long)s_rowSize * pixels;

    public static async Task WriteAsync(SpectrumCutout view, Stream output, CancellationToken ct)
    {
        await output.WriteAsync(NpyWriter.Header(Fields, view.Count), ct);
        const int PixelsPerChunk = 4096;
        var chunk = new byte[s_rowSize * Math.Min(PixelsPerChunk, Math.Max(view.Count, 1))];
        for (int start = 0; start < view.Count; start += PixelsPerChunk)
        {
            int count = Math.Min(PixelsPerChunk, view.Count - start);
            Pack(view, start, count, chunk);
            await output.WriteAsync(chunk.AsMemory(0, count * s_rowSize), ct);
        }
    }

    private static void Pack(SpectrumCutout view, int start, int count, byte[] chunk)
    {
        var span = chunk.AsSpan();
        int o = 0;
        for (int i = start; i < start + count; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(span[o..], view.WavelengthAt(i)); o += 8;
            BinaryPrimitives.WriteSingleLittleEndian(span[o..], (float)view.Log10WavelengthAt(i)); o += 4;
            BinaryPrimitives.WriteSingleLittleEndian(span[o..], view.Flux[i]); o += 4;
            BinaryPrimitives.WriteSingleLittleEndian(span[o..], view.HasIvar ? view.Ivar[i] : 0f); o += 4;
            BinaryPrimitives.WriteInt32LittleEndian(span[o..], view.HasAndMask ? view.AndMask[i] : 0); o += 4;
            BinaryPrimitives.WriteInt32LittleEndian(span[o..], view.HasOrMask ? view.OrMask[i] : 0); o += 4;
            BinaryPrimitives.WriteSingleLittleEndian(span[o..], view.HasWDisp ? view.WDisp[i] : 0f); o += 4;
            BinaryPrimitives.WriteSingleLittleEndian(span[o..], view.HasSky ? view.Sky[i] : 0f); o += 4;
            BinaryPrimitives.WriteSingleLittleEndian(span[o..], view.HasModel ? view.Model[i] : 0f); o += 4;
        }
    }
}
