using System.Text;
using System.Xml;
using Xunit;

namespace VoSpec.VOTable.Tests;

public class TableDataLexicalTests
{
    private static string Cells(VOTableField field, params object?[] values)
    {
        var ms = new MemoryStream();
        using (var w = new VOTableWriter(ms, leaveOpen: true))
        {
            w.BeginDocument();
            w.BeginResource();
            w.BeginTable([field]);
            foreach (var v in values) w.WriteRow([v]);
            w.EndTable();
            w.EndResource();
            w.EndDocument();
        }
        string xml = AllTypes.Text(ms.ToArray());
        int start = xml.IndexOf("<TABLEDATA>", StringComparison.Ordinal) + 11;
        return xml[start..xml.IndexOf("</TABLEDATA>", StringComparison.Ordinal)].Replace("\n", "");
    }

    [Fact]
    public void Reals_use_the_shortest_round_trip_form_and_dali_special_values()
    {
        Assert.Equal("<TR><TD>0.1</TD></TR><TR><TD>NaN</TD></TR><TR><TD>+Inf</TD></TR><TR><TD>-Inf</TD></TR><TR><TD>1E+300</TD></TR>",
            Cells(new("d", "double"), 0.1, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e300));
        Assert.Equal("<TR><TD>0.1</TD></TR><TR><TD>16777216</TD></TR>", Cells(new("f", "float"), 0.1f, 16777216f));
    }

    [Fact]
    public void Booleans_are_T_and_F_and_null_is_an_empty_TD()
    {
        Assert.Equal("<TR><TD>T</TD></TR><TR><TD>F</TD></TR><TR><TD/></TR>", Cells(new("b", "boolean"), true, false, null));
    }

    [Fact]
    public void Markup_is_escaped_and_characters_xml_cannot_carry_are_dropped()
    {
        Assert.Equal("<TR><TD>a&lt;b&amp;c&gt;d</TD></TR><TR><TD>nul gone</TD></TR>",
            Cells(new("t", "char") { Arraysize = "*" }, "a<b&c>d", "nul\0 \u0001gone"));
        var t = RoundTripTests.ReadBack([new("t", "char") { Arraysize = "*" }], [["x\u0002y\r\nz\ud800"]], Serialization.TableData);
        Assert.Equal("xy\r\nz\ufffd", t.Rows[0][0]);
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("a<b>c&d ]]> &amp;")]
    [InlineData("tab\there, lf\nthere, cr\rthere, crlf\r\n")]
    [InlineData("quotes \" and '")]
    [InlineData("nul\0x\u0001y\u001f, del\u007f")]
    [InlineData("\0")]
    [InlineData("é ü € 😀")]
    [InlineData("lone \ud800 high, \ufffe\uffff")]
    public void Text_is_escaped_as_XmlWriter_escapes_it_whether_it_comes_as_a_string_or_as_utf8(string text)
    {
        // The rows bypass XmlWriter: its output for the same text (as this encoder wrote it before) is the reference.
        var sb = new StringBuilder();
        using (var xml = XmlWriter.Create(sb, new XmlWriterSettings { NewLineHandling = NewLineHandling.Entitize, ConformanceLevel = ConformanceLevel.Fragment }))
        {
            xml.WriteRaw("<TD>");
            xml.WriteString(Lexical.XmlSafe(text));
            xml.WriteRaw("</TD>");
        }
        string expected = $"<TR>{sb}</TR>\n";
        Assert.Equal(expected, Encode(e => e.WriteString(text)));
        // Unpaired surrogates cannot travel as UTF-8; the string path's U+FFFD is what a decoder makes of them too.
        Assert.Equal(expected, Encode(e => e.WriteUtf8(Encoding.UTF8.GetBytes(text))));
    }

    private static string Encode(Action<CellEncoder> write)
    {
        var buffer = new OutputBuffer();
        var e = new TableDataEncoder(FieldCodec.Compile([new VOTableField("t", "char") { Arraysize = "*" }]), buffer);
        write(e);
        e.EndRow();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void Numeric_arrays_are_space_separated()
    {
        Assert.Equal("<TR><TD>1 NaN -Inf</TD></TR>", Cells(new("a", "double") { Arraysize = "*" }, new[] { 1.0, double.NaN, double.NegativeInfinity }));
        Assert.Equal("<TR><TD>-1 0 1</TD></TR>", Cells(new("a", "short") { Arraysize = "3" }, new short[] { -1, 0, 1 }));
    }
}
