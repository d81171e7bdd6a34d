using System.Numerics;
using System.Text;

namespace VoSpec.Fits;

/// <summary>
/// A BINTABLE extension. Two ways in: per-cell (<see cref="GetValue"/>, <see cref="GetDouble"/>,
/// <see cref="GetString"/>… for catalogue rows) and bulk column readers (<see cref="ReadFloats(BinaryTableColumn)"/>,
/// <see cref="ReadDoubles(BinaryTableColumn)"/>, <see cref="ReadInt32s(BinaryTableColumn)"/>…) that decode a whole
/// column straight from the file buffer, for pixel data.
/// </summary>
public sealed class BinaryTable : Hdu
{
    private readonly BinaryTableColumn[] _columns;
    private readonly Dictionary<string, BinaryTableColumn> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly long _heapOffset;

    internal BinaryTable(int index, FitsHeader header, ReadOnlyMemory<byte> data) : base(index, header, data)
    {
        RowWidth = header.GetInt("NAXIS1");
        RowCount = header.GetInt("NAXIS2");
        // The data length comes from BITPIX, GCOUNT and PCOUNT too: a damaged header can make it shorter than the rows.
        if (RowWidth < 0 || RowCount < 0 || (long)RowWidth * RowCount > data.Length)
            throw new FitsFormatException($"HDU {index}: {RowCount} rows of {RowWidth} bytes do not fit in its {data.Length} data bytes");
        _heapOffset = header.GetLongOrNull("THEAP") ?? (long)RowWidth * RowCount;
        if (_heapOffset < (long)RowWidth * RowCount || _heapOffset > data.Length)
            throw new FitsFormatException($"HDU {index}: THEAP = {_heapOffset} is not between the end of the rows and the end of the data");
        int fields = header.GetInt("TFIELDS");
        if (fields is < 0 or > 999) throw new FitsFormatException($"HDU {index}: TFIELDS = {fields} is out of range");
        _columns = new BinaryTableColumn[fields];
        long offset = 0;
        for (int i = 0; i < fields; i++)
        {
            int n = i + 1;
            string tform = header.TryGetString($"TFORM{n}", out var f) ? f : throw new FitsFormatException($"HDU {index}: column {n} has no TFORM{n}");
            var form = TForm.Parse(tform);
            string name = header.GetStringOrNull($"TTYPE{n}")?.Trim() ?? "";
            var zeroCard = header.Find($"TZERO{n}");
            double zero = zeroCard is not null && zeroCard.TryGetDouble(out var z) ? z : 0.0;
            bool zeroIs2To63 = zeroCard is not null && (zeroCard.IntegerTextIs("9223372036854775808") || zero == 9223372036854775808.0);
            // In long: a repeat count near 2^31 times the element size overflows an int.
            long width = form.Type switch { 'X' => ((long)form.Repeat + 7) / 8, 'P' or 'Q' => form.Width, _ => (long)form.Repeat * TForm.ElementSize(form.Type) };
            if (offset + width > RowWidth)
                throw new FitsFormatException($"HDU {index} ({Name}): column {n} ({tform.Trim()}) ends past NAXIS1 = {RowWidth} bytes per row");
            _columns[i] = new BinaryTableColumn(i, name, form, (int)offset, header.GetStringOrNull($"TUNIT{n}")?.Trim(),
                header.GetDoubleOrNull($"TSCAL{n}") ?? 1.0, zero, zeroIs2To63, header.GetLongOrNull($"TNULL{n}"),
                header.GetStringOrNull($"TDIM{n}")?.Trim());
            if (name.Length > 0) _byName.TryAdd(name, _columns[i]);
            offset += width;
        }
        if (offset != RowWidth)
            throw new FitsFormatException($"HDU {index} ({Name}): the columns' TFORMs add up to {offset} bytes per row but NAXIS1 = {RowWidth}");
    }

