using VoSpec.Testing;
using Xunit;

namespace VoSpec.Cli.Tests;

/// <summary>
/// vospec query runs ADQL on an archive through the same executor as TAP: rows on standard output in the chosen format,
/// a refused query on standard error with exit code 1 and no stack trace.
/// </summary>
public class QueryCommandTests
{
    [Fact]
    public void A_query_writes_its_rows_and_a_bad_one_its_reason()
    {
        using var dir = TestPaths.NewTempDir();
        var input = Path.Combine(dir.Path, "demo");
        var archiveDir = Path.Combine(dir.Path, "a");
        Assert.True(Vospec.Run("demo", "--out", input, "--count", "20").ExitCode == 0);
        var ingest = Vospec.Run("ingest", "--archive", archiveDir, "--collection", "demo", input);
        Assert.True(ingest.ExitCode == 0, ingest.All);

        var csv = Vospec.Run("query", "--archive", archiveDir, "SELECT obs_id, s_ra FROM ivoa.obscore ORDER BY obs_id");
        Assert.True(csv.ExitCode == 0, csv.All);
        var lines = csv.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("obs_id,s_ra", lines[0].TrimEnd('\r'));
        Assert.Equal(21, lines.Length);

        var votable = Vospec.Run("query", "--archive", archiveDir, "--format", "votable", "--maxrec", "3", "SELECT s_ra, s_dec FROM ivoa.obscore");
        Assert.True(votable.ExitCode == 0, votable.All);
        var doc = System.Xml.Linq.XDocument.Parse(votable.StdOut);
        Assert.Equal(3, doc.Descendants().Count(e => e.Name.LocalName == "TR"));
        Assert.Contains("OVERFLOW", votable.StdOut);

        var bad = Vospec.Run("query", "--archive", archiveDir, "SELECT nope FROM ivoa.obscore");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("nope", bad.StdErr);
        Assert.DoesNotContain("   at ", bad.StdErr);
        Assert.Empty(bad.StdOut);
    }
}
