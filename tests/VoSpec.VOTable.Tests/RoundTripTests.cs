using Xunit;

namespace VoSpec.VOTable.Tests;

public class RoundTripTests
{
    [Theory]
    [InlineData(Serialization.TableData, "TABLEDATA")]
    [InlineData(Serialization.Binary2, "BINARY2")]
    public void Every_datatype_and_null_reads_back_as_written(Serialization serialization, string element)
    {
        var doc = VOTableReader.Read(new MemoryStream(AllTypes.Write(serialization)));
        var table = Assert.Single(doc.Tables);
        Assert.Equal(element, table.Serialization);
        Assert.Equal(AllTypes.Fields.Select(f => f.Name), table.Fields.Select(f => f.Name));
        Assert.Equal(AllTypes.Fields.Select(f => (f.Datatype, f.Arraysize, f.Xtype, f.Unit, f.ID)),
            table.Fields.Select(f => (f.Datatype, f.Arraysize, f.Xtype, f.Unit, f.ID)));
        Assert.Equal(AllTypes.Rows.Length, table.Rows.Count);
        for (int r = 0; r < AllTypes.Rows.Length; r++)
            for (int c = 0; c < AllTypes.Fields.Length; c++)
                AllTypes.AssertCell(Expected(AllTypes.Fields[c], AllTypes.Rows[r][c], serialization), table.Rows[r][c], $"{element} row {r + 1} {AllTypes.Fields[c].Name}");
        Assert.Equal("OK", doc.QueryStatus);
    }

    /// <summary>TABLEDATA writes a null fixed-size real array as n NaNs (what votlint accepts), read back as such.</summary>
    internal static object? Expected(VOTableField f, object? v, Serialization ser) =>
        v is null && ser == Serialization.TableData && f.Arraysize is { } a && !a.Contains('*') && f.Datatype is "double" or "float"
            ? (f.Datatype == "double" ? Enumerable.Repeat(double.NaN, int.Parse(a)).ToArray() : Enumerable.Repeat(float.NaN, int.Parse(a)).ToArray())
            : v;

    [Fact]
    public void Every_column_has_a_null_somewhere()
    {
        for (int c = 0; c < AllTypes.Fields.Length; c++)
            Assert.Contains(AllTypes.Rows, r => r[c] is null);
    }

    [Fact]
    public void Empty_text_and_empty_arrays_stay_empty_in_binary2_and_become_null_in_tabledata()
    {
        VOTableField[] fields = [new("t", "char") { Arraysize = "*" }, new("a", "double") { Arraysize = "*" }];
        object?[][] rows = [["", Array.Empty<double>()]];
        var td = ReadBack(fields, rows, Serialization.TableData).Rows[0];
        var b2 = ReadBack(fields, rows, Serialization.Binary2).Rows[0];
        Assert.Null(td[0]);
        Assert.Null(td[1]);
        Assert.Equal("", b2[0]);
        Assert.Equal(Array.Empty<double>(), b2[1]);
    }

    [Fact]
    public void Char_columns_in_binary2_carry_ascii_only_and_unicodeChar_keeps_the_text()
    {
        VOTableField[] fields = [new("c", "char") { Arraysize = "*" }, new("u", "unicodeChar") { Arraysize = "*" }, new("c4", "char") { Arraysize = "4" }];
        object?[][] rows = [["Ångström", "Ångström", "né"]];
        var b2 = ReadBack(fields, rows, Serialization.Binary2).Rows[0];
        Assert.Equal("?ngstr?m", b2[0]);
        Assert.Equal("Ångström", b2[1]);
        Assert.Equal("n?", b2[2]);
        // TABLEDATA is XML: the text goes through unchanged.
        var td = ReadBack(fields, rows, Serialization.TableData).Rows[0];
        Assert.Equal("Ångström", td[0]);
        Assert.Equal("né", td[2]);
    }

