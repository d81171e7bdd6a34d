using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;

namespace VoSpec.Fits;

/// <summary>
/// Writes one BINTABLE, opened by <see cref="FitsWriter.BeginBinaryTable"/>. Either cell by cell — one Write… call per
/// column in order, then <see cref="EndRow"/> — or whole columns at once with <see cref="WriteColumns"/>.
/// Write… calls must match the column's TFORM type and repeat count. Finish with <see cref="Complete"/>,
/// which checks the row count and pads the data unit.
/// </summary>
public sealed class BinaryTableWriter : IDisposable
{
    private readonly FitsWriter _writer;
    private readonly TableColumn[] _columns;
    private readonly int[] _offsets;
    private readonly long[] _maxLength;
    private readonly byte[] _row;
    private readonly FitsHeader? _cards;
    private readonly string? _extName;
    // Tables with P/Q columns are held here until Complete, since PCOUNT must precede the data.
    private readonly ArrayBufferWriter<byte>? _mainBuffer;
    private readonly ArrayBufferWriter<byte>? _heap;
    private int _column;
    private bool _completed;

    internal BinaryTableWriter(FitsWriter writer, IReadOnlyList<TableColumn> columns, int rowCount, FitsHeader? cards, string? extName)
    {
        if (rowCount < 0) throw new ArgumentOutOfRangeException(nameof(rowCount));
        if (columns.Count > 999) throw new ArgumentException("a table has at most 999 columns", nameof(columns));
        _writer = writer;
        _columns = [.. columns];
        _offsets = new int[_columns.Length];
        _maxLength = new long[_columns.Length];
        int width = 0;
        for (int i = 0; i < _columns.Length; i++) { _offsets[i] = width; width += _columns[i].Form.Width; }
        RowWidth = width;
        RowCount = rowCount;
        _row = new byte[width];
        _cards = cards;
        _extName = extName;
        if (_columns.Any(c => c.Form.IsVariableLength))
        {
            _mainBuffer = new ArrayBufferWriter<byte>(Math.Max(1, width * rowCount));
            _heap = new ArrayBufferWriter<byte>();
        }
        else
        {
            _writer.WriteHeader(BuildHeader(0));
        }
    }

    public int RowCount { get; }
    public int RowWidth { get; }
    public int RowsWritten { get; private set; }

    // ---- cell writers ----

    public void WriteLogical(bool value) => NextCell('L', 1)[0] = value ? (byte)'T' : (byte)'F';

    public void WriteLogicals(ReadOnlySpan<bool> values)
    {
        var cell = NextCell('L', values.Length);
        for (int i = 0; i < values.Length; i++) cell[i] = values[i] ? (byte)'T' : (byte)'F';
    }

    /// <summary>An X column: bits packed most significant first.</summary>
    public void WriteBits(ReadOnlySpan<bool> bits)
    {
        var cell = NextCell('X', bits.Length);
        cell.Clear();
        for (int i = 0; i < bits.Length; i++) if (bits[i]) cell[i >> 3] |= (byte)(0x80 >> (i & 7));
    }

    public void WriteByte(byte value) => NextCell('B', 1)[0] = value;
    public void WriteBytes(ReadOnlySpan<byte> values) => values.CopyTo(NextCell('B', values.Length));
    public void WriteSByte(sbyte value) => NextCell('B', 1, UnsignedConvention.SByte)[0] = (byte)(value ^ unchecked((sbyte)0x80));

    public void WriteInt16(short value) => BigEndian.WriteOne(value, NextCell('I', 1));
    public void WriteInt16s(ReadOnlySpan<short> values) => BigEndian.Write(values, NextCell('I', values.Length));
    public void WriteUInt16(ushort value) => BigEndian.WriteOne((ushort)(value ^ 0x8000), NextCell('I', 1, UnsignedConvention.UInt16));

    public void WriteInt32(int value) => BigEndian.WriteOne(value, NextCell('J', 1));
    public void WriteInt32s(ReadOnlySpan<int> values) => BigEndian.Write(values, NextCell('J', values.Length));
    public void WriteUInt32(uint value) => BigEndian.WriteOne(value ^ 0x80000000u, NextCell('J', 1, UnsignedConvention.UInt32));

