using System.Buffers.Binary;
using System.Text;

namespace VoSpec.VOTable;

/// <summary>
/// Puts bytes in front of one variable-length char cell of stored BINARY2 rows (<see cref="Binary2RowImages"/>), for a
/// cell that is kept relative to something only the answer knows: ObsCore's access_url is stored relative to the
/// server's public URL, so the archive can move to another address without re-encoding every row. A null cell is left
/// as it is. Immutable and shared by every query (the layout is worked out once); each caller keeps its own buffer.
/// </summary>
public sealed class Binary2CellPrefix
{
    private readonly int[] _sizes; // each cell before the prefixed one: its size in bytes, or -1 for variable-length char
    private readonly int _field, _flagBytes;
    private readonly byte[] _prefix;

    /// <summary>The text put in front.</summary>
    public string Prefix { get; }

    public Binary2CellPrefix(IReadOnlyList<VOTableField> fields, int field, string prefix)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentOutOfRangeException.ThrowIfNegative(field);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(field, fields.Count);
        var codecs = FieldCodec.Compile(fields);
        if (!IsVariableChar(codecs[field])) throw new ArgumentException($"FIELD {fields[field].Name} is not variable-length char", nameof(field));
        _sizes = new int[field];
        for (int i = 0; i < field; i++)
        {
            var c = codecs[i];
            if (IsVariableChar(c)) _sizes[i] = -1;
            else if (c.IsArray || c.Kind == CellKind.Text) throw new ArgumentException($"FIELD {c.Name} cannot be stored pre-encoded", nameof(fields));
            else _sizes[i] = c.ElementSize;
        }
        _field = field;
        _flagBytes = (fields.Count + 7) / 8;
        _prefix = Encoding.UTF8.GetBytes(prefix);
        Prefix = prefix;
    }

    private static bool IsVariableChar(FieldCodec c) => c.Kind == CellKind.Text && c.Type == VOTableDatatype.Char && c.Size.IsVariable;

    /// <summary>The row with the prefix in front of the cell, written into <paramref name="buffer"/> (grown when short).</summary>
    public ReadOnlySpan<byte> Apply(ReadOnlySpan<byte> row, ref byte[]? buffer)
    {
        if ((row[_field >> 3] & (0x80 >> (_field & 7))) != 0) return row;
        int at = _flagBytes;
        for (int i = 0; i < _sizes.Length; i++)
            at += _sizes[i] >= 0 ? _sizes[i] : 4 + BinaryPrimitives.ReadInt32BigEndian(row[at..]);
        int length = BinaryPrimitives.ReadInt32BigEndian(row[at..]);
        int total = row.Length + _prefix.Length;
        if (buffer is null || buffer.Length < total) buffer = new byte[total * 2];
        var output = buffer.AsSpan(0, total);
        row[..at].CopyTo(output);
        BinaryPrimitives.WriteInt32BigEndian(output[at..], length + _prefix.Length);
        _prefix.CopyTo(output[(at + 4)..]);
        row[(at + 4)..].CopyTo(output[(at + 4 + _prefix.Length)..]);
        return output;
    }
}
