using System.Collections;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using VoSpec.VOTable;

namespace VoSpec.Archive.Sqlite;

/// <summary>
/// A forward-only reader straight over SQLite's statement API, for streaming large results: typed
/// getters are single native calls, and text can be handed over as UTF-8 bytes without making a string
/// (<see cref="IRawCells"/>). Microsoft.Data.Sqlite's reader spends ~250 ns a cell, which is what limits
/// wide TAP results. The statement is stepped once at <see cref="Open"/>, so SQL errors surface
/// before any output is written.
/// </summary>
internal sealed class RawSqliteReader : DbDataReader, IRawCells
{
    private readonly sqlite3 _db;
    private sqlite3_stmt? _stmt;
    // The statement's native pointer for the per-cell getters (SqliteCellCalls); valid while _stmt is alive.
    private readonly IntPtr _handle;
    private bool _pendingRow;
    private bool _started;
    private bool _done;
    // Counts the time spent stepping against the query's database-time budget, when it has one.
    private readonly QueryBudget? _budget;
    // What the reader closes after its statement (the connection a one-off search opened for it).
    private IDisposable? _owner;

    private RawSqliteReader(sqlite3 db, sqlite3_stmt stmt, QueryBudget? budget)
    {
        _db = db;
        _budget = budget;
        _stmt = stmt;
        _handle = stmt.DangerousGetHandle();
        FieldCount = raw.sqlite3_column_count(stmt);
    }

    /// <summary>Prepares <paramref name="sql"/> on the connection and steps to its first row.</summary>
    public static RawSqliteReader Open(SqliteConnection connection, string sql) => Open(connection, sql, []);

    /// <summary>
    /// Prepares <paramref name="sql"/>, binds named parameters ($name → long, double, string or null) and steps to
    /// the first row.
    /// </summary>
    /// <param name="budget">The query's database-time budget: stepping counts against it, and a statement it stopped throws its named error.</param>
    /// <param name="owner">Disposed with the reader, after the statement (not when Open fails).</param>
    public static RawSqliteReader Open(SqliteConnection connection, string sql, IEnumerable<(string Name, object? Value)> parameters, QueryBudget? budget = null,
        IDisposable? owner = null)
    {
        var db = connection.Handle ?? throw new InvalidOperationException("the connection is not open");
        int rc = raw.sqlite3_prepare_v2(db, sql, out var stmt);
        if (rc != raw.SQLITE_OK) { stmt?.Dispose(); throw Error(db, rc); }
        var reader = new RawSqliteReader(db, stmt, budget);
        try
        {
            foreach (var (name, value) in parameters) reader.Bind(name, value);
            reader._pendingRow = reader.Step();
        }
        catch { reader.Dispose(); throw; }
        reader._owner = owner;
        return reader;
    }

    private void Bind(string name, object? value)
    {
        int i = raw.sqlite3_bind_parameter_index(_stmt, name);
        if (i == 0) throw new ArgumentException($"the statement has no parameter {name}");
        int rc = value switch
        {
            null or DBNull => raw.sqlite3_bind_null(_stmt, i),
            long l => raw.sqlite3_bind_int64(_stmt, i, l),
            int n => raw.sqlite3_bind_int64(_stmt, i, n),
            double d => raw.sqlite3_bind_double(_stmt, i, d),
            string s => raw.sqlite3_bind_text(_stmt, i, s),
            _ => throw new ArgumentException($"parameter {name}: cannot bind a {value.GetType().Name}"),
        };
        if (rc != raw.SQLITE_OK) throw Error(_db, rc);
    }

    private bool Step()
    {
        _budget?.Enter();
        int rc = SqliteCellCalls.Step(Live);
        if (rc == raw.SQLITE_ROW) return true;
        if (rc == raw.SQLITE_DONE) { _done = true; return false; }
        if (rc == raw.SQLITE_INTERRUPT && _budget?.Error() is { } over) throw over;
        throw Error(_db, rc);
    }

    private static SqliteException Error(sqlite3 db, int rc) =>
        new($"SQLite Error {rc}: '{raw.sqlite3_errmsg(db).utf8_to_string()}'.", rc);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public override bool Read()
    {
        if (!_started) { _started = true; return _pendingRow; }
        return !_done && Step();
    }