    public void WriteInt64(long value) => BigEndian.WriteOne(value, NextCell('K', 1));
    public void WriteInt64s(ReadOnlySpan<long> values) => BigEndian.Write(values, NextCell('K', values.Length));
    public void WriteUInt64(ulong value) => BigEndian.WriteOne(value ^ 0x8000000000000000ul, NextCell('K', 1, UnsignedConvention.UInt64));

    public void WriteSingle(float value) => BigEndian.WriteOne(value, NextCell('E', 1));
    public void WriteSingles(ReadOnlySpan<float> values) => BigEndian.Write(values, NextCell('E', values.Length));
    public void WriteDouble(double value) => BigEndian.WriteOne(value, NextCell('D', 1));
    public void WriteDoubles(ReadOnlySpan<double> values) => BigEndian.Write(values, NextCell('D', values.Length));

    /// <summary>A C (two floats) or M (two doubles) cell.</summary>
    public void WriteComplex(Complex value)
    {
        char type = Current.Form.Type;
        var cell = NextCell(type is 'C' ? 'C' : 'M', 1);
        if (type == 'C') { BigEndian.WriteOne((float)value.Real, cell); BigEndian.WriteOne((float)value.Imaginary, cell[4..]); }
        else { BigEndian.WriteOne(value.Real, cell); BigEndian.WriteOne(value.Imaginary, cell[8..]); }
    }

    /// <summary>An A column: ASCII text, blank-padded to the column width.</summary>
    public void WriteString(string value)
    {
        var cell = NextCell('A', -1);
        if (value.Length > cell.Length) throw new ArgumentException($"'{value}' is longer than column {_columns[_column - 1].Name}'s {cell.Length} characters");
        EncodeAscii(value, cell, _columns[_column - 1].Name);
    }

