using System.Buffers.Binary;

namespace VoSpec.VOTable;

/// <summary>Where complete BINARY2 rows go: the base64 STREAM of a VOTable, or the FITS writer's spool file.</summary>
internal interface IBinaryRowSink
{
    void WriteRow(ReadOnlySpan<byte> row);
}

/// <summary>
/// Encodes cells as BINARY2 row bytes into one reusable buffer: null-flag bytes (bit 7 − i%8 of byte i/8, 1 = null),
/// then big-endian cells in FIELD order; null cells keep their width (NaN for reals, '?' for booleans, zeros otherwise,
/// count 0 for variable arrays). char cells carry 7-bit ASCII only: any other UTF-16 unit becomes '?' (declare
/// unicodeChar for non-ASCII text); unicodeChar is UCS-2, so each surrogate half becomes U+FFFD.
/// </summary>
internal sealed class Binary2RowEncoder : CellEncoder
{
    private readonly IBinaryRowSink _sink;
    private readonly int _flagBytes;
    private byte[] _row = new byte[256];
    private int _length;

    public Binary2RowEncoder(FieldCodec[] codecs, IBinaryRowSink sink) : base(codecs)
    {
        _sink = sink;
        _flagBytes = (codecs.Length + 7) / 8;
        _length = _flagBytes;
    }

    /// <summary>Optional per-column statistics for writers that size columns afterwards (FITS): longest count and any null.</summary>
    public int[]? MaxCounts { get; init; }
    public bool[]? HadNull { get; init; }

    protected override void StartRow()
    {
        _row.AsSpan(0, _flagBytes).Clear();
        _length = _flagBytes;
    }

    protected override void FinishRow() => _sink.WriteRow(_row.AsSpan(0, _length));

    protected override void DiscardRow() => _length = _flagBytes;

    protected override void PutNull(FieldCodec c)
    {
        int i = c.Index;
        _row[i >> 3] |= (byte)(0x80 >> (i & 7));
        if (HadNull is not null) HadNull[i] = true;
        if (c.Size.IsVariable) { Take(4).Clear(); return; }
        int n = c.Size.FixedCount;
        var cell = Take(n * c.ElementSize);
        switch (c.Type)
        {
            case VOTableDatatype.Double: for (int k = 0; k < n; k++) BinaryPrimitives.WriteInt64BigEndian(cell[(8 * k)..], DoubleNaNBits); break;
            case VOTableDatatype.Float: for (int k = 0; k < n; k++) BinaryPrimitives.WriteInt32BigEndian(cell[(4 * k)..], FloatNaNBits); break;
            case VOTableDatatype.Boolean: cell.Fill((byte)'?'); break;
            default: cell.Clear(); break;
        }
    }

    protected override void PutBoolean(FieldCodec c, bool v) => Take(1)[0] = v ? (byte)'T' : (byte)'F';

    protected override void PutInteger(FieldCodec c, long v) => WriteInteger(c.Type, Take(c.ElementSize), v);

    protected override void PutReal(FieldCodec c, double v)
    {
        if (c.IsFloat) WriteFloat(Take(4), (float)v);
        else WriteDouble(Take(8), v);
    }

    // .NET's NaN is the negative quiet NaN (0xFFF8…); write the canonical 0x7FF8… (Java's, the standard's example).
    private const long DoubleNaNBits = 0x7FF8000000000000;
    private const int FloatNaNBits = 0x7FC00000;

    private static void WriteDouble(Span<byte> dest, double v)
    {
        if (double.IsNaN(v)) BinaryPrimitives.WriteInt64BigEndian(dest, DoubleNaNBits);
        else BinaryPrimitives.WriteDoubleBigEndian(dest, v);
    }

    private static void WriteFloat(Span<byte> dest, float v)
    {
        if (float.IsNaN(v)) BinaryPrimitives.WriteInt32BigEndian(dest, FloatNaNBits);
        else BinaryPrimitives.WriteSingleBigEndian(dest, v);
    }

