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
        _raw = RawPlan(codecs);
    }

    // ---- whole rows from an IRawCells reader ----

    private enum RawCell : byte { Boolean, Integer, Long, Float, Double, Text }

    /// <summary>How each FIELD is copied by <see cref="WriteRawRow"/>; null if some FIELD needs the cell API (arrays, fixed or unicode text).</summary>
    private readonly RawCell[]? _raw;

    private static RawCell[]? RawPlan(FieldCodec[] codecs)
    {
        var plan = new RawCell[codecs.Length];
        for (int i = 0; i < codecs.Length; i++)
        {
            var c = codecs[i];
            if (c.Kind == CellKind.Text && c.Type == VOTableDatatype.Char && c.Size.IsVariable) { plan[i] = RawCell.Text; continue; }
            if (c.IsArray) return null;
            switch (c.Kind)
            {
                case CellKind.Boolean: plan[i] = RawCell.Boolean; break;
                case CellKind.Integer: plan[i] = c.Type == VOTableDatatype.Long ? RawCell.Long : RawCell.Integer; break;
                case CellKind.Real: plan[i] = c.IsFloat ? RawCell.Float : RawCell.Double; break;
                default: return null;
            }
        }
        return plan;
    }

    /// <summary>Whether every FIELD is a scalar number or boolean or variable-length char, so <see cref="WriteRawRow"/> can be used.</summary>
    public bool WritesRawRows => _raw is not null;

    /// <summary>
    /// All the cells of one row, exactly as the cell API would write them from a data reader's typed getters (integers
    /// and booleans as Int64, reals as Double, char as UTF-8), but without its per-cell dispatch: on wide TAP results
    /// that dispatch cost as much as SQLite itself. Close the row with EndRow as usual.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void WriteRawRow(IRawCells cells)
    {
        var plan = _raw ?? throw new InvalidOperationException("this table has FIELDs that need the cell API");
        if (Column != 0) throw new InvalidOperationException("WriteRawRow in the middle of a row");
        StartRow();
        for (int i = 0; i < plan.Length; i++)
        {
            Column = i;
            var c = Codecs[i];
            switch (plan[i])
            {
                case RawCell.Double:
                    if (cells.TryGetDouble(i, out double d)) WriteDouble(Take(8), d); else PutNull(c);
                    break;
                case RawCell.Float:
                    if (cells.TryGetDouble(i, out double f)) WriteFloat(Take(4), (float)f); else PutNull(c);
                    break;
                case RawCell.Long:
                    if (cells.TryGetInt64(i, out long l)) BinaryPrimitives.WriteInt64BigEndian(Take(8), l); else PutNull(c);
                    break;
                case RawCell.Integer:
                    if (cells.TryGetInt64(i, out long n)) WriteInteger(c.Type, Take(c.ElementSize), CheckRange(c, n)); else PutNull(c);
                    break;
                case RawCell.Boolean:
                    if (cells.TryGetInt64(i, out long b)) Take(1)[0] = b != 0 ? (byte)'T' : (byte)'F'; else PutNull(c);
                    break;
                default:
                    if (!cells.TryGetUtf8(i, out var text)) PutNull(c);
                    else if (text.Length <= c.Size.MaxCount && System.Text.Ascii.IsValid(text)) PutAscii(c, text);
                    else WriteString(System.Text.Encoding.UTF8.GetString(text)); // the cell API's checks and '?' for non-ASCII
                    break;
            }
        }
        Column = plan.Length;
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

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
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

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private Span<byte> Take(int n)
    {
        if (_row.Length - _length < n) Array.Resize(ref _row, Math.Max(_row.Length * 2, _length + n));
        var span = _row.AsSpan(_length, n);
        _length += n;
        return span;
    }
}