    public int RowCount { get; }
    /// <summary>Bytes per row (NAXIS1).</summary>
    public int RowWidth { get; }
    public IReadOnlyList<BinaryTableColumn> Columns => _columns;

    /// <summary>Case-insensitive lookup by TTYPE.</summary>
    public BinaryTableColumn Column(string name) =>
        _byName.TryGetValue(name, out var c) ? c : throw new KeyNotFoundException($"HDU {Index} ({Name}) has no column '{name}'");

    public bool TryGetColumn(string name, out BinaryTableColumn column) => _byName.TryGetValue(name, out column!);

    public bool HasColumn(string name) => _byName.ContainsKey(name);

    // ---- per cell ----

    private ReadOnlySpan<byte> Cell(int row, BinaryTableColumn c)
    {
        if ((uint)row >= (uint)RowCount) throw new ArgumentOutOfRangeException(nameof(row), $"row {row} of a {RowCount}-row table");
        return Data.Span.Slice(row * RowWidth + c.Offset, c.Form.Width);
    }

    /// <summary>
    /// The value of one cell, typed by its TFORM: scalars for repeat 1 (bool, byte, short, int, long, float, double,
    /// Complex; sbyte/ushort/uint/ulong for the TZERO conventions; double when TSCAL/TZERO scale it; null for TNULL
    /// or an undefined logical), arrays for repeat &gt; 1 and for P/Q columns, string for A, bool[] for X.
    /// </summary>
    public object? GetValue(int row, BinaryTableColumn column)
    {
        var cell = Cell(row, column);
        var form = column.Form;
        if (form.IsVariableLength)
        {
            var heap = HeapSlice(cell, column, out int count);
            return form.ArrayType switch
            {
                'A' => DecodeString(heap),
                'X' => DecodeBits(heap, count),
                _ => DecodeArray(heap, column, form.ArrayType, count),
            };
        }
        return form.Type switch
        {
            'A' => DecodeString(cell),
            'X' => DecodeBits(cell, form.Repeat),
            _ when form.Repeat == 1 => DecodeScalar(cell, column, form.Type),
            _ => DecodeArray(cell, column, form.Type, form.Repeat),
        };
    }

    public object? GetValue(int row, string column) => GetValue(row, Column(column));

    /// <summary>An A column's text, without trailing blanks and anything from the first NUL.</summary>
    public string GetString(int row, BinaryTableColumn column)
    {
        if (column.Form.ValueType != 'A') throw new InvalidOperationException($"column {column.Name} is {column.Form}, not a string");
        return (string)GetValue(row, column)!;
    }

    public string GetString(int row, string column) => GetString(row, Column(column));

    /// <summary>One numeric element as a physical double (TSCAL/TZERO applied; TNULL → NaN).</summary>
    public double GetDouble(int row, BinaryTableColumn column, int element = 0)
    {
        var bytes = Element(row, column, element, out char type);
        return type switch
        {
            'E' => Physical(column, BigEndian.ReadOne<float>(bytes)),
            'D' => Physical(column, BigEndian.ReadOne<double>(bytes)),
            'B' or 'I' or 'J' or 'K' => IntegerToDouble(column, RawInteger(bytes, type)),
            _ => throw new InvalidOperationException($"column {column.Name} ({column.Form}) is not numeric"),
        };
    }

    public double GetDouble(int row, string column, int element = 0) => GetDouble(row, Column(column), element);

    /// <summary>One integer element, exact, with the unsigned TZERO conventions applied (no TNULL check: see <see cref="IsNull"/>).</summary>
    public long GetLong(int row, BinaryTableColumn column, int element = 0)
    {
        var bytes = Element(row, column, element, out char type);
        if (type is not ('B' or 'I' or 'J' or 'K'))
            throw new InvalidOperationException($"column {column.Name} ({column.Form}) is not an integer column");
        return IntegerToLong(column, RawInteger(bytes, type));
    }

    public long GetLong(int row, string column, int element = 0) => GetLong(row, Column(column), element);

