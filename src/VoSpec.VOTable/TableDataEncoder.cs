using System.Xml;

namespace VoSpec.VOTable;

/// <summary>
/// Encodes cells as TABLEDATA: &lt;TR&gt;&lt;TD&gt;…&lt;/TD&gt;…&lt;/TR&gt;, one TD per FIELD, empty TD for null. Markup is written raw
/// (the element names need no escaping, and it is much cheaper than WriteStartElement per cell); text goes through
/// WriteString, so it is escaped, after dropping characters XML cannot carry. Nothing is indented inside a TD.
/// </summary>
internal sealed class TableDataEncoder : CellEncoder
{
    private readonly XmlWriter _xml;
    private char[] _chars = new char[256];

    public TableDataEncoder(FieldCodec[] codecs, XmlWriter xml) : base(codecs) => _xml = xml;

    protected override void StartRow() => _xml.WriteRaw("<TR>");

    protected override void FinishRow() => _xml.WriteRaw("</TR>\n");

    /// <summary>What is written cannot be taken back: the row is completed with empty (null) cells.</summary>
    protected override void DiscardRow()
    {
        for (int i = Column; i < Codecs.Length; i++) _xml.WriteRaw("<TD/>");
        _xml.WriteRaw("</TR>\n");
    }

    /// <summary>
    /// Empty TD, except for fixed-size real arrays (points, circles, intervals…): all-NaN, the VOTable null of an
    /// array, since votlint (STILTS 3.4.7) rejects an empty TD where n values or a DALI geometry are required.
    /// </summary>
    protected override void PutNull(FieldCodec c)
    {
        if (c.Kind != CellKind.Real || !c.IsArray || c.Size.IsVariable) { _xml.WriteRaw("<TD/>"); return; }
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

    protected override void PutBoolean(FieldCodec c, bool v) => _xml.WriteRaw(v ? "<TD>T</TD>" : "<TD>F</TD>");

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
        if (v.Length == 0) { _xml.WriteRaw("<TD/>"); return; }
        _xml.WriteRaw("<TD>");
        _xml.WriteString(Lexical.XmlSafe(v));
        _xml.WriteRaw("</TD>");
    }

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

    private int Open()
    {
        "<TD>".CopyTo(_chars);
        return 4;
    }

    private void Close(int n)
    {
        Ensure(n + 5);
        "</TD>".CopyTo(_chars.AsSpan(n));
        _xml.WriteRaw(_chars, 0, n + 5);
    }

    private void Ensure(int size)
    {
        if (_chars.Length < size) Array.Resize(ref _chars, Math.Max(size, _chars.Length * 2));
    }
}
