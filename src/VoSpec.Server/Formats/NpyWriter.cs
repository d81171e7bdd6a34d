using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace VoSpec.Server.Formats;

/// <summary>One field of a NumPy structured dtype: name, type code ('&lt;f4', '&lt;f8', '&lt;i4') and sub-array length (0: scalar).</summary>
public readonly record struct NpyField(string Name, string Descr, int ItemSize, int Count = 0)
{
    public int Size => ItemSize * Math.Max(Count, 1);

    public override string ToString() => Count > 0
        ? string.Create(CultureInfo.InvariantCulture, $"('{Name}', '{Descr}', ({Count},))")
        : $"('{Name}', '{Descr}')";
}

/// <summary>
/// The .npy format (version 1.0, or 2.0 when the header outgrows 64 KiB): magic, version, little-endian header length,
/// then the header — a Python dict literal with descr, fortran_order and shape, space-padded so that the data
/// starts on a 64-byte boundary and ending with a newline — then the rows, C order, little-endian.
/// </summary>
/// <remarks>Shared by the spec service's getSpec and the DataLink/SODA spectrum responses.</remarks>
public static class NpyWriter
{
    /// <summary>The MIME type DataLink and SODA use for .npy (getSpec keeps its own, application/octet-stream).</summary>
    public const string ContentType = "application/x-npy";

    /// <summary>Bytes per row of a structured array with <paramref name="fields"/>.</summary>
    public static int RowSize(IReadOnlyList<NpyField> fields)
    {
        int size = 0;
        foreach (var f in fields) size += f.Size;
        return size;
    }

    /// <summary>The header of a structured array: one row per record, fields as given.</summary>
    public static byte[] Header(IReadOnlyList<NpyField> fields, long rows) => Header(fields, [rows]);

    /// <summary>The header of a structured array of the given shape (C order).</summary>
    public static byte[] Header(IReadOnlyList<NpyField> fields, IReadOnlyList<long> shape) =>
        Frame("'descr': [" + string.Join(", ", fields) + "], 'fortran_order': False, 'shape': " + Tuple(shape) + ", ");

    /// <summary>The header of a plain array of <paramref name="descr"/> ('&lt;f4', …), C order.</summary>
    public static byte[] ArrayHeader(string descr, IReadOnlyList<long> shape) =>
        Frame($"'descr': '{descr}', 'fortran_order': False, 'shape': {Tuple(shape)}, ");

    // Python's tuple literal: "(3,)" for one dimension, "(3, 4)" for more.
    private static string Tuple(IReadOnlyList<long> shape) =>
        "(" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + (shape.Count == 1 ? ",)" : ")");

    /// <summary>Magic, version, header length and the dict literal, padded so that the data starts on a 64-byte boundary.</summary>
    private static byte[] Frame(string entries)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("the .npy writer copies little-endian memory");
        var dict = "{" + entries + "}";
        int prefix = 10;
        int total = prefix + dict.Length + 1;
        if (total + 63 > ushort.MaxValue + prefix) { prefix = 12; total = prefix + dict.Length + 1; }
        int pad = (64 - total % 64) % 64;
        var header = dict + new string(' ', pad) + "\n";
        var bytes = new byte[prefix + header.Length];
        bytes[0] = 0x93;
        Encoding.ASCII.GetBytes("NUMPY", bytes.AsSpan(1));
        bytes[6] = (byte)(prefix == 10 ? 1 : 2);
        bytes[7] = 0;
        if (prefix == 10) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)header.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)header.Length);
        Encoding.ASCII.GetBytes(header, bytes.AsSpan(prefix));
        return bytes;
    }
}
