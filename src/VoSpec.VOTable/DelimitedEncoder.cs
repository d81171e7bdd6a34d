using System.Text;

namespace VoSpec.VOTable;

/// <summary>
/// Encodes cells as CSV (RFC 4180: comma, CRLF, fields with comma/quote/CR/LF or edge spaces quoted, quotes doubled,
/// empty string "" vs null empty) or TSV (TAB, LF, TAB/CR/LF inside values become spaces — the format cannot carry them).
/// Reals, integers and arrays use the VOTable/DALI lexical forms (arrays space-separated); booleans are true/false.
/// Text accumulates in a char buffer that the owner encodes to UTF-8 and flushes asynchronously.
/// </summary>
internal sealed class DelimitedEncoder : CellEncoder
{
    private readonly bool _csv;
    private char[] _chars = new char[1 << 15];
    private int _n;
    private int _rowStart;

    public DelimitedEncoder(FieldCodec[] codecs, bool csv) : base(codecs) => _csv = csv;

    public int PendingChars => _n;

    public void WriteHeader()
    {
        for (int i = 0; i < Codecs.Length; i++)
        {
            if (i > 0) Append(_csv ? ',' : '\t');
            AppendText(Codecs[i].Name);
        }
        Append(_csv ? "\r\n" : "\n");
    }

    /// <summary>UTF-8 bytes of everything pending, then the char buffer is emptied.</summary>
    public int Drain(ref byte[] bytes)
    {
        int max = Encoding.UTF8.GetMaxByteCount(_n);
        if (bytes.Length < max) bytes = new byte[max];
        int count = Encoding.UTF8.GetBytes(_chars, 0, _n, bytes, 0);
        _n = 0;
        return count;
    }

    protected override void StartRow() => _rowStart = _n;
    protected override void FinishRow() => Append(_csv ? "\r\n" : "\n");
    protected override void DiscardRow() => _n = _rowStart;

    private void Separator(FieldCodec c)
    {
        if (c.Index > 0) Append(_csv ? ',' : '\t');
    }

    protected override void PutNull(FieldCodec c) => Separator(c);

    protected override void PutBoolean(FieldCodec c, bool v) { Separator(c); Append(v ? "true" : "false"); }

    protected override void PutInteger(FieldCodec c, long v)
    {
        Separator(c);
        Ensure(Lexical.MaxScalarChars);
        _n += Lexical.FormatInt64(v, _chars.AsSpan(_n));
    }

    protected override void PutReal(FieldCodec c, double v)
    {
        Separator(c);
        Ensure(Lexical.MaxScalarChars);
        _n += c.IsFloat ? Lexical.FormatFloat((float)v, _chars.AsSpan(_n)) : Lexical.FormatDouble(v, _chars.AsSpan(_n));
    }

    protected override void PutText(FieldCodec c, string v)
    {
        Separator(c);
        if (v.Length == 0) { if (_csv) Append("\"\""); return; }
        AppendText(v);
    }

    protected override void PutIntegerArray(FieldCodec c, ReadOnlySpan<long> v)
    {
        Separator(c);
        for (int i = 0; i < v.Length; i++)
        {
            Ensure(Lexical.MaxScalarChars + 1);
            if (i > 0) _chars[_n++] = ' ';
            _n += Lexical.FormatInt64(v[i], _chars.AsSpan(_n));
        }
    }

    protected override void PutRealArray(FieldCodec c, ReadOnlySpan<double> v)
    {
        Separator(c);
        for (int i = 0; i < v.Length; i++)
        {
            Ensure(Lexical.MaxScalarChars + 1);
            if (i > 0) _chars[_n++] = ' ';
            _n += c.IsFloat ? Lexical.FormatFloat((float)v[i], _chars.AsSpan(_n)) : Lexical.FormatDouble(v[i], _chars.AsSpan(_n));
        }
    }

    protected override void PutBooleanArray(FieldCodec c, ReadOnlySpan<bool> v)
    {
        Separator(c);
        for (int i = 0; i < v.Length; i++)
        {
            if (i > 0) Append(' ');
            Append(v[i] ? "true" : "false");
        }
    }

    private void AppendText(string v)
    {
        if (_csv)
        {
            bool quote = v.Length > 0 && (v[0] == ' ' || v[^1] == ' ') || v.AsSpan().IndexOfAny(",\"\r\n") >= 0;
            if (!quote) { Append(v); return; }
            Append('"');
            foreach (char ch in v)
            {
                if (ch == '"') Append('"');
                Append(ch);
            }
            Append('"');
        }
        else
        {
            Ensure(v.Length);
            foreach (char ch in v) _chars[_n++] = ch is '\t' or '\r' or '\n' ? ' ' : ch;
        }
    }

    private void Append(char ch) { Ensure(1); _chars[_n++] = ch; }

    private void Append(string s) { Ensure(s.Length); s.CopyTo(_chars.AsSpan(_n)); _n += s.Length; }

    private void Ensure(int more)
    {
        if (_chars.Length - _n < more) Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _n + more));
    }
}
