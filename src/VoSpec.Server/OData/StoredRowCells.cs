using System.Buffers.Binary;
using System.Globalization;
using VoSpec.VOTable;

namespace VoSpec.Server.OData;

/// <summary>
/// The cells of a stored BINARY2 row (the archive keeps one per ObsCore row, with the public URL spliced in when it is
/// read): the null flags, then each field's bytes. A page of whole ObsCore rows is written from these instead of
/// reading forty columns one by one from the database; the JSON is the same either way (tested).
/// </summary>
public sealed class StoredRowCells : IRawCells
{
    private enum Kind { VariableText, FixedText, Double, Float, Long, Int, Short, Byte, Boolean }

    private readonly (Kind Kind, int Size)[] _fields;
    private readonly int _flagBytes;
    private readonly (int Start, int Length)[] _cells;
    private readonly bool[] _null;
    private byte[] _row = [];

    public StoredRowCells(IReadOnlyList<VOTableField> fields)
    {
        _fields = fields.Select(Layout).ToArray();
        _flagBytes = (fields.Count + 7) / 8;
        _cells = new (int, int)[fields.Count];
        _null = new bool[fields.Count];
    }

    private static (Kind, int) Layout(VOTableField f)
    {
        bool variable = f.Arraysize is { } a && a.EndsWith('*');
        int fixedSize = f.Arraysize is { } s && !variable ? int.Parse(s, CultureInfo.InvariantCulture) : 1;
        return f.Datatype switch
        {
            "char" when variable => (Kind.VariableText, 0),
            "char" => (Kind.FixedText, fixedSize),
            "double" => (Kind.Double, 8),
            "float" => (Kind.Float, 4),
            "long" => (Kind.Long, 8),
            "int" => (Kind.Int, 4),
            "short" => (Kind.Short, 2),
            "unsignedByte" => (Kind.Byte, 1),
            "boolean" => (Kind.Boolean, 1),
            _ => throw new NotSupportedException($"stored rows with {f.Datatype}[{f.Arraysize}] cells are not read here"),
        };
    }

    /// <summary>Splits one row into its cells (the bytes are kept until the next row).</summary>
    public void Load(ReadOnlySpan<byte> row)
    {
        if (_row.Length < row.Length) _row = new byte[Math.Max(row.Length, _row.Length * 2)];
        row.CopyTo(_row);
        int p = _flagBytes;
        for (int i = 0; i < _fields.Length; i++)
        {
            _null[i] = (_row[i >> 3] & (0x80 >> (i & 7))) != 0;
            var (kind, size) = _fields[i];
            int length = kind == Kind.VariableText ? BinaryPrimitives.ReadInt32BigEndian(_row.AsSpan(p)) : size;
            if (kind == Kind.VariableText) p += 4;
            _cells[i] = (p, length);
            p += length;
        }
    }

    public bool IsNull(int i) => _null[i];

    public bool TryGetBytes(int i, out ReadOnlySpan<byte> value) => TryGetUtf8(i, out value);

    public bool TryGetDouble(int i, out double value)
    {
        value = 0;
        if (_null[i]) return false;
        var (start, _) = _cells[i];
        value = _fields[i].Kind switch
        {
            Kind.Double => BinaryPrimitives.ReadDoubleBigEndian(_row.AsSpan(start)),
            Kind.Float => BinaryPrimitives.ReadSingleBigEndian(_row.AsSpan(start)),
            _ => TryGetInt64(i, out var l) ? l : 0,
        };
        return true;
    }

    public bool TryGetInt64(int i, out long value)
    {
        value = 0;
        if (_null[i]) return false;
        var (start, _) = _cells[i];
        value = _fields[i].Kind switch
        {
            Kind.Long => BinaryPrimitives.ReadInt64BigEndian(_row.AsSpan(start)),
            Kind.Int => BinaryPrimitives.ReadInt32BigEndian(_row.AsSpan(start)),
            Kind.Short => BinaryPrimitives.ReadInt16BigEndian(_row.AsSpan(start)),
            Kind.Byte or Kind.Boolean => _row[start],
            _ => (long)(TryGetDouble(i, out var d) ? d : 0),
        };
        return true;
    }

    /// <summary>A text cell's UTF-8 bytes (a fixed-width one up to its first NUL).</summary>
    public bool TryGetUtf8(int i, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (_null[i]) return false;
        var (start, length) = _cells[i];
        value = _row.AsSpan(start, length);
        if (_fields[i].Kind == Kind.FixedText && value.IndexOf((byte)0) is var nul and >= 0) value = value[..nul];
        return true;
    }
}