    public bool GetBool(int row, BinaryTableColumn column, int element = 0)
    {
        var bytes = Element(row, column, element, out char type);
        return type == 'L' ? bytes[0] == (byte)'T' : throw new InvalidOperationException($"column {column.Name} ({column.Form}) is not logical");
    }

    /// <summary>True when an integer element equals TNULL, a logical is undefined (0), or a float is NaN.</summary>
    public bool IsNull(int row, BinaryTableColumn column, int element = 0)
    {
        var bytes = Element(row, column, element, out char type);
        return type switch
        {
            'B' or 'I' or 'J' or 'K' => column.Null == RawInteger(bytes, type),
            'L' => bytes[0] == 0,
            'E' => float.IsNaN(BigEndian.ReadOne<float>(bytes)),
            'D' => double.IsNaN(BigEndian.ReadOne<double>(bytes)),
            _ => false,
        };
    }

    private ReadOnlySpan<byte> Element(int row, BinaryTableColumn column, int element, out char type)
    {
        var cell = Cell(row, column);
        int count = column.Form.Repeat;
        type = column.Form.ValueType;
        if (column.Form.IsVariableLength) cell = HeapSlice(cell, column, out count);
        if (type is 'X' or 'A' or 'C' or 'M') throw new InvalidOperationException($"column {column.Name} ({column.Form}) has no scalar elements; use GetValue");
        if ((uint)element >= (uint)count) throw new ArgumentOutOfRangeException(nameof(element), $"element {element} of {count} in column {column.Name}");
        int size = TForm.ElementSize(type);
        return cell.Slice(element * size, size);
    }

    /// <summary>The raw heap bytes one P/Q cell points to, bounds-checked (compressed image tiles are read this way).</summary>
    internal ReadOnlySpan<byte> HeapBytes(int row, BinaryTableColumn column)
    {
        if (!column.Form.IsVariableLength) throw new FitsFormatException($"HDU {Index} ({Name}): column {column.Name} ({column.Form}) is not a variable-length array");
        return HeapSlice(Cell(row, column), column, out _);
    }

    private ReadOnlySpan<byte> HeapSlice(ReadOnlySpan<byte> descriptor, BinaryTableColumn column, out int elementCount)
    {
        long count, offset;
        if (column.Form.Type == 'P') { count = BigEndian.ReadOne<int>(descriptor); offset = BigEndian.ReadOne<int>(descriptor[4..]); }
        else { count = BigEndian.ReadOne<long>(descriptor); offset = BigEndian.ReadOne<long>(descriptor[8..]); }
        char t = column.Form.ArrayType;
        // Compared before multiplying, so that a huge count or offset cannot overflow into a small one.
        if (count < 0 || offset < 0 || count > Data.Length * 8L || offset > Data.Length)
            throw new FitsFormatException($"HDU {Index} ({Name}): column {column.Name} points outside the heap (count {count}, offset {offset})");
        long bytes = t == 'X' ? (count + 7) / 8 : count * TForm.ElementSize(t);
        long start = _heapOffset + offset;
        if (start + bytes > Data.Length)
            throw new FitsFormatException($"HDU {Index} ({Name}): column {column.Name} points outside the heap (count {count}, offset {offset})");
        elementCount = (int)count;
        return Data.Span.Slice((int)start, (int)bytes);
    }

    private static string DecodeString(ReadOnlySpan<byte> bytes)
    {
        int nul = bytes.IndexOf((byte)0);
        if (nul >= 0) bytes = bytes[..nul];
        return Encoding.Latin1.GetString(bytes).TrimEnd(' ');
    }

    private static bool[] DecodeBits(ReadOnlySpan<byte> bytes, int count)
    {
        var bits = new bool[count];
        for (int i = 0; i < count; i++) bits[i] = (bytes[i >> 3] & (0x80 >> (i & 7))) != 0;
        return bits;
    }

