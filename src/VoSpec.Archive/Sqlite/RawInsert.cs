using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace VoSpec.Archive.Sqlite;

/// <summary>
/// One prepared INSERT run many times through SQLite's statement API, its values bound by position. The catalogue writer
/// inserts ten million rows of some 40 values each: Microsoft.Data.Sqlite's command looks every parameter up by name
/// at every execution, which cost more than SQLite's own work on the row.
/// </summary>
internal sealed class RawInsert : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _stmt;

    public RawInsert(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("the connection is not open");
        int rc = raw.sqlite3_prepare_v2(_db, sql, out _stmt);
        if (rc != raw.SQLITE_OK) { _stmt?.Dispose(); throw Error(rc); }
    }

    /// <summary>Inserts one row: values in the statement's parameter order (long, int, double, string, byte[], bool or null).</summary>
    public void Run(ReadOnlySpan<object?> values)
    {
        try
        {
            for (int i = 0; i < values.Length; i++)
            {
                int rc = values[i] switch
                {
                    null => raw.sqlite3_bind_null(_stmt, i + 1),
                    long l => raw.sqlite3_bind_int64(_stmt, i + 1, l),
                    int n => raw.sqlite3_bind_int64(_stmt, i + 1, n),
                    short n => raw.sqlite3_bind_int64(_stmt, i + 1, n),
                    bool b => raw.sqlite3_bind_int64(_stmt, i + 1, b ? 1 : 0),
                    double d => raw.sqlite3_bind_double(_stmt, i + 1, d),
                    float f => raw.sqlite3_bind_double(_stmt, i + 1, f),
                    string s => raw.sqlite3_bind_text(_stmt, i + 1, s),
                    byte[] b => raw.sqlite3_bind_blob(_stmt, i + 1, b),
                    var v => throw new ArgumentException($"cannot store a {v.GetType().Name}"),
                };
                if (rc != raw.SQLITE_OK) throw Error(rc);
            }
            int step = raw.sqlite3_step(_stmt);
            if (step != raw.SQLITE_DONE) throw Error(step);
        }
        finally
        {
            raw.sqlite3_reset(_stmt);
        }
    }

    /// <summary>Inserts a row of two integers (no boxing: the R*Tree's bulk load writes one per spectrum).</summary>
    public void Run(long a, long b)
    {
        try
        {
            int rc = raw.sqlite3_bind_int64(_stmt, 1, a);
            if (rc == raw.SQLITE_OK) rc = raw.sqlite3_bind_int64(_stmt, 2, b);
            if (rc != raw.SQLITE_OK) throw Error(rc);
            int step = raw.sqlite3_step(_stmt);
            if (step != raw.SQLITE_DONE) throw Error(step);
        }
        finally
        {
            raw.sqlite3_reset(_stmt);
        }
    }

    private SqliteException Error(int rc) => new($"SQLite Error {rc}: '{raw.sqlite3_errmsg(_db).utf8_to_string()}'.", rc);

    public void Dispose() => _stmt.Dispose();
}
