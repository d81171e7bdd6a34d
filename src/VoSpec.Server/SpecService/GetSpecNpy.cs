using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using VoSpec.Server.Formats;

namespace VoSpec.Server.SpecService;

/// <summary>
/// getSpec as one .npy structured array. Aligned: one row per spectrum, each vector a fixed-length sub-array on
/// the common grid (loglam '&lt;f8', flux-like '&lt;f4', masks '&lt;i4'). One spectrum: one row per pixel with scalar
/// fields, as an SDSS COADD table (loglam '&lt;f4').
/// Aligned rows are aligned straight from the memory-mapped pixel store into the response's own buffers (no
/// intermediate copy); the body's length is known before the first byte, so it is sent with a Content-Length.
/// </summary>
public static class GetSpecNpy
{
    public const string ContentType = "application/octet-stream";

    /// <summary>Flush the response after about this many bytes: large enough that the socket gets big writes.</summary>
    private const int FlushBytes = 1 << 20;

    /// <summary>
    /// Rows up to this size are aligned in the response's own buffer (which the pipe rents whole from the shared
    /// pool); a longer row (a grid of some 30,000 pixels or more, with every vector) goes through one reused row
    /// buffer instead, so that no pool keeps buffers of many megabytes.
    /// </summary>
    private const int MaxDirectRow = 1 << 20;

    public static IReadOnlyList<NpyField> Fields(SpectrumRows rows) => rows.Values.Select(v => v switch
    {
        SpecVector.Loglam when rows.Aligned => new NpyField("loglam", "<f8", 8, rows.Length),
        _ when SpecVectors.IsMask(v) => new NpyField(SpecVectors.Name(v), "<i4", 4, rows.Aligned ? rows.Length : 0),
        _ => new NpyField(SpecVectors.Name(v), "<f4", 4, rows.Aligned ? rows.Length : 0),
    }).ToList();

    /// <summary>The body's length in bytes: header plus rows.</summary>
    public static long Length(SpectrumRows rows)
    {
        var fields = Fields(rows);
        long count = rows.Aligned ? rows.Count : rows.Length;
        return NpyWriter.Header(fields, count).Length + count * NpyWriter.RowSize(fields);
    }

    public static async Task WriteAsync(SpectrumRows rows, PipeWriter output, CancellationToken ct)
    {
        var fields = Fields(rows);
        int rowSize = NpyWriter.RowSize(fields);
        output.Write(NpyWriter.Header(fields, rows.Aligned ? rows.Count : rows.Length));
        if (rows.Aligned && rowSize > MaxDirectRow)
        {
            var loglam = rows.AlignedLoglamBytes();
            var row = new byte[rowSize];
            for (int i = 0; i < rows.Count; i++)
            {
                rows.FillPacked(i, loglam, row);
                output.Write(row);
                if ((await output.FlushAsync(ct)).IsCanceled) return;
            }
        }
        else if (rows.Aligned)
        {
            var loglam = rows.AlignedLoglamBytes();
            long pending = 0;
            for (int i = 0; i < rows.Count; i++)
            {
                rows.FillPacked(i, loglam, output.GetSpan(rowSize)[..rowSize]);
                output.Advance(rowSize);
                pending += rowSize;
                if (pending >= FlushBytes)
                {
                    pending = 0;
                    if ((await output.FlushAsync(ct)).IsCanceled) return;
                }
            }
        }
        else
        {
            var buffers = rows.NewBuffers();
            rows.Fill(0, buffers);
            int perChunk = Math.Max(1, FlushBytes / rowSize);
            for (int start = 0; start < rows.Length; start += perChunk)
            {
                int count = Math.Min(perChunk, rows.Length - start);
                var chunk = output.GetSpan(count * rowSize)[..(count * rowSize)];
                PackPixels(rows.Values, buffers, start, count, rowSize, chunk);
                output.Advance(chunk.Length);
            }
        }
        await output.FlushAsync(ct);
    }

    /// <summary>Pixels [start, start + count) as rows of scalar fields, one field (column) at a time.</summary>
    private static void PackPixels(IReadOnlyList<SpecVector> values, RowBuffers b, int start, int count, int rowSize, Span<byte> chunk)
    {
        int o = 0;
        foreach (var v in values)
        {
            if (v == SpecVector.Loglam)
            {
                var src = b.Loglam.AsSpan(start, count);
                for (int k = 0; k < count; k++) Unsafe.WriteUnaligned(ref chunk[o + k * rowSize], (float)src[k]);
            }
            else if (SpecVectors.IsMask(v))
            {
                var src = b.Ints[(int)v].AsSpan(start, count);
                for (int k = 0; k < count; k++) Unsafe.WriteUnaligned(ref chunk[o + k * rowSize], src[k]);
            }
            else
            {
                var src = b.Floats[(int)v].AsSpan(start, count);
                for (int k = 0; k < count; k++) Unsafe.WriteUnaligned(ref chunk[o + k * rowSize], src[k]);
            }
            o += 4;
        }
    }
}
