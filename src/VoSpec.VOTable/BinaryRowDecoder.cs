using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace VoSpec.VOTable;

/// <summary>
/// Decodes BINARY or BINARY2 rows from a byte stream (the decoded base64 STREAM, or the FITS writer's spool file) into
/// typed cells: bool, byte, short, int, long, float, double, string (char/unicodeChar, up to the first NUL), Complex,
/// or arrays of them; null from BINARY2 flags or an integer FIELD's VALUES null.
/// </summary>
internal sealed class BinaryRowDecoder
{
    private readonly FieldCodec[] _codecs;
    private readonly bool _binary2;
    private readonly Stream _source;
    private readonly int _flagBytes;
    private byte[] _buf = new byte[1 << 16];
    private int _pos, _end;
    private bool _eof;

    public BinaryRowDecoder(FieldCodec[] codecs, bool binary2, Stream source)
    {
        _codecs = codecs;
        _binary2 = binary2;
        _source = source;
        _flagBytes = binary2 ? (codecs.Length + 7) / 8 : 0;
    }

    public long RowsRead { get; private set; }

    /// <summary>The next row, or null at a clean end of stream (a stream ending inside a row is an error).</summary>
    public object?[]? ReadRow()
    {
        if (!Fill(1)) return null;
        long row = RowsRead + 1;
        var cells = new object?[_codecs.Length];
        ReadOnlySpan<byte> flags = default;
        byte[]? flagCopy = null;
        if (_binary2)
        {
            flagCopy = Need(_flagBytes, row, "null flags").ToArray();
            flags = flagCopy;
        }
        for (int i = 0; i < _codecs.Length; i++)
        {
            var c = _codecs[i];
            object? v = ReadCell(c, row);
            if (_binary2 && (flags[i >> 3] & (0x80 >> (i & 7))) != 0) v = null;
            else if (c.MagicNull is long m && v is not null && !c.IsArray && Convert.ToInt64(v) == m) v = null;
            cells[i] = v;
        }
        RowsRead = row;
        return cells;
    }

    private object? ReadCell(FieldCodec c, long row)
    {
        int count;
        if (c.Size.IsVariable)
        {
            count = BinaryPrimitives.ReadInt32BigEndian(Need(4, row, c.Name));
            if (count < 0 || count > c.Size.MaxCount)
                throw new VOTableFormatException($"row {row}, FIELD '{c.Name}': array count {count} is outside 0..{(c.Size.MaxCount == int.MaxValue ? "2^31" : c.Size.MaxCount)}");
        }
        else count = c.Size.FixedCount;

