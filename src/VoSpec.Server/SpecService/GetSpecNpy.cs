using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using VoSpec.Server.Formats;

namespace VoSpec.Server.SpecService;

/// <summary>
/// getSpec as one .npy structured array of scalar fields, one record per pixel, as an SDSS COADD table: loglam,
/// flux-like vectors '&lt;f4', masks '&lt;i4'. Aligned (several ids, or align=True): a 2-D array, one row per spectrum
/// and one column per pixel of the common grid (loglam '&lt;f8'), which is what Data Lab's client expects
/// (<c>to_Spectrum1D</c> takes <c>a['loglam'][0]</c> as the common axis of a 2-D array). One spectrum: a 1-D array
/// (loglam '&lt;f4'), its own pixels, or those of a cutout on the cutout's grid, so that the client's per-id
/// requests stack into the same 2-D shape.
/// The body's length is known before the first byte, so it is sent with a Content-Length.
/// </summary>
public static class GetSpecNpy
{
    public const string ContentType = "application/octet-stream";

    /// <summary>Flush the response after about this many bytes: large enough that the socket gets big writes.</summary>
    private const int FlushBytes = 1 << 20;

    /// <summary>Records of one spectrum larger than this are packed in slices, so that no buffer grows past it.</summary>
    private const int MaxChunk = 1 << 20;

    public static IReadOnlyList<NpyField> Fields(SpectrumRows rows, bool grid) => rows.Values.Select(v => v switch
    {
        SpecVector.Loglam when grid => new NpyField("loglam", "<f8", 8),
        _ when SpecVectors.IsMask(v) => new NpyField(SpecVectors.Name(v), "<i4", 4),
        _ => new NpyField(SpecVectors.Name(v), "<f4", 4),
    }).ToList();

    private static long[] Shape(SpectrumRows rows, bool grid) => grid ? [rows.Count, rows.Length] : [rows.Length];

    /// <summary>The body's length in bytes: header plus records.</summary>
    public static long Length(SpectrumRows rows, bool grid)
    {
        var fields = Fields(rows, grid);
        return NpyWriter.Header(fields, Shape(rows, grid)).Length + (long)rows.Count * rows.Length * NpyWriter.RowSize(fields);
    }

    /// <param name="grid">The 2-D form (aligned rows); otherwise <paramref name="rows"/> holds one spectrum.</param>
    public static async Task WriteAsync(SpectrumRows rows, bool grid, PipeWriter output, CancellationToken ct)
    {
        var fields = Fields(rows, grid);
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
