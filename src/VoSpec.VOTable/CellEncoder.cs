using System.Globalization;

namespace VoSpec.VOTable;

/// <summary>
/// The typed per-cell API shared by every output (TABLEDATA, BINARY2, CSV/TSV, the FITS spool). It converts what the
/// caller has (a long, a double, a string from SQLite's dynamic typing, an array) to the FIELD's declared type, checks
/// ranges and array sizes, and hands the encoder one canonical value per cell. Cells go in FIELD order; EndRow closes a row.
/// </summary>
internal abstract class CellEncoder
{
    protected readonly FieldCodec[] Codecs;
    protected int Column;
    // Scratch for converted arrays, reused across cells (no per-cell allocation).
    private double[] _reals = new double[16];
    private long[] _integers = new long[16];
    private bool[] _booleans = new bool[16];

    protected CellEncoder(FieldCodec[] codecs)
    {
        Codecs = codecs;
        foreach (var c in codecs)
            if (c.Kind is CellKind.Bit or CellKind.Complex)
                throw new NotSupportedException($"FIELD {c}: writing {c.Field.Datatype} is not supported");
    }

    public int ColumnIndex => Column;
    public int FieldCount => Codecs.Length;
    public long RowsWritten { get; private set; }

    // ---- primitives: one per canonical value; Column is advanced by the caller ----

    protected abstract void PutNull(FieldCodec c);
    protected abstract void PutBoolean(FieldCodec c, bool v);
    /// <summary>An integer already checked against the datatype's range.</summary>
    protected abstract void PutInteger(FieldCodec c, long v);
    /// <summary>A real; for float FIELDs it is exactly representable as float.</summary>
    protected abstract void PutReal(FieldCodec c, double v);
    /// <summary>Text whose length the arraysize allows.</summary>
    protected abstract void PutText(FieldCodec c, string v);
    protected abstract void PutIntegerArray(FieldCodec c, ReadOnlySpan<long> v);
    protected abstract void PutRealArray(FieldCodec c, ReadOnlySpan<double> v);
    protected abstract void PutBooleanArray(FieldCodec c, ReadOnlySpan<bool> v);
    protected virtual void StartRow() { }
    protected abstract void FinishRow();
    /// <summary>Abandons a partly written row (see <see cref="CancelRow"/>).</summary>
    protected abstract void DiscardRow();

    // ---- public cell API ----

    public void WriteNull() { var c = Next(); PutNull(c); Column++; }

    public void WriteBoolean(bool v)
    {
        var c = Next();
        switch (c.Kind)
        {
            case CellKind.Boolean when !c.IsArray: PutBoolean(c, v); break;
            case CellKind.Integer when !c.IsArray: PutInteger(c, v ? 1 : 0); break;
            case CellKind.Text: PutText(c, CheckText(c, v ? "T" : "F")); break;
            default: throw Cannot(c, "a boolean");
        }
        Column++;
    }

    public void WriteInt64(long v)
    {
        var c = Next();
        switch (c.Kind)
        {
            case CellKind.Integer when !c.IsArray: PutInteger(c, CheckRange(c, v)); break;
            case CellKind.Real when !c.IsArray: PutReal(c, c.IsFloat ? (float)v : v); break;
            case CellKind.Boolean when !c.IsArray: PutBoolean(c, v != 0); break;
            case CellKind.Text: PutText(c, CheckText(c, v.ToString(CultureInfo.InvariantCulture))); break;
            default: throw Cannot(c, "an integer");
        }
        Column++;
    }

    public void WriteDouble(double v)
    {
        var c = Next();
        switch (c.Kind)
        {
            case CellKind.Real when !c.IsArray: PutReal(c, c.IsFloat ? (float)v : v); break;
            case CellKind.Integer when !c.IsArray: PutInteger(c, CheckRange(c, ToInteger(c, v))); break;
            case CellKind.Boolean when !c.IsArray: PutBoolean(c, v != 0); break;
            case CellKind.Text: PutText(c, CheckText(c, Lexical.FormatDouble(v))); break;
            default: throw Cannot(c, "a real");
        }
        Column++;
    }

