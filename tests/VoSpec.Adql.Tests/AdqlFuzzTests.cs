using VoSpec.Archive;
using VoSpec.Fuzzing;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Adql.Tests;

/// <summary>
/// ADQL under fuzzing, the way TAP sync runs it (parse, check, translate, SQLite, every output format): a short seeded
/// run of grammar walks over the real ObsCore/specobj schema, their mutations and mutated DALI examples.
/// </summary>
public sealed class AdqlFuzzTests : IDisposable
{
    private readonly TempDir _dir = TestPaths.NewTempDir("vospec-adql-fuzz");
    private readonly SpectrumArchive _archive;

    public AdqlFuzzTests() => _archive = AdqlTarget.CreateArchive(_dir.Path);

    [Fact]
    public void Seeded_run_of_generated_and_mutated_queries_finds_nothing()
    {
        var target = new AdqlTarget(_archive);
        var report = Fuzzer.Run(target, AdqlGenerator.Queries, seed: 20261203, count: 1000);
        Assert.True(report.Findings.Count == 0, report.ToString());
        Assert.True(report.Accepted > 100 && report.Rejected > 100, report.Summary());
    }

    public void Dispose()
    {
        _archive.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
