using System.Data.Common;
using Microsoft.Data.Sqlite;
using Xunit;

namespace VoSpec.VOTable.Tests;

/// <summary>
/// BINARY2 rows copied straight from an <see cref="IRawCells"/> reader must be byte for byte what the cell API writes
/// from the same rows: nulls of every type, empty and non-ASCII text, range errors, rows across base64 blocks.
/// </summary>
public class Binary2RawRowTests
{
    private static readonly VOTableField[] Fields =
    [
        new("id", "long"),
        new("flag", "boolean"),
        new("small", "short"),
        new("tiny", "unsignedByte"),
        new("n", "int"),
        new("mag", "float"),
        new("d", "double"),
        new("name", "char") { Arraysize = "*" },
        new("label", "char") { Arraysize = "8*" },
        new("note", "char") { Arraysize = "*" },
    ];

    // Every 5th row has all nulls but id; notes cycle through empty, non-ASCII (1, 2 and 4 UTF-8 bytes) and ASCII text;
    // row 1234 carries 70,000 characters, longer than one 48 KiB base64 block.
    private static SqliteConnection Open(int rows, string extra = "")
    {
        var c = new SqliteConnection("Data Source=:memory:");
        c.Open();
        SqliteFixture.Exec(c, "CREATE TABLE t(id INTEGER PRIMARY KEY, flag INTEGER, small INTEGER, tiny INTEGER, n INTEGER, mag REAL, d REAL, name TEXT, label TEXT, note TEXT)");
        SqliteFixture.Exec(c, $"""
            WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < {rows})
            INSERT INTO t SELECT x,
              CASE WHEN x % 5 = 0 THEN NULL ELSE x % 2 END,
              CASE WHEN x % 5 = 0 THEN NULL ELSE x % 1000 - 500 END,
              CASE WHEN x % 5 = 0 THEN NULL ELSE x % 256 END,
              CASE WHEN x % 5 = 0 THEN NULL ELSE x * 1000 END,
              CASE WHEN x % 5 = 0 THEN NULL ELSE x * 0.25 END,
              CASE WHEN x % 5 = 0 THEN NULL WHEN x % 3 = 0 THEN 0.0 ELSE x / 7.0 END,
              CASE WHEN x % 5 = 0 THEN NULL ELSE 'obj' || x END,
              CASE WHEN x % 5 = 0 THEN NULL ELSE substr('L' || x, 1, 8) END,
              CASE WHEN x = 1234 THEN printf('%.*c', 70000, 'x')
                   WHEN x % 5 = 0 THEN NULL
                   WHEN x % 4 = 0 THEN ''
                   WHEN x % 4 = 1 THEN 'café ' || x
                   WHEN x % 4 = 2 THEN '日本 😀 ' || x
                   ELSE 'plain ' || x END
            FROM s
            """);
        if (extra.Length > 0) SqliteFixture.Exec(c, extra);
        return c;
    }

    private static DbDataReader Query(SqliteConnection c)
    {
        var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT * FROM t ORDER BY id";
        return cmd.ExecuteReader();
    }

    private static async Task<(string Doc, string? Error)> Write(DbDataReader reader, IReadOnlyList<VOTableField> fields)
    {
        var inner = new MemoryStream();
        string? error = null;
        await using (var w = new VOTableWriter(new AsyncOnlyStream(inner), leaveOpen: true))
        {
            w.BeginDocument();
            w.BeginResource();
            try { await w.WriteTableAsync(reader, fields, Serialization.Binary2, long.MaxValue); }
            catch (Exception e) { error = e.GetType().Name + ": " + e.Message; w.WriteInfo("QUERY_STATUS", "ERROR", error); }
            w.EndResource();
            w.EndDocument();
            await w.FlushAsync();
        }
        return (System.Text.Encoding.UTF8.GetString(inner.ToArray()), error);
    }

    private static async Task AssertSameAsCellApi(SqliteConnection c, IReadOnlyList<VOTableField> fields)
    {
        using var plain = Query(c);
        var expected = await Write(plain, fields);
        using var raw = new RawCellsReader(Query(c));
        var actual = await Write(raw, fields);
        Assert.True(raw.NumericCalls > 0, "the raw row path was not taken");
        Assert.Equal(expected.Error, actual.Error);
        Assert.True(expected.Doc == actual.Doc, "the raw rows differ from the cell API's");
    }

    [Fact]
    public async Task Raw_rows_equal_the_cell_api_with_nulls_unicode_empty_text_and_rows_across_blocks()
    {
        using var c = Open(5_000);
        await AssertSameAsCellApi(c, Fields);
    }

    [Fact]
    public async Task Raw_rows_read_back_through_the_votable_reader()
    {
        using var c = Open(2_000);
        using var raw = new RawCellsReader(Query(c));
        var (doc, error) = await Write(raw, Fields);
        Assert.Null(error);
        var rows = VOTableReader.Parse(doc).Tables.Single().Rows;
        Assert.Equal(2_000, rows.Count);
        Assert.Equal(new object?[] { 1L, true, (short)-499, (byte)1, 1000, 0.25f, 1 / 7.0, "obj1", "L1", "caf? 1" }, rows[0]);
        Assert.Equal(new object?[] { 2L, false, (short)-498, (byte)2, 2000, 0.5f, 2 / 7.0, "obj2", "L2", "?? ?? 2" }, rows[1]);
        Assert.Equal(0.0, rows[2][6]); // a real 0 is not a null
        Assert.Equal([5L, null, null, null, null, null, null, null, null, null], rows[4]);
        Assert.Equal(70_000, ((string)rows[1233][9]!).Length);
    }

    [Fact]
    public async Task A_value_out_of_range_fails_the_same_way()
    {
        using var c = Open(300, "UPDATE t SET small = 40000 WHERE id = 250");
        await AssertSameAsCellApi(c, Fields);
    }

    [Fact]
    public async Task Text_longer_than_its_arraysize_fails_the_same_way()
    {
        using var c = Open(300, "UPDATE t SET label = 'nine char' WHERE id = 1");
        await AssertSameAsCellApi(c, Fields);
    }

    [Fact]
    public async Task Tables_with_array_fields_take_the_cell_api_with_a_raw_reader_too()
    {
        using var c = SqliteFixture.Open(3_000);
        using var plain = SqliteFixture.Query(c);
        var expected = await Write(plain, SqliteFixture.Fields);
        using var raw = new RawCellsReader(SqliteFixture.Query(c));
        var actual = await Write(raw, SqliteFixture.Fields);
        Assert.Equal(0, raw.NumericCalls);
        Assert.Null(actual.Error);
        Assert.Equal(expected.Doc, actual.Doc);
    }
}