    public void WriteSingle(float v)
    {
        // A float's own shortest form ("0.1", not "0.10000000149011612") when it becomes text.
        if (Current.Kind == CellKind.Text) { var c = Next(); PutText(c, CheckText(c, Lexical.FormatFloat(v))); Column++; return; }
        WriteDouble(v);
    }

    /// <summary>
    /// Text for char/unicodeChar FIELDs; for other FIELDs the string is parsed in their lexical form (SQLite may hand back
    /// TEXT for any column; points, polygons… are stored as DALI text). Null writes a null; empty non-text is null too.
    /// </summary>
    public void WriteString(string? v)
    {
        if (v is null) { WriteNull(); return; }
        var c = Next();
        if (c.Kind == CellKind.Text) { PutText(c, CheckText(c, v)); Column++; return; }
        var s = v.AsSpan().Trim();
        if (s.IsEmpty) { PutNull(c); Column++; return; }
        if (c.IsArray) { WriteParsedArray(c, s); Column++; return; }
        switch (c.Kind)
        {
            case CellKind.Boolean:
                if (!Lexical.TryParseBoolean(s, out bool? b)) throw BadText(c, v);
                if (b is bool bb) PutBoolean(c, bb); else PutNull(c);
                break;
            case CellKind.Integer:
                if (Lexical.TryParseInteger(s, out long l)) PutInteger(c, CheckRange(c, l));
                else if (Lexical.TryParseReal(s, out double d)) PutInteger(c, CheckRange(c, ToInteger(c, d)));
                else throw BadText(c, v);
                break;
            case CellKind.Real:
                if (!Lexical.TryParseReal(s, out double r)) throw BadText(c, v);
                PutReal(c, c.IsFloat ? (float)r : r);
                break;
        }
        Column++;
    }

    /// <summary>
    /// Text handed over as UTF-8 bytes (straight from SQLite): ASCII text in a variable-length char FIELD is
    /// copied without making a string; anything else takes the string path.
    /// </summary>
    public void WriteUtf8(ReadOnlySpan<byte> utf8)
    {
        var peek = Current;
        if (CopiesAscii && peek.Kind == CellKind.Text && peek.Type == VOTableDatatype.Char && peek.Size.IsVariable
            && utf8.Length <= peek.Size.MaxCount && System.Text.Ascii.IsValid(utf8))
        {
            PutAscii(Next(), utf8);
            Column++;
            return;
        }
        WriteString(System.Text.Encoding.UTF8.GetString(utf8));
    }

    /// <summary>Whether <see cref="PutAscii"/> is implemented (BINARY2 copies bytes; TABLEDATA goes through XmlWriter strings).</summary>
    protected virtual bool CopiesAscii => false;

    /// <summary>ASCII bytes as a variable-length char cell.</summary>
    protected virtual void PutAscii(FieldCodec c, ReadOnlySpan<byte> ascii) => throw new NotSupportedException();

    /// <summary>A DALI timestamp (YYYY-MM-DDThh:mm:ss[.SSS]) in a char FIELD.</summary>
    public void WriteDateTime(DateTime v) => WriteString(Lexical.FormatTimestamp(v));

    public void WriteArray(ReadOnlySpan<double> v)
    {
        var c = Next();
        CheckCount(c, v.Length);
        switch (c.Kind)
        {
            case CellKind.Real when c.IsArray:
                if (c.IsFloat)
                {
                    var buf = Reals(v.Length);
                    for (int i = 0; i < v.Length; i++) buf[i] = (float)v[i];
                    PutRealArray(c, buf.AsSpan(0, v.Length));
                }
                else PutRealArray(c, v);
                break;
            case CellKind.Integer when c.IsArray:
                var ints = Integers(v.Length);
                for (int i = 0; i < v.Length; i++) ints[i] = CheckRange(c, ToInteger(c, v[i]));
                PutIntegerArray(c, ints.AsSpan(0, v.Length));
                break;
            default: throw Cannot(c, "an array of reals");
        }
        Column++;
    }

