using System.Buffers;
using System.Text;

namespace VoSpec.VOTable;

/// <summary>
/// Encodes cells as TABLEDATA: &lt;TR&gt;&lt;TD&gt;…&lt;/TD&gt;…&lt;/TR&gt;, one TD per FIELD, empty TD for null. Rows go straight into the
/// writer's output buffer as UTF-8 (the XmlWriter is flushed at &lt;TABLEDATA&gt; and sees nothing until &lt;/TABLEDATA&gt;):
/// XmlWriter's per-character checks and UTF-16 → UTF-8 pass cost more than the rest of a row. Text is escaped exactly
/// as XmlWriter escapes element text (NewLineHandling.Entitize): &amp;lt; &amp;gt; &amp;amp; and CR as &amp;#xD;, after
/// dropping characters XML cannot carry (<see cref="Lexical.XmlSafe"/>). ASCII text from SQLite is copied as bytes.
/// Nothing is indented inside a TD.
/// </summary>
internal sealed class TableDataEncoder : CellEncoder
{
    // Bytes that ASCII text cannot be copied over as they are: markup, and controls (dropped, or CR entitized).
    private static readonly SearchValues<byte> s_asciiSpecial = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Where(b => b is not ('\t' or '\n')).Select(b => (byte)b), (byte)'<', (byte)'>', (byte)'&']);
    private static readonly SearchValues<char> s_textSpecial = SearchValues.Create("<>&\r");

    private readonly OutputBuffer _out;
    private char[] _chars = new char[256];

    public TableDataEncoder(FieldCodec[] codecs, OutputBuffer output) : base(codecs) => _out = output;

    protected override void StartRow() => Raw("<TR>"u8);

    protected override void FinishRow() => Raw("</TR>\n"u8);

    /// <summary>What is written cannot be taken back: the row is completed with empty (null) cells.</summary>
    protected override void DiscardRow()
    {
        for (int i = Column; i < Codecs.Length; i++) Raw("<TD/>"u8);
        Raw("</TR>\n"u8);
    }

    /// <summary>
    /// Empty TD, except for fixed-size real arrays (points, circles, intervals…): all-NaN, the VOTable null of an
    /// array, since votlint (STILTS 3.4.7) rejects an empty TD where n values or a DALI geometry are required.
    /// </summary>
    protected override void PutNull(FieldCodec c)
    {
        if (c.Kind != CellKind.Real || !c.IsArray || c.Size.IsVariable) { Raw("<TD/>"u8); return; }
        int n = Open();
        for (int i = 0; i < c.Size.FixedCount; i++)
        {
            Ensure(n + 8);
            if (i > 0) _chars[n++] = ' ';
            "NaN".CopyTo(_chars.AsSpan(n));
            n += 3;
        }
        Close(n);
    }

    protected override void PutBoolean(FieldCodec c, bool v) => Raw(v ? "<TD>T</TD>"u8 : "<TD>F</TD>"u8);

    protected override void PutInteger(FieldCodec c, long v)
    {
        int n = Open();
        n += Lexical.FormatInt64(v, _chars.AsSpan(n));
        Close(n);
    }

    protected override void PutReal(FieldCodec c, double v)
    {
        int n = Open();
        n += c.IsFloat ? Lexical.FormatFloat((float)v, _chars.AsSpan(n)) : Lexical.FormatDouble(v, _chars.AsSpan(n));
        Close(n);
    }

    protected override void PutText(FieldCodec c, string v)
    {
        if (v.Length == 0) { Raw("<TD/>"u8); return; }
        Raw("<TD>"u8);
        ReadOnlySpan<char> s = Lexical.XmlSafe(v);
        while (!s.IsEmpty)
        {
            int i = s.IndexOfAny(s_textSpecial);
            var plain = i < 0 ? s : s[..i];
            if (!plain.IsEmpty)
            {
                int written = Encoding.UTF8.GetBytes(plain, _out.GetSpan(Encoding.UTF8.GetMaxByteCount(plain.Length)));
                _out.Advance(written);
            }
            if (i < 0) break;
            Raw(Entity(s[i]));
            s = s[(i + 1)..];
        }
        Raw("</TD>"u8);
    }

    protected override bool CopiesAscii => true;

    protected override void PutAscii(FieldCodec c, ReadOnlySpan<byte> ascii)
    {
        if (ascii.IsEmpty) { Raw("<TD/>"u8); return; }
        Raw("<TD>"u8);
        while (!ascii.IsEmpty)
        {
            int i = ascii.IndexOfAny(s_asciiSpecial);
            Raw(i < 0 ? ascii : ascii[..i]);
            if (i < 0) break;
            byte b = ascii[i];
            if (b is (byte)'<' or (byte)'>' or (byte)'&' or (byte)'\r') Raw(Entity((char)b)); // other controls are dropped
            ascii = ascii[(i + 1)..];
        }
        Raw("</TD>"u8);
    }

    private static ReadOnlySpan<byte> Entity(char c) => c switch
    {
        '<' => "&lt;"u8,
        '>' => "&gt;"u8,
        '&' => "&amp;"u8,
        _ => "&#xD;"u8,
    };

    protected override void PutIntegerArray(FieldCodec c, ReadOnlySpan<long> v)
    {
        int n = Open();
        for (int i = 0; i < v.Length; i++)
        {
            Ensure(n + Lexical.MaxScalarChars + 8);
            if (i > 0) _chars[n++] = ' ';
            n += Lexical.FormatInt64(v[i], _chars.AsSpan(n));
        }
        Close(n);
    }

    protected override void PutRealArray(FieldCodec c, ReadOnlySpan<double> v)
    {
        int n = Open();
        for (int i = 0; i < v.Length; i++)
        {
            Ensure(n + Lexical.MaxScalarChars + 8);
            if (i > 0) _chars[n++] = ' ';
            n += c.IsFloat ? Lexical.FormatFloat((float)v[i], _chars.AsSpan(n)) : Lexical.FormatDouble(v[i], _chars.AsSpan(n));
        }
        Close(n);
    }

    protected override void PutBooleanArray(FieldCodec c, ReadOnlySpan<bool> v)
    {
        int n = Open();
        for (int i = 0; i < v.Length; i++)
        {
            Ensure(n + 8);
            if (i > 0) _chars[n++] = ' ';
            _chars[n++] = v[i] ? 'T' : 'F';
        }
        Close(n);
    }

    private void Raw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_out.GetSpan(bytes.Length));
        _out.Advance(bytes.Length);
    }

    private int Open()
    {
        "<TD>".CopyTo(_chars);
        return 4;
    }

    /// <summary>The scratch holds "&lt;TD&gt;" and a lexical form, all ASCII: close it and copy it out as bytes.</summary>
    private void Close(int n)
    {
        Ensure(n + 5);
        "</TD>".CopyTo(_chars.AsSpan(n));
        n += 5;
        Ascii.FromUtf16(_chars.AsSpan(0, n), _out.GetSpan(n), out int written);
        _out.Advance(written);
    }

    private void Ensure(int size)
    {
        if (_chars.Length < size) Array.Resize(ref _chars, Math.Max(size, _chars.Length * 2));
    }
}
