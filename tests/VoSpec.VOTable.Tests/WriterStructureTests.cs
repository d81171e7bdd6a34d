using Xunit;

namespace VoSpec.VOTable.Tests;

public class WriterStructureTests
{
    private static VOTableWriter Open(out MemoryStream ms)
    {
        ms = new MemoryStream();
        var w = new VOTableWriter(ms, leaveOpen: true);
        w.BeginDocument();
        return w;
    }

    private static readonly VOTableField[] OneInt = [new("i", "int")];

    [Fact]
    public void Nothing_may_be_written_before_BeginDocument_or_after_EndDocument()
    {
        var w = new VOTableWriter(new MemoryStream());
        Assert.Throws<InvalidOperationException>(() => w.BeginResource());
        w.BeginDocument();
        Assert.Throws<InvalidOperationException>(() => w.BeginDocument());
        w.BeginResource();
        w.EndResource();
        w.EndDocument();
        Assert.Throws<InvalidOperationException>(() => w.WriteInfo("a", "b"));
    }

    [Fact]
    public void A_document_needs_a_resource_and_tables_need_a_resource()
    {
        var w = Open(out _);
        Assert.Throws<InvalidOperationException>(() => w.BeginTable(OneInt));
        Assert.Throws<InvalidOperationException>(() => w.EndDocument());
    }

    [Fact]
    public void Resource_INFOs_come_before_COOSYS_and_PARAM_and_trailing_INFOs_after_the_TABLE()
    {
        var w = Open(out _);
        w.BeginResource();
        w.WriteInfo("QUERY_STATUS", "OK");
        w.WriteCooSys("icrs", "ICRS");
        Assert.Throws<InvalidOperationException>(() => w.WriteInfo("late", "x"));
        w.BeginTable(OneInt);
        Assert.Throws<InvalidOperationException>(() => w.WriteInfo("QUERY_STATUS", "OVERFLOW"));
        Assert.Throws<InvalidOperationException>(() => w.WriteCooSys("x", "ICRS"));
        w.EndTable();
        w.WriteInfo("QUERY_STATUS", "OVERFLOW");
        Assert.Throws<InvalidOperationException>(() => w.WriteParam(VOTableParam.Text("p", "v")));
        w.EndResource();
        w.WriteInfo("trailing", "x");
        Assert.Throws<InvalidOperationException>(() => w.BeginResource());
        Assert.Throws<InvalidOperationException>(() => w.WriteCooSys("y", "ICRS"));
        w.EndDocument();
    }

    [Fact]
    public void Rows_must_have_one_cell_per_FIELD()
    {
        var w = Open(out _);
        w.BeginResource();
        w.BeginTable([new("a", "int"), new("b", "int")]);
        Assert.Throws<InvalidOperationException>(() => w.EndRow());
        w.WriteInt64(1);
        Assert.Throws<InvalidOperationException>(() => w.EndTable());
        w.WriteInt64(2);
        Assert.Throws<InvalidOperationException>(() => w.WriteInt64(3));
        w.EndRow();
        Assert.Throws<ArgumentException>(() => w.WriteRow([1, 2, 3]));
        w.EndTable();
        Assert.Throws<InvalidOperationException>(() => w.WriteNull());
        Assert.Throws<InvalidOperationException>(() => w.EndTable());
    }

    [Fact]
    public void IDs_must_be_unique_and_valid_and_FIELDs_well_typed()
    {
        var w = Open(out _);
        w.WriteCooSys("icrs", "ICRS");
        Assert.Throws<InvalidOperationException>(() => w.WriteCooSys("icrs", "ICRS"));
        Assert.Throws<ArgumentException>(() => w.WriteCooSys("1bad", "ICRS"));
        w.BeginResource();
        Assert.Throws<ArgumentException>(() => w.BeginTable([new("x", "integer")]));
        Assert.Throws<ArgumentException>(() => w.BeginTable([new("x", "int") { Arraysize = "0" }]));
        Assert.Throws<ArgumentException>(() => w.BeginTable([]));
    }

    [Fact]
    public void An_error_document_has_one_results_RESOURCE_with_exactly_one_ERROR_INFO_and_no_TABLE()
    {
        var ms = new MemoryStream();
        VOTableWriter.WriteError(ms, "UsageFault: unknown column 'x'");
        var doc = VOTableReader.Read(new MemoryStream(ms.ToArray()));
        var res = Assert.Single(doc.Resources);
        Assert.Equal("results", res.Type);
        Assert.Empty(res.Tables);
        var info = Assert.Single(res.Infos);
        Assert.Equal(("QUERY_STATUS", "ERROR", "UsageFault: unknown column 'x'"), (info.Name, info.Value, info.Text));
        Assert.Equal("ERROR", doc.QueryStatus);
        Assert.Single(doc.QueryStatuses);
    }

    [Fact]
    public async Task Output_stays_in_the_buffer_until_flushed()
    {
        var inner = new MemoryStream();
        var w = new VOTableWriter(new AsyncOnlyStream(inner), leaveOpen: true);
        w.BeginDocument();
        w.BeginResource();
        w.BeginTable(OneInt, Serialization.Binary2);
        for (int i = 0; i < 1000; i++) { w.WriteInt64(i); w.EndRow(); }
        Assert.Equal(0, inner.Length);
        Assert.True(w.BytesPending > 0);
        w.EndTable();
        w.EndResource();
        w.EndDocument();
        await w.FlushAsync();
        Assert.Equal(0, w.BytesPending);
        Assert.Equal(1000, VOTableReader.Read(new MemoryStream(inner.ToArray())).Tables.Single().Rows.Count);
    }
}