    public void WriteArray(ReadOnlySpan<float> v)
    {
        var buf = Reals(v.Length);
        for (int i = 0; i < v.Length; i++) buf[i] = v[i];
        WriteArray((ReadOnlySpan<double>)buf.AsSpan(0, v.Length));
    }

    public void WriteArray(ReadOnlySpan<long> v)
    {
        var c = Next();
        CheckCount(c, v.Length);
        switch (c.Kind)
        {
            case CellKind.Integer when c.IsArray:
                if (c.Type != VOTableDatatype.Long) foreach (long x in v) CheckRange(c, x);
                PutIntegerArray(c, v);
                break;
            case CellKind.Real when c.IsArray:
                var buf = Reals(v.Length);
                for (int i = 0; i < v.Length; i++) buf[i] = c.IsFloat ? (float)v[i] : v[i];
                PutRealArray(c, buf.AsSpan(0, v.Length));
                break;
            default: throw Cannot(c, "an array of integers");
        }
        Column++;
    }

    public void WriteArray(ReadOnlySpan<int> v) => WriteArray((ReadOnlySpan<long>)Widen(v));
    public void WriteArray(ReadOnlySpan<short> v) => WriteArray((ReadOnlySpan<long>)Widen(v));
    public void WriteArray(ReadOnlySpan<byte> v) => WriteArray((ReadOnlySpan<long>)Widen(v));

    public void WriteArray(ReadOnlySpan<bool> v)
    {
        var c = Next();
        CheckCount(c, v.Length);
        if (c.Kind != CellKind.Boolean || !c.IsArray) throw Cannot(c, "an array of booleans");
        PutBooleanArray(c, v);
        Column++;
    }

    /// <summary>
    /// A boxed value, as in <c>WriteRow(object?[])</c>: null/DBNull, bool, any integer or real type, decimal, string, char,
    /// DateTime, DateTimeOffset, or an array of double/float/long/int/short/byte/bool.
    /// </summary>
    public void WriteValue(object? v)
    {
        switch (v)
        {
            case null or DBNull: WriteNull(); break;
            case bool b: WriteBoolean(b); break;
            case long l: WriteInt64(l); break;
            case int i: WriteInt64(i); break;
            case short s: WriteInt64(s); break;
            case byte by: WriteInt64(by); break;
            case sbyte sb: WriteInt64(sb); break;
            case ushort us: WriteInt64(us); break;
            case uint ui: WriteInt64(ui); break;
            case ulong ul: WriteInt64(ul <= long.MaxValue ? (long)ul : throw new OverflowException($"{ul} does not fit a VOTable long")); break;
            case double d: WriteDouble(d); break;
            case float f: WriteSingle(f); break;
            case decimal m: WriteDouble((double)m); break;
            case string str: WriteString(str); break;
            case char ch: WriteString(ch.ToString()); break;
            case DateTime dt: WriteDateTime(dt); break;
            case DateTimeOffset dto: WriteDateTime(dto.UtcDateTime); break;
            case double[] da: WriteArray((ReadOnlySpan<double>)da); break;
            case float[] fa: WriteArray((ReadOnlySpan<float>)fa); break;
            case long[] la: WriteArray((ReadOnlySpan<long>)la); break;
            case int[] ia: WriteArray((ReadOnlySpan<int>)ia); break;
            case short[] sa: WriteArray((ReadOnlySpan<short>)sa); break;
            case byte[] ba: WriteArray((ReadOnlySpan<byte>)ba); break;
            case bool[] boa: WriteArray((ReadOnlySpan<bool>)boa); break;
            default: throw new ArgumentException($"column {Codecs[Math.Min(Column, Codecs.Length - 1)].Name}: cannot write a {v.GetType().Name}");
        }
    }

    public void EndRow()
    {
        if (Column != Codecs.Length)
            throw new InvalidOperationException($"row {RowsWritten + 1} ended after {Column} of {Codecs.Length} cells");
        FinishRow();
        Column = 0;
        RowsWritten++;
    }

    /// <summary>Drops the unfinished row if the format allows it, else completes it with nulls; false if no row was open.</summary>
    public bool CancelRow()
    {
        if (Column == 0) return false;
        DiscardRow();
        Column = 0;
        return true;
    }

    public bool InRow => Column > 0;