    private static long RawInteger(ReadOnlySpan<byte> bytes, char type) => type switch
    {
        'B' => bytes[0],
        'I' => BigEndian.ReadOne<short>(bytes),
        'J' => BigEndian.ReadOne<int>(bytes),
        _ => BigEndian.ReadOne<long>(bytes),
    };

    private static double Physical(BinaryTableColumn c, double raw) => c.Scale * raw + c.Zero;

    private static double IntegerToDouble(BinaryTableColumn c, long raw) =>
        c.Null == raw ? double.NaN
        : c.Unsigned == UnsignedConvention.UInt64 ? (double)(ulong)(raw ^ long.MinValue)
        : c.Scale * raw + c.Zero;

    private static long IntegerToLong(BinaryTableColumn c, long raw) => c.Unsigned switch
    {
        UnsignedConvention.UInt64 => checked((long)(ulong)(raw ^ long.MinValue)),
        UnsignedConvention.None when c.Scale == 1.0 && c.Zero == Math.Floor(c.Zero) => checked(raw + (long)c.Zero),
        UnsignedConvention.None => throw new InvalidOperationException($"column {c.Name} is scaled (TSCAL {c.Scale}, TZERO {c.Zero}); use GetDouble"),
        _ => raw + (long)c.Zero,
    };

    private static object? DecodeScalar(ReadOnlySpan<byte> cell, BinaryTableColumn c, char type)
    {
        switch (type)
        {
            case 'L': return cell[0] switch { (byte)'T' => true, (byte)'F' => false, _ => null };
            case 'E': { float f = BigEndian.ReadOne<float>(cell); return c.IsScaled ? Physical(c, f) : (object)f; }
            case 'D': { double d = BigEndian.ReadOne<double>(cell); return c.IsScaled ? Physical(c, d) : d; }
            case 'C': return new Complex(BigEndian.ReadOne<float>(cell), BigEndian.ReadOne<float>(cell[4..]));
            case 'M': return new Complex(BigEndian.ReadOne<double>(cell), BigEndian.ReadOne<double>(cell[8..]));
        }
        long raw = RawInteger(cell, type);
        if (c.Null == raw) return null;
        if (c.IsScaled) return Physical(c, raw);
        return (type, c.Unsigned) switch
        {
            ('B', UnsignedConvention.SByte) => (sbyte)(raw - 128),
            ('B', _) => (byte)raw,
            ('I', UnsignedConvention.UInt16) => (ushort)(raw + 32768),
            ('I', _) => (short)raw,
            ('J', UnsignedConvention.UInt32) => (uint)(raw + 2147483648L),
            ('J', _) => (int)raw,
            ('K', UnsignedConvention.UInt64) => (ulong)(raw ^ long.MinValue),
            _ => raw,
        };
    }