    protected override bool CopiesAscii => true;

    protected override void PutAscii(FieldCodec c, ReadOnlySpan<byte> ascii)
    {
        Count(c, ascii.Length);
        var head = Take(4 + ascii.Length);
        BinaryPrimitives.WriteInt32BigEndian(head, ascii.Length);
        ascii.CopyTo(head[4..]);
    }

    protected override void PutText(FieldCodec c, string v)
    {
        int units = v.Length;
        Count(c, units);
        bool wide = c.Type == VOTableDatatype.UnicodeChar;
        int cellUnits = c.Size.IsVariable ? units : c.Size.FixedCount;
        Span<byte> cell;
        if (c.Size.IsVariable)
        {
            var head = Take(4 + units * (wide ? 2 : 1));
            BinaryPrimitives.WriteInt32BigEndian(head, units);
            cell = head[4..];
        }
        else cell = Take(cellUnits * (wide ? 2 : 1));
        if (wide)
        {
            for (int i = 0; i < units; i++)
            {
                char ch = v[i];
                BinaryPrimitives.WriteUInt16BigEndian(cell[(2 * i)..], char.IsSurrogate(ch) ? '\uFFFD' : ch);
            }
            cell[(2 * units)..].Clear();
        }
        else
        {
            for (int i = 0; i < units; i++)
            {
                char ch = v[i];
                cell[i] = ch < 0x80 ? (byte)ch : (byte)'?';
            }
            cell[units..].Clear(); // NUL padding ends a fixed char string
        }
    }

    protected override void PutIntegerArray(FieldCodec c, ReadOnlySpan<long> v)
    {
        var cell = ArrayCell(c, v.Length);
        int size = c.ElementSize;
        for (int i = 0; i < v.Length; i++) WriteInteger(c.Type, cell[(i * size)..], v[i]);
    }

    protected override void PutRealArray(FieldCodec c, ReadOnlySpan<double> v)
    {
        var cell = ArrayCell(c, v.Length);
        if (c.IsFloat) for (int i = 0; i < v.Length; i++) WriteFloat(cell[(4 * i)..], (float)v[i]);
        else for (int i = 0; i < v.Length; i++) WriteDouble(cell[(8 * i)..], v[i]);
    }

    protected override void PutBooleanArray(FieldCodec c, ReadOnlySpan<bool> v)
    {
        var cell = ArrayCell(c, v.Length);
        for (int i = 0; i < v.Length; i++) cell[i] = v[i] ? (byte)'T' : (byte)'F';
    }

    private Span<byte> ArrayCell(FieldCodec c, int count)
    {
        Count(c, count);
        int bytes = count * c.ElementSize;
        if (!c.Size.IsVariable) return Take(bytes);
        var cell = Take(4 + bytes);
        BinaryPrimitives.WriteInt32BigEndian(cell, count);
        return cell[4..];
    }

    private void Count(FieldCodec c, int count)
    {
        if (MaxCounts is not null && count > MaxCounts[c.Index]) MaxCounts[c.Index] = count;
    }

    private static void WriteInteger(VOTableDatatype type, Span<byte> dest, long v)
    {
        switch (type)
        {
            case VOTableDatatype.UnsignedByte: dest[0] = (byte)v; break;
            case VOTableDatatype.Short: BinaryPrimitives.WriteInt16BigEndian(dest, (short)v); break;
            case VOTableDatatype.Int: BinaryPrimitives.WriteInt32BigEndian(dest, (int)v); break;
            default: BinaryPrimitives.WriteInt64BigEndian(dest, v); break;
        }
    }

    private Span<byte> Take(int n)
    {
        if (_row.Length - _length < n) Array.Resize(ref _row, Math.Max(_row.Length * 2, _length + n));
        var span = _row.AsSpan(_length, n);
        _length += n;
        return span;
    }
}
