using Microsoft.Data.Sqlite;
using Xunit;

namespace VoSpec.VOTable.Tests;

public class SqliteStreamingTests
{
    private static async Task<(byte[] Doc, TableWriteResult Result, AsyncOnlyStream Out)> Stream(SqliteConnection c, Serialization ser, long maxRows)
    {
        var inner = new MemoryStream();
        var output = new AsyncOnlyStream(inner);
        TableWriteResult result;
        await using (var w = new VOTableWriter(output, leaveOpen: true))
        {
            w.BeginDocument();
            w.BeginResource();
            w.WriteInfo("QUERY_STATUS", "OK");
            using (var reader = SqliteFixture.Query(c))
                result = await w.WriteTableAsync(reader, SqliteFixture.Fields, ser, maxRows);
            if (result.Overflow) w.WriteInfo("QUERY_STATUS", "OVERFLOW");
            w.EndResource();
            w.EndDocument();
            await w.FlushAsync();
        }
        return (inner.ToArray(), result, output);
    }

    [Theory]
    [InlineData(Serialization.Binary2)]
    [InlineData(Serialization.TableData)]
    public async Task A_hundred_thousand_rows_stream_to_a_non_seekable_async_only_body_with_MAXREC_truncation(Serialization ser)
    {
        using var c = SqliteFixture.Open(100_000);
        var (doc, result, output) = await Stream(c, ser, maxRows: 60_000);
        Assert.Equal(new TableWriteResult(60_000, Overflow: true), result);
        // Bounded memory: the output left in many chunks, none large.
        Assert.True(output.Writes > 5, $"{output.Writes} writes");
        // BINARY2 goes out in blocks of 768 KiB of text at most (fewer hand-offs and thread switches than smaller ones).
        Assert.True(output.LargestWrite <= 1024 * 1024, $"largest write {output.LargestWrite}");

        var parsed = VOTableReader.Read(new MemoryStream(doc));
        Assert.Equal("OVERFLOW", parsed.QueryStatus);
        Assert.Equal(["OK", "OVERFLOW"], parsed.QueryStatuses.Select(i => i.Value));
        var rows = parsed.Tables.Single().Rows;
        Assert.Equal(60_000, rows.Count);
        for (int k = 0; k < rows.Count; k += 997)
        {
            long x = k + 1;
            var r = rows[k];
            Assert.Equal(x, r[0]);
            Assert.Equal(x % 2 == 1, r[1]);
            Assert.Equal((short)(x % 1000 - 500), r[2]);
            Assert.Equal((float)(x * 0.25), r[3]);
            Assert.Equal("obj" + x, r[4]);
            Assert.Equal(new[] { (double)(x % 360), x % 180 - 90 }, (double[])r[5]!);
            Assert.Equal(x % 7 == 0 ? null : x / 4.0, r[6]);
        }
    }

    [Theory]
    [InlineData(100_000, false)]
    [InlineData(99_999, true)]
    [InlineData(0, true)]
    public async Task Overflow_is_reported_only_when_rows_remain(long maxRows, bool overflow)
    {
        using var c = SqliteFixture.Open(100_000);
        var (doc, result, _) = await Stream(c, Serialization.Binary2, maxRows);
        Assert.Equal(new TableWriteResult(maxRows, overflow), result);
        var parsed = VOTableReader.Read(new MemoryStream(doc));
        Assert.Equal(overflow ? "OVERFLOW" : "OK", parsed.QueryStatus);
        Assert.Equal(maxRows, parsed.Tables.Single().Rows.Count);
    }