    private static Array DecodeArray(ReadOnlySpan<byte> bytes, BinaryTableColumn c, char type, int count)
    {
        switch (type)
        {
            case 'L':
                {
                    var a = new bool[count];
                    for (int i = 0; i < count; i++) a[i] = bytes[i] == (byte)'T';
                    return a;
                }
            case 'C' or 'M':
                {
                    var a = new Complex[count];
                    int size = type == 'C' ? 8 : 16;
                    for (int i = 0; i < count; i++)
                        a[i] = (Complex)DecodeScalar(bytes.Slice(i * size, size), c, type)!;
                    return a;
                }
            case 'E' when !c.IsScaled: { var a = new float[count]; BigEndian.Read(bytes, a.AsSpan()); return a; }
            case 'D' when !c.IsScaled: { var a = new double[count]; BigEndian.Read(bytes, a.AsSpan()); return a; }
        }
        if (c.IsScaled)
        {
            // Physical values only fit a double array (TNULL → NaN). Unscaled arrays keep their raw integers.
            var d = new double[count];
            int size = TForm.ElementSize(type);
            for (int i = 0; i < count; i++)
            {
                var e = bytes.Slice(i * size, size);
                d[i] = type switch
                {
                    'E' => Physical(c, BigEndian.ReadOne<float>(e)),
                    'D' => Physical(c, BigEndian.ReadOne<double>(e)),
                    _ => IntegerToDouble(c, RawInteger(e, type)),
                };
            }
            return d;
        }
        switch (type, c.Unsigned)
        {
            case ('B', UnsignedConvention.SByte): { var a = new sbyte[count]; for (int i = 0; i < count; i++) a[i] = (sbyte)(bytes[i] - 128); return a; }
            case ('B', _): return bytes[..count].ToArray();
            case ('I', UnsignedConvention.UInt16): { var a = new ushort[count]; BigEndian.Read(bytes, a.AsSpan()); for (int i = 0; i < count; i++) a[i] ^= 0x8000; return a; }
            case ('I', _): { var a = new short[count]; BigEndian.Read(bytes, a.AsSpan()); return a; }
            case ('J', UnsignedConvention.UInt32): { var a = new uint[count]; BigEndian.Read(bytes, a.AsSpan()); for (int i = 0; i < count; i++) a[i] ^= 0x80000000; return a; }
            case ('J', _): { var a = new int[count]; BigEndian.Read(bytes, a.AsSpan()); return a; }
            case ('K', UnsignedConvention.UInt64): { var a = new ulong[count]; BigEndian.Read(bytes, a.AsSpan()); for (int i = 0; i < count; i++) a[i] ^= 0x8000000000000000; return a; }
            default: { var a = new long[count]; BigEndian.Read(bytes, a.AsSpan()); return a; }
        }
    }

    // ---- bulk columns ----

    /// <summary>Values per row of a fixed-width numeric column times the row count: the length a bulk reader fills.</summary>
    public int BulkLength(BinaryTableColumn column) => checked(RowCount * column.Form.Repeat);

    /// <summary>Raw (unscaled) values of a fixed-width column, row after row, straight from the buffer.</summary>
    private void ReadRaw<T>(BinaryTableColumn column, Span<T> destination) where T : unmanaged
    {
        int repeat = column.Form.Repeat;
        var data = Data.Span;
        if (repeat == 1)
        {
            BigEndian.ReadStrided(data[column.Offset..], RowWidth, destination[..RowCount]);
            return;
        }
        int size = TForm.ElementSize(column.Form.Type);
        for (int row = 0; row < RowCount; row++)
            BigEndian.Read(data.Slice(row * RowWidth + column.Offset, repeat * size), destination.Slice(row * repeat, repeat));
    }

    private void CheckBulk(BinaryTableColumn column, int destinationLength)
    {
        if (column.Form.IsVariableLength || column.Form.Type is 'A' or 'L' or 'X' or 'C' or 'M')
            throw new InvalidOperationException($"column {column.Name} ({column.Form}) cannot be read in bulk as numbers; use GetValue");
        if (destinationLength < BulkLength(column))
            throw new ArgumentException($"destination holds {destinationLength} values but column {column.Name} has {BulkLength(column)}");
    }

    public float[] ReadFloats(BinaryTableColumn column) { var a = new float[BulkLength(column)]; ReadFloats(column, a); return a; }
    public float[] ReadFloats(string column) => ReadFloats(Column(column));

    /// <summary>Physical values as floats. An unscaled E column is decoded directly; others go through double.</summary>
    public void ReadFloats(BinaryTableColumn column, Span<float> destination)
    {
        CheckBulk(column, destination.Length);
        if (column.Form.Type == 'E' && !column.IsScaled) { ReadRaw(column, destination); return; }
        var d = ReadDoubles(column);
        for (int i = 0; i < d.Length; i++) destination[i] = (float)d[i];
    }

    public double[] ReadDoubles(BinaryTableColumn column) { var a = new double[BulkLength(column)]; ReadDoubles(column, a); return a; }
    public double[] ReadDoubles(string column) => ReadDoubles(Column(column));

