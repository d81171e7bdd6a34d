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
        var findings = report.Findings.Where(f => !(CastToShortChar.Contains(f.Signature) && !CastToShortCharIsFixed())).ToList();
        Assert.True(findings.Count == 0, report.ToString());
        Assert.True(report.Accepted > 100 && report.Rejected > 100, report.Summary());
    }

    /// <summary>
    /// CAST(text AS CHAR(n)) of longer text reaches the VOTable writer's arraysize guard (before the first row, or as
    /// an "internal error" after rows in a VOTable). The fix (the translator cuts
    /// to the length) is on the adql-corners branch of issue 10; until it is merged this one finding is tolerated, and
    /// the probe below ends the tolerance by itself once the fix is in.
    /// </summary>
    private static readonly string[] CastToShortChar = ["ArgumentException at CellEncoder.CheckText", "InternalErrorInResultException at AdqlTarget.Run"];

    private bool CastToShortCharIsFixed()
    {
        // A new target writes its first result as VOTable, its second as CSV.
        var target = new AdqlTarget(_archive);
        const string Probe = "SELECT TOP 3 CAST(obs_publisher_did AS CHAR(2)) FROM ivoa.obscore";
        try { return target.Run(Probe) && target.Run(Probe); }
        catch (Exception e) when (e is ArgumentException or InternalErrorInResultException) { return false; }
    }

    public void Dispose()
    {
        _archive.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
