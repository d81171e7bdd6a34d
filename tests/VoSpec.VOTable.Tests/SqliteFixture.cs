using Microsoft.Data.Sqlite;

namespace VoSpec.VOTable.Tests;

/// <summary>An in-memory SQLite database with a table of n rows: integers, booleans, reals, text, DALI points, nulls.</summary>
internal static class SqliteFixture
{
    static SqliteFixture() => SQLitePCL.Batteries_V2.Init();

    public static readonly VOTableField[] Fields =
    [
        new("id", "long"),
        new("flag", "boolean"),
        new("small", "short"),
        new("mag", "float"),
        new("name", "char") { Arraysize = "*" },
        new("pos", "double") { Arraysize = "2", Xtype = "point", Unit = "deg" },
        new("maybe", "double"),
    ];

    public static SqliteConnection Open(int rows)
    {
        var c = new SqliteConnection("Data Source=:memory:");
        c.Open();
        Exec(c, "CREATE TABLE t(id INTEGER PRIMARY KEY, flag INTEGER, small INTEGER, mag REAL, name TEXT, pos TEXT, maybe REAL)");
        Exec(c, $"""
            WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < {rows})
            INSERT INTO t SELECT x, x % 2, x % 1000 - 500, x * 0.25, 'obj' || x, (x % 360) || ' ' || ((x % 180) - 90),
                                 CASE WHEN x % 7 = 0 THEN NULL ELSE x / 4.0 END FROM n
            """);
        return c;
    }

    public static void Exec(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public static SqliteDataReader Query(SqliteConnection c, string sql = "SELECT id, flag, small, mag, name, pos, maybe FROM t ORDER BY id")
    {
        var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteReader();
    }
}