    /// <summary>Physical values of any numeric column (TSCAL/TZERO applied; TNULL → NaN).</summary>
    public void ReadDoubles(BinaryTableColumn column, Span<double> destination)
    {
        CheckBulk(column, destination.Length);
        int n = BulkLength(column);
        destination = destination[..n];
        switch (column.Form.Type)
        {
            case 'D': ReadRaw(column, destination); if (column.IsScaled) for (int i = 0; i < n; i++) destination[i] = Physical(column, destination[i]); return;
            case 'E':
                {
                    var f = new float[n];
                    ReadRaw(column, f.AsSpan());
                    for (int i = 0; i < n; i++) destination[i] = Physical(column, f[i]);
                    return;
                }
        }
        var raw = ReadRawIntegers(column);
        for (int i = 0; i < n; i++) destination[i] = IntegerToDouble(column, raw[i]);
    }

    public int[] ReadInt32s(BinaryTableColumn column) { var a = new int[BulkLength(column)]; ReadInt32s(column, a); return a; }
    public int[] ReadInt32s(string column) => ReadInt32s(Column(column));

    /// <summary>Integer values of a B, I or J column (signedness conventions applied, TNULL not checked).</summary>
    public void ReadInt32s(BinaryTableColumn column, Span<int> destination)
    {
        CheckBulk(column, destination.Length);
        if (column.Form.Type == 'J' && column.Unsigned == UnsignedConvention.None && !column.IsScaled) { ReadRaw(column, destination); return; }
        if (column.Form.Type is not ('B' or 'I' or 'J')) throw new InvalidOperationException($"column {column.Name} ({column.Form}) does not fit 32-bit integers");
        var raw = ReadRawIntegers(column);
        for (int i = 0; i < raw.Length; i++) destination[i] = checked((int)IntegerToLong(column, raw[i]));
    }

    public long[] ReadInt64s(BinaryTableColumn column) { var a = new long[BulkLength(column)]; ReadInt64s(column, a); return a; }
    public long[] ReadInt64s(string column) => ReadInt64s(Column(column));

    /// <summary>Integer values of a B, I, J or K column (signedness conventions applied, TNULL not checked).</summary>
    public void ReadInt64s(BinaryTableColumn column, Span<long> destination)
    {
        CheckBulk(column, destination.Length);
        if (column.Form.Type == 'K' && column.Unsigned == UnsignedConvention.None && !column.IsScaled) { ReadRaw(column, destination); return; }
        if (column.Form.Type is not ('B' or 'I' or 'J' or 'K')) throw new InvalidOperationException($"column {column.Name} ({column.Form}) is not an integer column");
        var raw = ReadRawIntegers(column);
        for (int i = 0; i < raw.Length; i++) destination[i] = IntegerToLong(column, raw[i]);
    }

    public short[] ReadInt16s(BinaryTableColumn column)
    {
        if (column.Form.Type != 'I' || column.Unsigned != UnsignedConvention.None || column.IsScaled)
            throw new InvalidOperationException($"column {column.Name} ({column.Form}) is not a plain 16-bit integer column");
        CheckBulk(column, BulkLength(column));
        var a = new short[BulkLength(column)];
        ReadRaw(column, a.AsSpan());
        return a;
    }

    private long[] ReadRawIntegers(BinaryTableColumn column)
    {
        int n = BulkLength(column);
        var result = new long[n];
        switch (column.Form.Type)
        {
            case 'B': { var t = new byte[n]; ReadRaw(column, t.AsSpan()); for (int i = 0; i < n; i++) result[i] = t[i]; break; }
            case 'I': { var t = new short[n]; ReadRaw(column, t.AsSpan()); for (int i = 0; i < n; i++) result[i] = t[i]; break; }
            case 'J': { var t = new int[n]; ReadRaw(column, t.AsSpan()); for (int i = 0; i < n; i++) result[i] = t[i]; break; }
            case 'K': ReadRaw(column, result.AsSpan()); break;
        }
        return result;
    }
}
