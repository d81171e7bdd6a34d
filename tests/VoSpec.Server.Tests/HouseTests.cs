using System.Text.RegularExpressions;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Server.Tests;

/// <summary>
/// The server's folders depend downwards only: DataLink and SODA share what they both need through the folders below
/// them (Dali for identifiers and faults, Formats for spectra on the way out), never through each other.
/// </summary>
public partial class HouseTests
{
    [GeneratedRegex(@"\b(using\s+VoSpec\.Server\.(?<ns>\w+)\s*;|VoSpec\.Server\.(?<ns>\w+)\.\w+)")]
    private static partial Regex ServerReference();

    private static IReadOnlyList<string> Offenders(string folder, string forbidden)
    {
        var dir = Path.Combine(TestPaths.RepoRoot, "src", "VoSpec.Server", folder);
        return Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories)
            .Where(f => ServerReference().Matches(File.ReadAllText(f)).Any(m => m.Groups["ns"].Value == forbidden))
            .Select(Path.GetFileName).ToList()!;
    }

    [Theory]
    [InlineData("DataLink", "Soda")]
    [InlineData("Soda", "DataLink")]
    [InlineData("Formats", "DataLink")]
    [InlineData("Formats", "Soda")]
    [InlineData("Formats", "SpecService")]
    [InlineData("Dali", "DataLink")]
    [InlineData("Dali", "Soda")]
    public void A_folder_does_not_reach_into_its_neighbour(string folder, string forbidden) =>
        Assert.Empty(Offenders(folder, forbidden));

    [Fact]
    public void The_check_finds_a_reference_where_there_is_one() =>
        // SpecService uses Formats: the same scan must see it.
        Assert.NotEmpty(Offenders("SpecService", "Formats"));
}
