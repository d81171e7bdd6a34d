using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace VoSpec.VOTable.Tests;

public class ThroughputTests(ITestOutputHelper log)
{
    /// <summary>
    /// The TAP benchmark's shape: a million SQLite rows as BINARY2 to a discarding body. The bound is loose (CI machines
    /// vary, Debug builds are slower); the measured rate is printed.
    /// </summary>
    [Fact]
    public async Task Binary2_streams_a_million_sqlite_rows_quickly()
    {
        using var c = SqliteFixture.Open(1_000_000);
        var output = new AsyncOnlyStream(Stream.Null);
        await using var w = new VOTableWriter(output, leaveOpen: true);
        w.BeginDocument();
        w.BeginResource();
        using var reader = SqliteFixture.Query(c);
        var sw = Stopwatch.StartNew();
        var r = await w.WriteTableAsync(reader, SqliteFixture.Fields, Serialization.Binary2, long.MaxValue);
        sw.Stop();
        double rate = r.RowsWritten / sw.Elapsed.TotalSeconds;
        log.WriteLine($"{r.RowsWritten} rows in {sw.ElapsedMilliseconds} ms = {rate:N0} rows/s, {output.BytesWritten / 1e6:N1} MB, largest write {output.LargestWrite}");
        Assert.Equal(1_000_000, r.RowsWritten);
        // Speed is measured by the benchmarks (docs/benchmarks.md), not asserted here: a loaded machine would fail it.
    }
}