    [Fact]
    public void Typed_cell_api_converts_to_the_declared_type()
    {
        VOTableField[] fields = [new("s", "short"), new("f", "float"), new("d", "double"), new("b", "boolean"), new("t", "char") { Arraysize = "*" }, new("p", "double") { Arraysize = "2", Xtype = "point" }, new("ts", "char") { Arraysize = "*", Xtype = "timestamp" }];
        foreach (var ser in new[] { Serialization.TableData, Serialization.Binary2 })
        {
            var ms = new MemoryStream();
            using (var w = new VOTableWriter(ms, leaveOpen: true))
            {
                w.BeginDocument();
                w.BeginResource();
                w.BeginTable(fields, ser);
                w.WriteInt64(42); w.WriteInt64(3); w.WriteSingle(0.1f); w.WriteInt64(1); w.WriteDouble(2.5); w.WriteString("10 20"); w.WriteDateTime(new DateTime(2020, 1, 2, 3, 4, 5));
                w.EndRow();
                w.WriteString("-7"); w.WriteString("NaN"); w.WriteString("+Inf"); w.WriteString("false"); w.WriteBoolean(true); w.WriteArray([1f, 2f]); w.WriteString(null);
                w.EndRow();
                w.EndTable();
                w.EndResource();
                w.EndDocument();
            }
            var rows = VOTableReader.Read(new MemoryStream(ms.ToArray())).Tables.Single().Rows;
            AllTypes.AssertCell((short)42, rows[0][0], "s");
            AllTypes.AssertCell(3f, rows[0][1], "f");
            AllTypes.AssertCell((double)0.1f, rows[0][2], "d");
            AllTypes.AssertCell(true, rows[0][3], "b");
            AllTypes.AssertCell("2.5", rows[0][4], "t");
            AllTypes.AssertCell(new[] { 10.0, 20.0 }, rows[0][5], "p");
            AllTypes.AssertCell("2020-01-02T03:04:05", rows[0][6], "ts");
            AllTypes.AssertCell((short)-7, rows[1][0], "s");
            AllTypes.AssertCell(float.NaN, rows[1][1], "f");
            AllTypes.AssertCell(double.PositiveInfinity, rows[1][2], "d");
            AllTypes.AssertCell(false, rows[1][3], "b");
            AllTypes.AssertCell("T", rows[1][4], "t");
            AllTypes.AssertCell(new[] { 1.0, 2.0 }, rows[1][5], "p");
            Assert.Null(rows[1][6]);
        }
    }

    [Fact]
    public void Values_that_do_not_fit_the_declared_type_are_refused()
    {
        var w = new VOTableWriter(new MemoryStream());
        w.BeginDocument();
        w.BeginResource();
        w.BeginTable([new("s", "short"), new("c", "char") { Arraysize = "3" }, new("p", "double") { Arraysize = "2" }, new("i", "int")], Serialization.Binary2);
        Assert.Throws<OverflowException>(() => w.WriteInt64(40000));
        w.WriteInt64(1);
        Assert.Throws<ArgumentException>(() => w.WriteString("four"));
        w.WriteString("abc");
        Assert.Throws<ArgumentException>(() => w.WriteArray([1.0, 2.0, 3.0]));
        Assert.Throws<InvalidOperationException>(() => w.WriteDouble(1.0));
        w.WriteArray([1.0, 2.0]);
        Assert.Throws<ArgumentException>(() => w.WriteDouble(1.5));
        Assert.Throws<FormatException>(() => w.WriteString("x1"));
        w.WriteDouble(2.0);
        w.EndRow();
    }

    internal static VOTableTable ReadBack(VOTableField[] fields, object?[][] rows, Serialization ser)
    {
        var ms = new MemoryStream();
        using (var w = new VOTableWriter(ms, leaveOpen: true))
        {
            w.BeginDocument();
            w.BeginResource();
            w.BeginTable(fields, ser);
            foreach (var r in rows) w.WriteRow(r);
            w.EndTable();
            w.EndResource();
            w.EndDocument();
        }
        return VOTableReader.Read(new MemoryStream(ms.ToArray())).Tables.Single();
    }
}