    // ---- helpers ----

    private FieldCodec Current => Column < Codecs.Length
        ? Codecs[Column]
        : throw new InvalidOperationException($"row {RowsWritten + 1} already has all {Codecs.Length} cells: call EndRow");

    private FieldCodec Next()
    {
        var c = Current;
        if (Column == 0) StartRow();
        return c;
    }

    private void WriteParsedArray(FieldCodec c, ReadOnlySpan<char> s)
    {
        int n = Lexical.CountTokens(s);
        CheckCount(c, n);
        int pos = 0, i = 0;
        switch (c.Kind)
        {
            case CellKind.Real:
                var reals = Reals(n);
                while (Lexical.NextToken(s, ref pos, out var t))
                {
                    if (!Lexical.TryParseReal(t, out double d)) throw BadText(c, s.ToString());
                    reals[i++] = c.IsFloat ? (float)d : d;
                }
                PutRealArray(c, reals.AsSpan(0, n));
                break;
            case CellKind.Integer:
                var ints = Integers(n);
                while (Lexical.NextToken(s, ref pos, out var t))
                {
                    if (!Lexical.TryParseInteger(t, out long l)) throw BadText(c, s.ToString());
                    ints[i++] = CheckRange(c, l);
                }
                PutIntegerArray(c, ints.AsSpan(0, n));
                break;
            case CellKind.Boolean:
                var bools = Booleans(n);
                while (Lexical.NextToken(s, ref pos, out var t))
                {
                    if (!Lexical.TryParseBoolean(t, out bool? b)) throw BadText(c, s.ToString());
                    bools[i++] = b ?? false;
                }
                PutBooleanArray(c, bools.AsSpan(0, n));
                break;
            default: throw Cannot(c, "text");
        }
    }

    protected static long CheckRange(FieldCodec c, long v)
    {
        var (min, max) = c.IntegerRange;
        return v >= min && v <= max ? v : throw new OverflowException($"column {c.Name}: {v} does not fit {c.Field.Datatype}");
    }

    private static long ToInteger(FieldCodec c, double d) =>
        double.IsInteger(d) && d >= -9.2233720368547758e18 && d < 9.2233720368547758e18
            ? (long)d
            : throw new ArgumentException($"column {c.Name} ({c.Field.Datatype}) cannot take the non-integral value {Lexical.FormatDouble(d)}");

    private static string CheckText(FieldCodec c, string v)
    {
        if (c.Size.IsArray ? (c.Size.IsVariable ? v.Length > c.Size.MaxCount : v.Length > c.Size.FixedCount) : v.Length > 1)
            throw new ArgumentException($"column {c}: text of {v.Length} characters is longer than its arraysize allows");
        return v;
    }

    private static void CheckCount(FieldCodec c, int n)
    {
        if (!c.IsArray) throw Cannot(c, "an array (it is a scalar)");
        if (!c.Size.Allows(n)) throw new ArgumentException($"column {c}: {n} values given, it takes {c.Size.Describe()}");
    }

    private static InvalidOperationException Cannot(FieldCodec c, string what) => new($"column {c} cannot take {what}");

    private static FormatException BadText(FieldCodec c, string v) =>
        new($"column {c}: '{(v.Length > 60 ? v[..60] + "…" : v)}' is not a valid {c.Field.Datatype}{(c.IsArray ? " array" : "")}");

    private double[] Reals(int n) => _reals.Length >= n ? _reals : _reals = new double[Math.Max(n, _reals.Length * 2)];
    private long[] Integers(int n) => _integers.Length >= n ? _integers : _integers = new long[Math.Max(n, _integers.Length * 2)];
    private bool[] Booleans(int n) => _booleans.Length >= n ? _booleans : _booleans = new bool[Math.Max(n, _booleans.Length * 2)];

    private Span<long> Widen<T>(ReadOnlySpan<T> v) where T : System.Numerics.IBinaryInteger<T>
    {
        var buf = Integers(v.Length);
        for (int i = 0; i < v.Length; i++) buf[i] = long.CreateTruncating(v[i]);
        return buf.AsSpan(0, v.Length);
    }
}