        if (c.Kind == CellKind.Bit)
        {
            var bytes = Need((count + 7) / 8, row, c.Name);
            // astropy 5.2 writes a scalar bit as 0x08 rather than 0x80: any set bit of the byte means true.
            if (!c.IsArray) return bytes[0] != 0;
            var bits = new bool[count];
            for (int k = 0; k < count; k++) bits[k] = (bytes[k >> 3] & (0x80 >> (k & 7))) != 0;
            return bits;
        }
        long size = (long)count * c.ElementSize;
        if (size > int.MaxValue) throw new VOTableFormatException($"row {row}, FIELD '{c.Name}': cell of {size} bytes");
        var b = Need((int)size, row, c.Name);
        switch (c.Type)
        {
            case VOTableDatatype.Char:
                return Text(Encoding.Latin1.GetString(b), c);
            case VOTableDatatype.UnicodeChar:
            {
                var chars = new char[count];
                for (int k = 0; k < count; k++) chars[k] = (char)BinaryPrimitives.ReadUInt16BigEndian(b[(2 * k)..]);
                return Text(new string(chars), c);
            }
            case VOTableDatatype.Boolean:
                if (!c.IsArray) return b[0] switch { (byte)'T' or (byte)'t' or (byte)'1' => true, (byte)'F' or (byte)'f' or (byte)'0' => false, _ => null };
                var bools = new bool[count];
                for (int k = 0; k < count; k++) bools[k] = b[k] is (byte)'T' or (byte)'t' or (byte)'1';
                return bools;
            case VOTableDatatype.UnsignedByte:
                return c.IsArray ? b.ToArray() : b[0];
            case VOTableDatatype.Short:
                if (!c.IsArray) return BinaryPrimitives.ReadInt16BigEndian(b);
                var s = new short[count];
                for (int k = 0; k < count; k++) s[k] = BinaryPrimitives.ReadInt16BigEndian(b[(2 * k)..]);
                return s;
            case VOTableDatatype.Int:
                if (!c.IsArray) return BinaryPrimitives.ReadInt32BigEndian(b);
                var ints = new int[count];
                for (int k = 0; k < count; k++) ints[k] = BinaryPrimitives.ReadInt32BigEndian(b[(4 * k)..]);
                return ints;
            case VOTableDatatype.Long:
                if (!c.IsArray) return BinaryPrimitives.ReadInt64BigEndian(b);
                var longs = new long[count];
                for (int k = 0; k < count; k++) longs[k] = BinaryPrimitives.ReadInt64BigEndian(b[(8 * k)..]);
                return longs;
            case VOTableDatatype.Float:
                if (!c.IsArray) return BinaryPrimitives.ReadSingleBigEndian(b);
                var f = new float[count];
                for (int k = 0; k < count; k++) f[k] = BinaryPrimitives.ReadSingleBigEndian(b[(4 * k)..]);
                return f;
            case VOTableDatatype.Double:
                if (!c.IsArray) return BinaryPrimitives.ReadDoubleBigEndian(b);
                var d = new double[count];
                for (int k = 0; k < count; k++) d[k] = BinaryPrimitives.ReadDoubleBigEndian(b[(8 * k)..]);
                return d;
            default:
            {
                bool single = c.Type == VOTableDatatype.FloatComplex;
                var z = new Complex[count];
                for (int k = 0; k < count; k++)
                    z[k] = single
                        ? new Complex(BinaryPrimitives.ReadSingleBigEndian(b[(8 * k)..]), BinaryPrimitives.ReadSingleBigEndian(b[(8 * k + 4)..]))
                        : new Complex(BinaryPrimitives.ReadDoubleBigEndian(b[(16 * k)..]), BinaryPrimitives.ReadDoubleBigEndian(b[(16 * k + 8)..]));
                return c.IsArray ? z : z[0];
            }
        }
    }

    /// <summary>A char cell: the text up to the first NUL; multi-dimensional char arrays become one string per leading block.</summary>
    private static object Text(string s, FieldCodec c)
    {
        if (c.Size.Stride > 1)
        {
            var parts = new string[s.Length / c.Size.Stride];
            for (int k = 0; k < parts.Length; k++) parts[k] = CutAtNul(s.Substring(k * c.Size.Stride, c.Size.Stride));
            return parts;
        }
        return CutAtNul(s);
    }

    private static string CutAtNul(string s)
    {
        int z = s.IndexOf('\0');
        return z >= 0 ? s[..z] : s;
    }

    private ReadOnlySpan<byte> Need(int n, long row, string what)
    {
        if (!Fill(n)) throw new VOTableFormatException($"binary stream ends inside row {row} ({what})");
        var span = _buf.AsSpan(_pos, n);
        _pos += n;
        return span;
    }

    /// <summary>Makes at least n bytes available; false if the stream ends first.</summary>
    private bool Fill(int n)
    {
        if (_end - _pos >= n) return true;
        if (_pos > 0)
        {
            Buffer.BlockCopy(_buf, _pos, _buf, 0, _end - _pos);
            _end -= _pos;
            _pos = 0;
        }
        while (_end < n && !_eof)
        {
            // The buffer grows with the bytes that actually arrive, never to a declared length up front: an array
            // count of 2^31 in a short stream must end as "stream ends inside row", not as a 2 GB allocation.
            if (_end == _buf.Length) Array.Resize(ref _buf, (int)Math.Min(n, (long)_buf.Length * 2));
            int got = _source.Read(_buf, _end, _buf.Length - _end);
            if (got == 0) _eof = true;
            _end += got;
        }
        return _end - _pos >= n;
    }
}
