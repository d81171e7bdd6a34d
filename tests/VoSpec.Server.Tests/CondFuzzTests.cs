using VoSpec.Archive;
using VoSpec.Fuzzing;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Server.Tests;

/// <summary>The /spec query call's cond language under fuzzing: a short seeded run of grammar-made and mutated conditions.</summary>
public sealed class CondFuzzTests : IDisposable
{
    private readonly TempDir _dir = TestPaths.NewTempDir("vospec-cond-fuzz");
    private readonly SpectrumArchive _archive;

    public CondFuzzTests() => _archive = AdqlTarget.CreateArchive(_dir.Path);

    [Fact]
    public void Seeded_run_of_conditions_finds_nothing()
    {
        var report = Fuzzer.Run(new CondTarget(_archive), CondGenerator.Parameters, seed: 20261203, count: 800);
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
