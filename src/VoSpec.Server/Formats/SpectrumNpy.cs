using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using VoSpec.Engine;

namespace VoSpec.Server.Formats;

/// <summary>
/// Spectra as NumPy .npy structured arrays of scalar fields. One spectrum or a cutout of it (SODA, DataLink): one
/// record per pixel with the SDSS COADD fields plus the vacuum wavelength in Å as a double; vectors the spectrum
/// lacks are written as zeros (as in the FITS form), so every file has the same dtype. getSpec's rows: one record per
/// pixel, loglam, flux-like vectors '&lt;f4', masks '&lt;i4'. Aligned (several ids, or align=True): a 2-D array, one
/// row per spectrum and one column per pixel of the common grid (loglam '&lt;f8'), which is what Data Lab's client
/// expects (<c>to_Spectrum1D</c> takes <c>a['loglam'][0]</c> as the common axis of a 2-D array). One spectrum: a 1-D
/// array (loglam '&lt;f4'), its own pixels, or those of a cutout on the cutout's grid, so that the client's per-id
/// requests stack into the same 2-D shape. Every body's length is known before the first byte (Content-Length).
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

    // ------------------------------------------------------------------ getSpec's rows

    /// <summary>Flush the response after about this many bytes: large enough that the socket gets big writes.</summary>
    private const int FlushBytes = 1 << 20;

    /// <summary>Records of one spectrum larger than this are packed in slices, so that no buffer grows past it.</summary>
    private const int MaxChunk = 1 << 20;

    public static IReadOnlyList<NpyField> RowFields(SpectrumRows rows, bool grid) => rows.Values.Select(v => v switch
    {
        SpecVector.Loglam when grid => new NpyField("loglam", "<f8", 8),
        _ when SpecVectors.IsMask(v) => new NpyField(SpecVectors.Name(v), "<i4", 4),
        _ => new NpyField(SpecVectors.Name(v), "<f4", 4),
    }).ToList();

    private static long[] Shape(SpectrumRows rows, bool grid) => grid ? [rows.Count, rows.Length] : [rows.Length];

    /// <summary>The body's length in bytes: header plus records.</summary>
    public static long Length(SpectrumRows rows, bool grid)
    {
        var fields = RowFields(rows, grid);
        return NpyWriter.Header(fields, Shape(rows, grid)).Length + (long)rows.Count * rows.Length * NpyWriter.RowSize(fields);
    }

    /// <param name="grid">The 2-D form (aligned rows); otherwise <paramref name="rows"/> holds one spectrum.</param>
    public static async Task WriteAsync(SpectrumRows rows, bool grid, PipeWriter output, CancellationToken ct)
    {
        var fields = RowFields(rows, grid);
        int recordSize = NpyWriter.RowSize(fields);
        output.Write(NpyWriter.Header(fields, Shape(rows, grid)));
        var buffers = rows.NewBuffers();
        int perChunk = Math.Max(1, MaxChunk / recordSize);
        long pending = 0;
        for (int i = 0; i < rows.Count; i++)
        {
            rows.Fill(i, buffers);
            for (int start = 0; start < rows.Length; start += perChunk)
            {
                int count = Math.Min(perChunk, rows.Length - start);
                var chunk = output.GetSpan(count * recordSize)[..(count * recordSize)];
                PackPixels(rows.Values, buffers, grid, start, count, recordSize, chunk);
                output.Advance(chunk.Length);
                pending += chunk.Length;
                if (pending >= FlushBytes)
                {
                    pending = 0;
                    if ((await output.FlushAsync(ct)).IsCanceled) return;
                }
            }
        }
        await output.FlushAsync(ct);
    }

    /// <summary>Pixels [start, start + count) as records of scalar fields, one field (column) at a time.</summary>
    private static void PackPixels(IReadOnlyList<SpecVector> values, RowBuffers b, bool doubleLoglam, int start, int count, int recordSize, Span<byte> chunk)
    {
        int o = 0;
        foreach (var v in values)
        {
            if (v == SpecVector.Loglam)
            {
                var src = b.Loglam.AsSpan(start, count);
                if (doubleLoglam)
                {
                    for (int k = 0; k < count; k++) Unsafe.WriteUnaligned(ref chunk[o + k * recordSize], src[k]);
                    o += 8;
                    continue;
                }
                for (int k = 0; k < count; k++) Unsafe.WriteUnaligned(ref chunk[o + k * recordSize], (float)src[k]);
            }
            else if (SpecVectors.IsMask(v))
            {
                var src = b.Ints[(int)v].AsSpan(start, count);
                for (int k = 0; k < count; k++) Unsafe.WriteUnaligned(ref chunk[o + k * recordSize], src[k]);
            }
            else
            {
                var src = b.Floats[(int)v].AsSpan(start, count);
                for (int k = 0; k < count; k++) Unsafe.WriteUnaligned(ref chunk[o + k * recordSize], src[k]);
            }
            o += 4;
        }
    }
}
