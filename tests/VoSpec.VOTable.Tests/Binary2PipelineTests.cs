using Xunit;
using VoSpec.Core.IO;

namespace VoSpec.VOTable.Tests;

/// <summary>
/// A BINARY2 table from a reader is encoded and written by a second task: a slow client must hold the producer back
/// without losing or reordering blocks, and a client that goes away must end the stream with its error, not hang it.
/// </summary>
public class Binary2PipelineTests
{
    /// <summary>An async-only body that is slow, and optionally fails after some writes (the client went away).</summary>
    private sealed class SlowClient(Stream inner, int failAfter = int.MaxValue) : WriteOnlyStream
    {
        public int Writes { get; private set; }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (++Writes > failAfter) throw new IOException("the client went away");
            await Task.Delay(3, cancellationToken); // slower than the rows come: the producer must wait
            await inner.WriteAsync(buffer, cancellationToken);
        }

        public override void Write(byte[] buffer, int offset, int count) => throw new InvalidOperationException("synchronous write");
        public override void Flush() { }
        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [Fact]
    public async Task A_slow_client_gets_every_row_in_order()
    {
        using var c = SqliteFixture.Open(200_000);
        var inner = new MemoryStream();
        var client = new SlowClient(inner);
        await using (var w = new VOTableWriter(client, leaveOpen: true))
        {
            w.BeginDocument();
            w.BeginResource();
            using var reader = new RawCellsReader(SqliteFixture.Query(c, "SELECT id, flag, small, mag, name FROM t ORDER BY id"));
            var r = await w.WriteTableAsync(reader, SqliteFixture.Fields[..5], Serialization.Binary2, long.MaxValue);
            Assert.Equal(new TableWriteResult(200_000, false), r);
            w.EndResource();
            w.EndDocument();
            await w.FlushAsync();
        }
        Assert.True(client.Writes > 5, $"{client.Writes} writes");
        var rows = VOTableReader.Read(new MemoryStream(inner.ToArray())).Tables.Single().Rows;
        Assert.Equal(200_000, rows.Count);
        for (int k = 0; k < rows.Count; k++) Assert.Equal((long)(k + 1), rows[k][0]);
        Assert.Equal("obj200000", rows[^1][4]);
    }

    [Fact]
    public async Task A_failing_row_deep_in_the_stream_leaves_the_rows_before_it_whole()
    {
        using var c = SqliteFixture.Open(200_000);
        SqliteFixture.Exec(c, "UPDATE t SET small = 40000 WHERE id = 150000"); // does not fit a short
        var inner = new MemoryStream();
        await using (var w = new VOTableWriter(new SlowClient(inner), leaveOpen: true))
        {
            w.BeginDocument();
            w.BeginResource();
            using var reader = new RawCellsReader(SqliteFixture.Query(c, "SELECT id, flag, small, mag, name FROM t ORDER BY id"));
            await Assert.ThrowsAsync<OverflowException>(() => w.WriteTableAsync(reader, SqliteFixture.Fields[..5], Serialization.Binary2, long.MaxValue));
            w.WriteInfo("QUERY_STATUS", "ERROR", "row 150000 failed");
            w.EndResource();
            w.EndDocument();
            await w.FlushAsync();
        }
        var doc = VOTableReader.Read(new MemoryStream(inner.ToArray()));
        Assert.Equal("ERROR", doc.QueryStatus);
        var rows = doc.Tables.Single().Rows;
        Assert.Equal(149_999, rows.Count);
        for (int k = 0; k < rows.Count; k++) Assert.Equal((long)(k + 1), rows[k][0]);
    }

    [Fact]
    public async Task A_small_result_goes_out_in_one_write()
    {
        using var c = SqliteFixture.Open(500);
        var client = new SlowClient(Stream.Null);
        await using (var w = new VOTableWriter(client, leaveOpen: true))
        {
            w.BeginDocument();
            w.BeginResource();
            using var reader = new RawCellsReader(SqliteFixture.Query(c, "SELECT id, flag, small, mag, name FROM t ORDER BY id"));
            await w.WriteTableAsync(reader, SqliteFixture.Fields[..5], Serialization.Binary2, long.MaxValue);
            w.EndResource();
            w.EndDocument();
            await w.FlushAsync();
        }
        Assert.Equal(1, client.Writes);
    }

    [Fact]
    public async Task A_client_that_goes_away_ends_the_stream_with_its_error()
    {
        using var c = SqliteFixture.Open(200_000);
        // Not disposed: disposing sends what is pending, to a client that is gone.
        var w = new VOTableWriter(new SlowClient(Stream.Null, failAfter: 3), leaveOpen: true);
        w.BeginDocument();
        w.BeginResource();
        using var reader = new RawCellsReader(SqliteFixture.Query(c, "SELECT id, flag, small, mag, name FROM t ORDER BY id"));
        var write = w.WriteTableAsync(reader, SqliteFixture.Fields[..5], Serialization.Binary2, long.MaxValue);
        var e = await Assert.ThrowsAsync<IOException>(() => write.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal("the client went away", e.Message);
    }

    [Fact]
    public async Task Cancelling_stops_the_stream()
    {
        using var c = SqliteFixture.Open(200_000);
        using var cts = new CancellationTokenSource();
        await using var w = new VOTableWriter(new SlowClient(Stream.Null), leaveOpen: true);
        w.BeginDocument();
        w.BeginResource();
        using var reader = new RawCellsReader(SqliteFixture.Query(c, "SELECT id, flag, small, mag, name FROM t ORDER BY id"));
        cts.CancelAfter(50);
        var write = w.WriteTableAsync(reader, SqliteFixture.Fields[..5], Serialization.Binary2, long.MaxValue, ct: cts.Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write.WaitAsync(TimeSpan.FromSeconds(60)));
    }
}
