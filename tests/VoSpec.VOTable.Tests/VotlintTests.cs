using Xunit;

namespace VoSpec.VOTable.Tests;

public class VotlintTests
{
    private static readonly VOTableField[] NoPolygon = AllTypes.Fields.Where(f => f.Name != "poly").ToArray();

    [Fact]
    public void A_tabledata_table_of_every_type_passes_votlint() =>
        Votlint.AssertClean(AllTypes.Write(Serialization.TableData, AllTypes.VotlintRows(dropPolygon: false)), "tabledata");

    [Fact]
    public void A_binary2_table_of_every_type_passes_votlint() =>
        Votlint.AssertClean(AllTypes.Write(Serialization.Binary2, AllTypes.VotlintRows(dropPolygon: true), fields: NoPolygon), "binary2");

    /// <summary>The polygon column votlint cannot check in BINARY2 is read right by STILTS itself.</summary>
    [Fact]
    public void Stilts_reads_a_binary2_polygon_column_correctly()
    {
        using var dir = VoSpec.Testing.TestPaths.NewTempDir("tpipe");
        string path = Path.Combine(dir.Path, "poly.vot");
        File.WriteAllBytes(path, AllTypes.Write(Serialization.Binary2));
        var r = VoSpec.Testing.ExternalTool.Run("stilts", ["tpipe", $"in={path}", "cmd=keepcols \"b poly l\"", "ofmt=csv"]);
        Assert.True(r.ExitCode == 0, r.All);
        var lines = r.StdOut.Trim().Split('\n');
        Assert.Equal("b,poly,l", lines[0]);
        Assert.Equal("true,\"(10.0, 10.0, 11.0, 10.0, 11.0, 11.0)\",9007199254740993", lines[1]);
        Assert.Equal("false,\"(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0)\",-9223372036854775808", lines[2]);
        Assert.Equal(5, lines.Length);
    }

    [Fact]
    public void An_error_document_passes_votlint()
    {
        var ms = new MemoryStream();
        VOTableWriter.WriteError(ms, "UsageFault: <bad> & \"query\"");
        Votlint.AssertClean(ms.ToArray(), "error");
    }

    [Fact]
    public void An_overflow_document_passes_votlint() =>
        Votlint.AssertClean(AllTypes.Write(Serialization.Binary2, AllTypes.VotlintRows(dropPolygon: true), w => w.WriteInfo("QUERY_STATUS", "OVERFLOW"), NoPolygon), "overflow");

    [Fact]
    public void A_document_with_coosys_timesys_and_service_descriptors_passes_votlint() =>
        Votlint.AssertClean(ServiceDescriptorTests.DocumentWithDescriptors(), "descriptor");
}
