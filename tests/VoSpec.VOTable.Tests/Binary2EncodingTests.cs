using Xunit;

namespace VoSpec.VOTable.Tests;

public class Binary2EncodingTests
{
    private static byte[] StreamBytes(VOTableField[] fields, params object?[][] rows)
    {
        var ms = new MemoryStream();
        using (var w = new VOTableWriter(ms, leaveOpen: true))
        {
            w.BeginDocument();
            w.BeginResource();
            w.BeginTable(fields, Serialization.Binary2);
            foreach (var r in rows) w.WriteRow(r);
            w.EndTable();
            w.EndResource();
            w.EndDocument();
        }
        string xml = AllTypes.Text(ms.ToArray());
        int start = xml.IndexOf("base64\">", StringComparison.Ordinal) + 8;
        int end = xml.IndexOf("</STREAM>", StringComparison.Ordinal);
        return Convert.FromBase64String(xml[start..end]);
    }

    [Fact]
    public void The_worked_example_of_the_standard_is_reproduced_byte_for_byte()
    {
        var bytes = StreamBytes([new("id", "long"), new("name", "char") { Arraysize = "*" }, new("flux", "double"), new("mask", "short")], [42L, "ab", null, (short)7]);
        Assert.Equal(Convert.FromHexString("20" + "000000000000002A" + "000000026162" + "7FF8000000000000" + "0007"), bytes);
    }

    [Fact]
    public void Null_flags_are_msb_first_and_null_cells_keep_their_width()
    {
        var fields = Enumerable.Range(0, 9).Select(i => new VOTableField($"c{i}", "short")).ToArray();
        object?[] row = [null, (short)1, (short)2, (short)3, (short)4, (short)5, (short)6, (short)7, null];
        var bytes = StreamBytes(fields, row);
        Assert.Equal(2 + 9 * 2, bytes.Length);
        Assert.Equal(0x80, bytes[0]);
        Assert.Equal(0x80, bytes[1]);
        Assert.Equal(0, bytes[2]);
        Assert.Equal(0, bytes[3]);
    }

    [Fact]
    public void Fixed_char_is_nul_padded_and_null_variable_arrays_are_a_zero_count()
    {
        var bytes = StreamBytes([new("c", "char") { Arraysize = "4" }, new("a", "int") { Arraysize = "*" }, new("f", "float"), new("b", "boolean")], ["ab", null, null, null]);
        Assert.Equal(Convert.FromHexString("70" + "61620000" + "00000000" + "7FC00000" + "3F"), bytes);
    }

    [Fact]
    public void Rows_larger_than_a_base64_block_span_blocks_correctly()
    {
        var big = Enumerable.Range(0, 20000).Select(i => (double)i).ToArray(); // 160 kB, > 48 KiB blocks
        var bytes = StreamBytes([new("a", "double") { Arraysize = "*" }, new("i", "int")], [big, 5], [new[] { 1.0 }, 6]);
        Assert.Equal(1 + 4 + 160000 + 4 + 1 + 4 + 8 + 4, bytes.Length);
        var t = RoundTripTests.ReadBack([new("a", "double") { Arraysize = "*" }, new("i", "int")], [[big, 5], [new[] { 1.0 }, 6]], Serialization.Binary2);
        AllTypes.AssertCell(big, t.Rows[0][0], "a");
        AllTypes.AssertCell(6, t.Rows[1][1], "i");
    }
}