    public override Task<bool> ReadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Read());
    }

    public override int FieldCount { get; }
    public override bool HasRows => _pendingRow;
    public override bool IsClosed => _stmt is null;
    public override int RecordsAffected => -1;
    public override int Depth => 0;
    public override bool NextResult() => false;

    public override bool IsDBNull(int ordinal) => SqliteCellCalls.Type(Live, ordinal) == raw.SQLITE_NULL;
    public override long GetInt64(int ordinal) => SqliteCellCalls.Int64(Live, ordinal);
    public override int GetInt32(int ordinal) => checked((int)GetInt64(ordinal));
    public override short GetInt16(int ordinal) => checked((short)GetInt64(ordinal));
    public override byte GetByte(int ordinal) => checked((byte)GetInt64(ordinal));
    public override bool GetBoolean(int ordinal) => GetInt64(ordinal) != 0;
    public override double GetDouble(int ordinal) => SqliteCellCalls.Double(Live, ordinal);
    public override float GetFloat(int ordinal) => (float)GetDouble(ordinal);
    public override decimal GetDecimal(int ordinal) => (decimal)GetDouble(ordinal);
    public override string GetString(int ordinal) => System.Text.Encoding.UTF8.GetString(GetUtf8(ordinal));

    /// <summary>The cell's text as UTF-8, valid until the next <see cref="Read"/>.</summary>
    public ReadOnlySpan<byte> GetUtf8(int ordinal)
    {
        TryGetUtf8(ordinal, out var text);
        return text;
    }

    // One native call for most cells: a getter's zero or null pointer is the only answer that can mean NULL.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public bool TryGetInt64(int ordinal, out long value)
    {
        var stmt = Live;
        value = SqliteCellCalls.Int64(stmt, ordinal);
        return value != 0 || SqliteCellCalls.Type(stmt, ordinal) != raw.SQLITE_NULL;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public bool TryGetDouble(int ordinal, out double value)
    {
        var stmt = Live;
        value = SqliteCellCalls.Double(stmt, ordinal);
        return value != 0 || SqliteCellCalls.Type(stmt, ordinal) != raw.SQLITE_NULL;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public unsafe bool TryGetUtf8(int ordinal, out ReadOnlySpan<byte> value)
    {
        var stmt = Live;
        // For TEXT this is the stored UTF-8; SQLite converts numbers to their text form first.
        byte* p = SqliteCellCalls.Blob(stmt, ordinal);
        if (p is not null)
        {
            value = new ReadOnlySpan<byte>(p, SqliteCellCalls.Bytes(stmt, ordinal));
            return true;
        }
        value = default;
        return SqliteCellCalls.Type(stmt, ordinal) != raw.SQLITE_NULL;
    }

    /// <summary>Same native calls as text: for a BLOB, sqlite3_column_blob is the stored bytes.</summary>
    public bool TryGetBytes(int ordinal, out ReadOnlySpan<byte> value)
    {
        if (!TryGetUtf8(ordinal, out value)) return false;
        if (ordinal == 0 && ImagePrefix is { } prefix && !value.IsEmpty) value = prefix.Apply(value, ref _prefixed);
        return true;
    }

    private byte[]? _prefixed;

    /// <summary>For a statement that reads stored BINARY2 rows (column 0): what goes in front of their relative URL.</summary>
    public Binary2CellPrefix? ImagePrefix { get; set; }

    // A native pointer must never outlive its statement: reading a disposed reader fails as SQLitePCLRaw's would.
    private IntPtr Live => _stmt is null ? throw new ObjectDisposedException(nameof(RawSqliteReader)) : _handle;

    public override object GetValue(int ordinal) => raw.sqlite3_column_type(_stmt, ordinal) switch
    {
        raw.SQLITE_INTEGER => GetInt64(ordinal),
        raw.SQLITE_FLOAT => GetDouble(ordinal),
        raw.SQLITE_NULL => DBNull.Value,
        raw.SQLITE_BLOB => raw.sqlite3_column_blob(_stmt, ordinal).ToArray(),
        _ => GetString(ordinal),
    };

    public override int GetValues(object[] values)
    {
        int n = Math.Min(values.Length, FieldCount);
        for (int i = 0; i < n; i++) values[i] = GetValue(i);
        return n;
    }

    public override string GetName(int ordinal) => raw.sqlite3_column_name(_stmt, ordinal).utf8_to_string();
    public override int GetOrdinal(string name)
    {
        for (int i = 0; i < FieldCount; i++) if (string.Equals(GetName(i), name, StringComparison.OrdinalIgnoreCase)) return i;
        throw new IndexOutOfRangeException(name);
    }

    public override Type GetFieldType(int ordinal) => raw.sqlite3_column_type(_stmt, ordinal) switch
    {
        raw.SQLITE_INTEGER => typeof(long),
        raw.SQLITE_FLOAT => typeof(double),
        raw.SQLITE_BLOB => typeof(byte[]),
        _ => typeof(string),
    };

    public override string GetDataTypeName(int ordinal) => GetFieldType(ordinal).Name;
    public override object this[int ordinal] => GetValue(ordinal);
    public override object this[string name] => GetValue(GetOrdinal(name));
    public override DateTime GetDateTime(int ordinal) => DateTime.Parse(GetString(ordinal), System.Globalization.CultureInfo.InvariantCulture);
    public override Guid GetGuid(int ordinal) => Guid.Parse(GetString(ordinal));
    public override char GetChar(int ordinal) => GetString(ordinal)[0];
    public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length) => throw new NotSupportedException();
    public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length) => throw new NotSupportedException();
    public override IEnumerator GetEnumerator() => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        _stmt?.Dispose();
        _stmt = null;
        _owner?.Dispose();
        _owner = null;
        base.Dispose(disposing);
    }
}