    [Fact]
    public async Task Sqlite_dynamic_values_are_converted_to_the_declared_datatypes()
    {
        using var c = new SqliteConnection("Data Source=:memory:");
        c.Open();
        SqliteFixture.Exec(c, "CREATE TABLE d(a, b, c, e, f)");
        SqliteFixture.Exec(c, "INSERT INTO d VALUES (1, '2.5', 'x', 1, '10 20'), ('7', 3, 4.5, 0, '1.5 -2'), (NULL, NULL, NULL, NULL, NULL), (2.0, 1e300, 12, 5, '0 0')");
        VOTableField[] fields = [new("a", "short"), new("b", "double"), new("c", "char") { Arraysize = "*" }, new("e", "boolean"), new("f", "double") { Arraysize = "2", Xtype = "point" }];
        foreach (var ser in new[] { Serialization.TableData, Serialization.Binary2 })
        {
            var ms = new MemoryStream();
            await using (var w = new VOTableWriter(ms, leaveOpen: true))
            {
                w.BeginDocument();
                w.BeginResource();
                using var cmd = c.CreateCommand();
                cmd.CommandText = "SELECT a, b, c, e, f FROM d";
                using var reader = cmd.ExecuteReader();
                var r = await w.WriteTableAsync(reader, fields, ser, long.MaxValue);
                Assert.Equal(new TableWriteResult(4, false), r);
                w.EndResource();
                w.EndDocument();
            }
            var rows = VOTableReader.Read(new MemoryStream(ms.ToArray())).Tables.Single().Rows;
            Assert.Equal([(short)1, 2.5, "x", true, new[] { 10.0, 20.0 }], rows[0]);
            Assert.Equal([(short)7, 3.0, "4.5", false, new[] { 1.5, -2.0 }], rows[1]);
            Assert.Null(rows[2][0]);
            Assert.Null(rows[2][1]);
            Assert.Null(rows[2][2]);
            Assert.Null(rows[2][3]);
            Assert.Equal([(short)2, 1e300, "12", true, new[] { 0.0, 0.0 }], rows[3]);
        }
    }

    [Fact]
    public async Task A_failing_row_closes_the_table_so_an_ERROR_status_can_follow()
    {
        using var c = new SqliteConnection("Data Source=:memory:");
        c.Open();
        SqliteFixture.Exec(c, "CREATE TABLE d(a, b)");
        SqliteFixture.Exec(c, "INSERT INTO d VALUES (1, 1), (2, 99999), (3, 3)");
        foreach (var ser in new[] { Serialization.TableData, Serialization.Binary2 })
        {
            var ms = new MemoryStream();
            await using (var w = new VOTableWriter(ms, leaveOpen: true))
            {
                w.BeginDocument();
                w.BeginResource();
                w.WriteInfo("QUERY_STATUS", "OK");
                using var cmd = c.CreateCommand();
                cmd.CommandText = "SELECT a, b FROM d";
                using var reader = cmd.ExecuteReader();
                var e = await Assert.ThrowsAsync<OverflowException>(() => w.WriteTableAsync(reader, [new("a", "int"), new("b", "short")], ser, 10));
                w.WriteInfo("QUERY_STATUS", "ERROR", e.Message);
                w.EndResource();
                w.EndDocument();
            }
            var doc = VOTableReader.Read(new MemoryStream(ms.ToArray()));
            Assert.Equal("ERROR", doc.QueryStatus);
            var rows = doc.Tables.Single().Rows;
            Assert.Equal(1, rows[0][0]);
            // The half-written row is dropped in BINARY2; TABLEDATA completes it with nulls.
            Assert.Equal(ser == Serialization.Binary2 ? 1 : 2, rows.Count);
            Votlint.AssertClean(ms.ToArray(), "midstream-error-" + ser);
        }
    }

    [Fact]
    public async Task Binary2_streaming_allocates_almost_nothing_per_row()
    {
        using var c = SqliteFixture.Open(100_000);
        VOTableField[] numeric = [SqliteFixture.Fields[0], SqliteFixture.Fields[1], SqliteFixture.Fields[2], SqliteFixture.Fields[3], SqliteFixture.Fields[6]];
        var output = new AsyncOnlyStream(System.IO.Stream.Null);
        await using var w = new VOTableWriter(output, leaveOpen: true);
        w.BeginDocument();
        w.BeginResource();
        using var reader = SqliteFixture.Query(c, "SELECT id, flag, small, mag, maybe FROM t");
        long before = GC.GetAllocatedBytesForCurrentThread();
        var r = await w.WriteTableAsync(reader, numeric, Serialization.Binary2, long.MaxValue);
        long perRow = (GC.GetAllocatedBytesForCurrentThread() - before) / r.RowsWritten;
        Assert.Equal(100_000, r.RowsWritten);
        Assert.True(perRow < 16, $"{perRow} bytes allocated per row");
    }
}
