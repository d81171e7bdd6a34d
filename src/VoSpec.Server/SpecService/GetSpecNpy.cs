using System.Buffers.Binary;
using System.Runtime.InteropServices;
using VoSpec.Server.Formats;

namespace VoSpec.Server.SpecService;

/// <summary>
/// getSpec as one .npy structured array. Aligned: one row per spectrum, each vector a fixed-length sub-array on
/// the common grid (loglam '&lt;f8', flux-like '&lt;f4', masks '&lt;i4'). One spectrum: one row per pixel with scalar
/// fields, as an SDSS COADD table (loglam '&lt;f4'). Rows go to the body one at a time from one reused buffer.
/// </summary>
public static class GetSpecNpy
{
    public const string ContentType = "application/octet-stream";

    public static IReadOnlyList<NpyField> Fields(SpectrumRows rows) => rows.Values.Select(v => v switch
    {
        SpecVector.Loglam when rows.Aligned => new NpyField("loglam", "<f8", 8, rows.Length),
        _ when SpecVectors.IsMask(v) => new NpyField(SpecVectors.Name(v), "<i4", 4, rows.Aligned ? rows.Length : 0),
        _ => new NpyField(SpecVectors.Name(v), "<f4", 4, rows.Aligned ? rows.Length : 0),
    }).ToList();

    public static async Task WriteAsync(SpectrumRows rows, Stream output, CancellationToken ct)
    {
        var fields = Fields(rows);
        await output.WriteAsync(NpyWriter.Header(fields, rows.Aligned ? rows.Count : rows.Length), ct);
        var buffers = rows.NewBuffers();
        if (rows.Aligned)
        {
            var row = new byte[fields.Sum(f => f.Size)];
            for (int i = 0; i < rows.Count; i++)
            {
                rows.Fill(i, buffers);
                PackAligned(rows.Values, buffers, row);
                await output.WriteAsync(row, ct);
            }
        }
        else
        {
            rows.Fill(0, buffers);
            int rowSize = fields.Sum(f => f.Size);
            const int PixelsPerChunk = 4096;
            var chunk = new byte[rowSize * PixelsPerChunk];
            for (int start = 0; start < rows.Length; start += PixelsPerChunk)
            {
                int count = Math.Min(PixelsPerChunk, rows.Length - start);
                PackPixels(rows.Values, buffers, start, count, chunk);
                await output.WriteAsync(chunk.AsMemory(0, count * rowSize), ct);
            }
        }
    }

    private static void PackAligned(IReadOnlyList<SpecVector> values, RowBuffers b, byte[] row)
    {
        int offset = 0;
        foreach (var v in values)
        {
            ReadOnlySpan<byte> bytes = v == SpecVector.Loglam ? MemoryMarshal.AsBytes(b.Loglam.AsSpan())
                : SpecVectors.IsMask(v) ? MemoryMarshal.AsBytes(b.Ints[(int)v].AsSpan())
                : MemoryMarshal.AsBytes(b.Floats[(int)v].AsSpan());
            bytes.CopyTo(row.AsSpan(offset));
            offset += bytes.Length;
        }
    }

    private static void PackPixels(IReadOnlyList<SpecVector> values, RowBuffers b, int start, int count, byte[] chunk)
    {
        var span = chunk.AsSpan();
        int o = 0;
        for (int k = start; k < start + count; k++)
            foreach (var v in values)
            {
                if (v == SpecVector.Loglam) BinaryPrimitives.WriteSingleLittleEndian(span[o..], (float)b.Loglam[k]);
                else if (SpecVectors.IsMask(v)) BinaryPrimitives.WriteInt32LittleEndian(span[o..], b.Ints[(int)v]![k]);
                else BinaryPrimitives.WriteSingleLittleEndian(span[o..], b.Floats[(int)v]![k]);
                o += 4;
            }
    }
}
