using System.Collections;
using System.Data.Common;
using Npgsql;

namespace VoSpec.Archive.Postgres;

/// <summary>
/// A data reader whose first row was read ahead (<see cref="ReadFirst"/>), so that a query's errors come before any
/// response is written; the first <see cref="Read"/> then returns that row. A statement stopped by its
/// statement_timeout becomes the budget's own error, naming the setting. Everything else is the inner reader's.
/// </summary>
internal class FirstRowRead(NpgsqlDataReader inner, Func<Exception> budgetError, Func<bool> timeoutIsBudget) : DbDataReader
{
    /// <summary>The reader underneath.</summary>
    protected NpgsqlDataReader Inner => inner;

    private int _state; // 0 not read ahead, 1 first row read ahead and not yet handed out, 2 streaming

    private bool _first;

    public void ReadFirst()
    {
        try { _first = inner.Read(); }
        catch (PostgresException e) when (IsBudget(e)) { throw budgetError(); }
        _state = 1;
    }

    private bool IsBudget(PostgresException e) => e.SqlState == PostgresErrorCodes.QueryCanceled && timeoutIsBudget();

    public override bool Read()
    {
        if (_state == 1) { _state = 2; return _first; }
        try { return inner.Read(); }
        catch (PostgresException e) when (IsBudget(e)) { throw budgetError(); }
    }

    public override Task<bool> ReadAsync(CancellationToken cancellationToken) => Task.FromResult(Read());

    public override object this[int ordinal] => inner[ordinal];
    public override object this[string name] => inner[name];
    public override int Depth => inner.Depth;
    public override int FieldCount => inner.FieldCount;
    public override bool HasRows => inner.HasRows;
    public override bool IsClosed => inner.IsClosed;
    public override int RecordsAffected => inner.RecordsAffected;
    public override bool GetBoolean(int ordinal) => inner.GetBoolean(ordinal);
    public override byte GetByte(int ordinal) => inner.GetByte(ordinal);
    public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length) => inner.GetBytes(ordinal, dataOffset, buffer, bufferOffset, length);
    public override char GetChar(int ordinal) => inner.GetChar(ordinal);
    public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length) => inner.GetChars(ordinal, dataOffset, buffer, bufferOffset, length);
    public override string GetDataTypeName(int ordinal) => inner.GetDataTypeName(ordinal);
    public override DateTime GetDateTime(int ordinal) => inner.GetDateTime(ordinal);
    public override decimal GetDecimal(int ordinal) => inner.GetDecimal(ordinal);
    public override double GetDouble(int ordinal) => inner.GetDouble(ordinal);
    public override IEnumerator GetEnumerator() => inner.GetEnumerator();
    public override Type GetFieldType(int ordinal) => inner.GetFieldType(ordinal);
    public override float GetFloat(int ordinal) => inner.GetFloat(ordinal);
    public override Guid GetGuid(int ordinal) => inner.GetGuid(ordinal);
    public override short GetInt16(int ordinal) => inner.GetInt16(ordinal);
    public override int GetInt32(int ordinal) => inner.GetInt32(ordinal);
    public override long GetInt64(int ordinal) => inner.GetInt64(ordinal);
    public override string GetName(int ordinal) => inner.GetName(ordinal);
    public override int GetOrdinal(string name) => inner.GetOrdinal(name);
    public override string GetString(int ordinal) => inner.GetString(ordinal);
    public override object GetValue(int ordinal) => inner.GetValue(ordinal);
    public override int GetValues(object[] values) => inner.GetValues(values);
    public override bool IsDBNull(int ordinal) => inner.IsDBNull(ordinal);
    public override T GetFieldValue<T>(int ordinal) => inner.GetFieldValue<T>(ordinal);
    public override bool NextResult() => inner.NextResult();
    public override void Close() => inner.Close();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }
}
