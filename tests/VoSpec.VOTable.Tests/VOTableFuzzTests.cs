using System.Text;
using VoSpec.Fuzzing;
using Xunit;

namespace VoSpec.VOTable.Tests;

/// <summary>
/// VOTable uploads under fuzzing: a short seeded run of the shared generator through TapUploads (reader, TEMP table,
/// a query on it), and the stream the long run found allocating gigabytes for a declared array length.
/// </summary>
public class VOTableFuzzTests
{
    [Fact]
    public void Seeded_run_of_mutated_and_hostile_uploads_finds_nothing()
    {
        using var target = new VOTableTarget();
        var report = Fuzzer.Run(target, VOTableGenerator.Documents, seed: 20261203, count: 2500);
        Assert.True(report.Findings.Count == 0, report.ToString());
        Assert.True(report.Accepted > 50 && report.Rejected > 50, report.Summary());
    }

    [Theory]
    [InlineData("floatComplex", "", "1 2")]
    [InlineData("doubleComplex", "", "1.5 -2")]
    [InlineData("doubleComplex", "2", "1 2 3 4")]
    public void Complex_upload_columns_are_stored_as_DALI_text(string datatype, string arraysize, string cell)
    {
        string size = arraysize.Length > 0 ? $" arraysize=\"{arraysize}\"" : "";
        var xml = $"<VOTABLE version=\"1.4\"><RESOURCE><TABLE><FIELD name=\"c\" datatype=\"{datatype}\"{size}/><DATA><TABLEDATA><TR><TD>{cell}</TD></TR></TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>";
        using var target = new VOTableTarget();
        Assert.True(target.Run(Encoding.UTF8.GetBytes(xml)));
    }

    [Theory]
    [InlineData("BINARY2", 0x7fffffff)]
    [InlineData("BINARY", 0x7ffffff0)]
    public void Array_count_past_the_end_of_a_short_stream_fails_without_allocating_it(string element, int count)
    {
        // One variable-length char cell that claims ~2 GB, in a stream of a few bytes.
        var row = new List<byte>();
        if (element == "BINARY2") row.Add(0);
        row.AddRange([(byte)(count >> 24), (byte)(count >> 16), (byte)(count >> 8), (byte)count, (byte)'a', (byte)'b']);
        string xml = $"<VOTABLE version=\"1.4\"><RESOURCE><TABLE><FIELD name=\"s\" datatype=\"char\" arraysize=\"*\"/><DATA><{element}><STREAM encoding=\"base64\">"
            + Convert.ToBase64String(row.ToArray()) + $"</STREAM></{element}></DATA></TABLE></RESOURCE></VOTABLE>";
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<VOTableFormatException>(() => VOTableReader.Parse(xml));
        Assert.Contains("ends inside row", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 << 20, "the reader allocated for the declared length");
    }
}