    /// <summary>A P/Q cell: the values go to the heap, the row gets the (count, offset) descriptor.</summary>
    public void WriteVariableArray<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        var col = Current;
        if (!col.Form.IsVariableLength) throw Mismatch("a variable-length array");
        char expected = ArrayLetter<T>();
        if (col.Form.ArrayType != expected) throw Mismatch($"a {col.Form.ArrayType} array (got {typeof(T).Name})");
        long offset = _heap!.WrittenCount;
        int size = Unsafe.SizeOf<T>();
        if (typeof(T) == typeof(bool))
        {
            var span = _heap.GetSpan(values.Length);
            var bools = System.Runtime.InteropServices.MemoryMarshal.Cast<T, bool>(values);
            for (int i = 0; i < bools.Length; i++) span[i] = bools[i] ? (byte)'T' : (byte)'F';
            _heap.Advance(values.Length);
        }
        else
        {
            var span = _heap.GetSpan(values.Length * size);
            BigEndian.Write(values, span);
            _heap.Advance(values.Length * size);
        }
        if (col.Form.Type == 'P' && _heap.WrittenCount > int.MaxValue) throw new InvalidOperationException("heap exceeds 2 GiB: use Q descriptors");
        var cell = NextCell(col.Form.Type, -1);
        if (col.Form.Type == 'P') { BigEndian.WriteOne(values.Length, cell); BigEndian.WriteOne((int)offset, cell[4..]); }
        else { BigEndian.WriteOne((long)values.Length, cell); BigEndian.WriteOne(offset, cell[8..]); }
        _maxLength[_column - 1] = Math.Max(_maxLength[_column - 1], values.Length);
    }

    public void WriteVariableArray<T>(T[] values) where T : unmanaged => WriteVariableArray<T>(values.AsSpan());

    /// <summary>An undefined value: TNULL for integers (the column must declare one), NaN for floats, 0 for logicals.</summary>
    public void WriteNull()
    {
        var col = Current;
        char t = col.Form.Type;
        switch (t)
        {
            case 'B' or 'I' or 'J' or 'K' when col.Null is long n:
                var cell = NextCell(t, -1);
                for (int i = 0; i < col.Form.Repeat; i++)
                    switch (t)
                    {
                        case 'B': cell[i] = (byte)n; break;
                        case 'I': BigEndian.WriteOne((short)n, cell[(2 * i)..]); break;
                        case 'J': BigEndian.WriteOne((int)n, cell[(4 * i)..]); break;
                        default: BigEndian.WriteOne(n, cell[(8 * i)..]); break;
                    }
                break;
            case 'E': { var c = NextCell('E', -1); for (int i = 0; i < c.Length; i += 4) BigEndian.WriteOne(float.NaN, c[i..]); break; }
            case 'D': { var c = NextCell('D', -1); for (int i = 0; i < c.Length; i += 8) BigEndian.WriteOne(double.NaN, c[i..]); break; }
            case 'L': NextCell('L', -1).Clear(); break;
            default: throw Mismatch(col.Null is null && t is 'B' or 'I' or 'J' or 'K' ? "a value (the column has no TNULL)" : "a value (no null form)");
        }
    }

    public void EndRow()
    {
        if (_column != _columns.Length) throw new InvalidOperationException($"row {RowsWritten} ended after {_column} of {_columns.Length} columns");
        if (RowsWritten == RowCount) throw new InvalidOperationException($"the table was declared with {RowCount} rows");
        if (_mainBuffer is not null) _mainBuffer.Write(_row);
        else _writer.WriteBytes(_row);
        _row.AsSpan().Clear();
        _column = 0;
        RowsWritten++;
    }

    // ---- column-bulk ----

    /// <summary>
    /// Writes rows from whole columns, one array per column in order, each holding rows × repeat values
    /// (string[] for A, bool[] for L): float[]→E, double[]→D, short[]→I, int[]→J, long[]→K, byte[]→B,
    /// ushort[]/uint[]/ulong[]/sbyte[] for the unsigned conventions. Rows are encoded in chunks straight into the output buffer.
    /// </summary>
    public void WriteColumns(params Array[] columns)
    {
        if (_column != 0) throw new InvalidOperationException("WriteColumns must start at a row boundary");
        if (columns.Length != _columns.Length) throw new ArgumentException($"{columns.Length} arrays for {_columns.Length} columns");
        int rows = -1;
        for (int i = 0; i < columns.Length; i++)
        {
            var col = _columns[i];
            if (col.Form.IsVariableLength) throw new InvalidOperationException($"column {col.Name} is variable-length: write it cell by cell");
            CheckArrayType(col, columns[i]);
            int perRow = col.Form.Type is 'A' or 'X' ? 1 : col.Form.Repeat;
            int n = perRow == 0 ? (rows < 0 ? 0 : rows) : columns[i].Length / perRow;
            if (perRow != 0 && columns[i].Length % perRow != 0) throw new ArgumentException($"column {col.Name}: {columns[i].Length} values is not a whole number of rows of {perRow}");
            if (rows >= 0 && n != rows) throw new ArgumentException($"column {col.Name} has {n} rows, others {rows}");
            rows = n;
        }
        if (rows < 0) rows = 0;
        if (RowsWritten + rows > RowCount) throw new InvalidOperationException($"{RowsWritten + rows} rows exceed the declared {RowCount}");

        int chunkRows = Math.Max(1, FitsWriter.MaxSpan / Math.Max(1, RowWidth));
        for (int start = 0; start < rows; start += chunkRows)
        {
            int count = Math.Min(chunkRows, rows - start);
            var chunk = _writer.GetSpan(count * RowWidth);
            chunk.Clear();
            for (int i = 0; i < columns.Length; i++)
                EncodeColumn(_columns[i], columns[i], start, count, chunk[_offsets[i]..]);
            _writer.Advance(count * RowWidth);
            RowsWritten += count;
        }
    }

    private void EncodeColumn(TableColumn col, Array values, int startRow, int rows, Span<byte> dest)
    {
        int repeat = col.Form.Repeat;
        // Dispatch on the column (CheckArrayType has matched the array's exact type to it).
        bool flip = col.Unsigned != UnsignedConvention.None;
        switch (col.Form.Type)
        {
            case 'A':
                var s = (string[])values;
                for (int r = 0; r < rows; r++)
                {
                    string v = s[startRow + r] ?? "";
                    if (v.Length > repeat) throw new ArgumentException($"'{v}' is longer than column {col.Name}'s {repeat} characters");
                    EncodeAscii(v, dest.Slice(r * RowWidth, repeat), col.Name);
                }
                return;
            case 'L':
                var b = (bool[])values;
                for (int r = 0; r < rows; r++)
                    for (int k = 0; k < repeat; k++)
                        dest[r * RowWidth + k] = b[(startRow + r) * repeat + k] ? (byte)'T' : (byte)'F';
                return;
            case 'E': Scatter((float[])values, startRow, rows, repeat, dest, false); return;
            case 'D': Scatter((double[])values, startRow, rows, repeat, dest, false); return;
            // Unsigned arrays are scattered through their same-size signed view; the top-bit flip applies the offset.
            case 'B': Scatter(Unsafe.As<byte[]>(values), startRow, rows, repeat, dest, flip); return;
            case 'I': Scatter(Unsafe.As<short[]>(values), startRow, rows, repeat, dest, flip); return;
            case 'J': Scatter(Unsafe.As<int[]>(values), startRow, rows, repeat, dest, flip); return;
            case 'K': Scatter(Unsafe.As<long[]>(values), startRow, rows, repeat, dest, flip); return;
        }
    }

    private void Scatter<T>(T[] values, int startRow, int rows, int repeat, Span<byte> dest, bool flipSign) where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        if (repeat == 1) BigEndian.WriteStrided<T>(values.AsSpan(startRow, rows), dest, RowWidth);
        else
            for (int r = 0; r < rows; r++)
                BigEndian.Write<T>(values.AsSpan((startRow + r) * repeat, repeat), dest.Slice(r * RowWidth, repeat * size));
        // Unsigned conventions: subtracting TZERO flips the top bit (the first byte, big-endian).
        if (flipSign)
            for (int r = 0; r < rows; r++)
                for (int k = 0; k < repeat; k++) dest[r * RowWidth + k * size] ^= 0x80;
    }

    private static void CheckArrayType(TableColumn col, Array a)
    {
        // Exact types: the CLR lets a ushort[] pass as short[] (and uint[] as int[]…), which must not happen here.
        var conv = col.Unsigned;
        var t = a.GetType();
        bool ok = col.Form.Type switch
        {
            'A' => t == typeof(string[]),
            'L' => t == typeof(bool[]),
            'E' => t == typeof(float[]),
            'D' => t == typeof(double[]),
            'B' => t == (conv == UnsignedConvention.SByte ? typeof(sbyte[]) : typeof(byte[])),
            'I' => t == (conv == UnsignedConvention.UInt16 ? typeof(ushort[]) : typeof(short[])),
            'J' => t == (conv == UnsignedConvention.UInt32 ? typeof(uint[]) : typeof(int[])),
            'K' => t == (conv == UnsignedConvention.UInt64 ? typeof(ulong[]) : typeof(long[])),
            _ => false,
        };
        if (!ok) throw new ArgumentException($"column {col.Name} ({col.Format}{(conv != UnsignedConvention.None ? ", " + conv : "")}) cannot be written from {t.Name}");
    }

    // ---- completion ----

    /// <summary>Checks that every declared row was written, writes any buffered table and heap, and pads to 2880 bytes.</summary>
    public void Complete()
    {
        if (_completed) return;
        if (_column != 0) throw new InvalidOperationException($"row {RowsWritten} is unfinished ({_column} of {_columns.Length} columns)");
        if (RowsWritten != RowCount) throw new InvalidOperationException($"the table was declared with {RowCount} rows but {RowsWritten} were written");
        if (_mainBuffer is not null)
        {
            _writer.WriteHeader(BuildHeader(_heap!.WrittenCount));
            _writer.WriteBytes(_mainBuffer.WrittenSpan);
            _writer.WriteBytes(_heap.WrittenSpan);
        }
        _writer.PadBlock(0);
        _completed = true;
        _writer.TableClosed();
    }

    /// <summary>Completes the table when every row was written; otherwise leaves it unfinished (call <see cref="Complete"/> to get the error).</summary>
    public void Dispose()
    {
        if (!_completed && _column == 0 && RowsWritten == RowCount) Complete();
    }

    private FitsHeader BuildHeader(long heapSize) => Header(_columns, RowCount, _cards, _extName, heapSize, _maxLength);

    /// <summary>
    /// The header of a binary table of <paramref name="rowCount"/> rows (to size a file without writing it: for
    /// fixed-width columns the data is <see cref="RowBytes"/> × rows, padded to a block).
    /// </summary>
    public static FitsHeader Header(IReadOnlyList<TableColumn> columns, int rowCount, FitsHeader? cards = null, string? extName = null,
        long heapSize = 0, long[]? maxLength = null)
    {
        var h = new FitsHeader()
            .Add("XTENSION", "BINTABLE", "binary table extension")
            .Add("BITPIX", 8L, "array data type")
            .Add("NAXIS", 2L, "number of array dimensions")
            .Add("NAXIS1", (long)RowBytes(columns), "length of dimension 1")
            .Add("NAXIS2", (long)rowCount, "length of dimension 2")
            .Add("PCOUNT", heapSize, "number of group parameters")
            .Add("GCOUNT", 1L, "number of groups")
            .Add("TFIELDS", (long)columns.Count, "number of table fields");
        for (int i = 0; i < columns.Count; i++)
        {
            var c = columns[i];
            int n = i + 1;
            h.Add($"TTYPE{n}", c.Name);
            var f = c.Form;
            h.Add($"TFORM{n}", f.IsVariableLength ? $"1{f.Type}{f.ArrayType}({maxLength?[i] ?? 0})" : f.ToString());
            if (c.Unit is not null) h.Add($"TUNIT{n}", c.Unit);
            if (c.Null is long nul) h.Add($"TNULL{n}", nul);
            if (c.Scale is double s) h.Add($"TSCAL{n}", s);
            if (c.Zero is double z) h.Add(ZeroCard($"TZERO{n}", z));
            if (c.Dim is not null) h.Add($"TDIM{n}", c.Dim);
        }
        if (extName is not null) h.Add("EXTNAME", extName, "extension name");
        FitsWriter.AppendUserCards(h, cards, extName, table: true);
        return h;
    }

    /// <summary>Bytes per row of <paramref name="columns"/> (NAXIS1).</summary>
    public static int RowBytes(IReadOnlyList<TableColumn> columns)
    {
        int width = 0;
        foreach (var c in columns) width += c.Form.Width;
        return width;
    }

    /// <summary>Integral offsets are written as exact integers (2^63 does not survive a real's text form).</summary>
    private static HeaderCard ZeroCard(string key, double z) =>
        z == Math.Floor(z) && Math.Abs(z) <= 9223372036854775808.0
            ? (z >= 0 ? HeaderCard.Integer(key, (ulong)z) : HeaderCard.Integer(key, (long)z))
            : HeaderCard.Float(key, z);

    // ---- helpers ----

    private TableColumn Current =>
        _column < _columns.Length ? _columns[_column] : throw new InvalidOperationException($"row {RowsWritten} already has all {_columns.Length} columns: call EndRow");

    /// <summary>The next cell, after checking its type letter and (when count ≥ 0) its repeat count.</summary>
    private Span<byte> NextCell(char type, int count, UnsignedConvention convention = UnsignedConvention.None)
    {
        if (RowsWritten == RowCount) throw new InvalidOperationException($"all {RowCount} declared rows have been written");
        var col = Current;
        if (col.Form.Type != type) throw Mismatch($"type {type}");
        if (count >= 0 && col.Form.Repeat != count) throw Mismatch($"{count} value(s) (its repeat count is {col.Form.Repeat})");
        if (convention != UnsignedConvention.None && col.Unsigned != convention)
            throw Mismatch($"a {convention} (declare it with TableColumn.{convention})");
        var cell = _row.AsSpan(_offsets[_column], col.Form.Width);
        _column++;
        return cell;
    }

    private InvalidOperationException Mismatch(string what) =>
        new($"column {_columns[_column].Name} ({_columns[_column].Format}) cannot take {what}");

    private static void EncodeAscii(string value, Span<byte> cell, string column)
    {
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c < ' ' || c > '~') throw new ArgumentException($"column {column}: FITS strings hold printable ASCII only (U+{(int)c:X4})");
            cell[i] = (byte)c;
        }
        cell[value.Length..].Fill((byte)' ');
    }

    private static char ArrayLetter<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(bool)) return 'L';
        if (typeof(T) == typeof(byte)) return 'B';
        if (typeof(T) == typeof(short)) return 'I';
        if (typeof(T) == typeof(int)) return 'J';
        if (typeof(T) == typeof(long)) return 'K';
        if (typeof(T) == typeof(float)) return 'E';
        if (typeof(T) == typeof(double)) return 'D';
        throw new NotSupportedException($"variable-length arrays of {typeof(T).Name} are not supported");
    }
}
