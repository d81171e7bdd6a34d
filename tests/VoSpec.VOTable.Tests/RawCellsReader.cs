using System.Collections;
using System.Data.Common;
using System.Text;

namespace VoSpec.VOTable.Tests;

/// <summary>
/// Any data reader with <see cref="IRawCells"/> added on top (from its own IsDBNull and typed getters), so the same rows
/// can be written through the raw BINARY2 path and through the cell API and the outputs compared.
/// </summary>
internal sealed class RawCellsReader(DbDataReader inner) : DbDataReader, IRawCells
{
    private byte[] _utf8 = new byte[64];

    /// <summary>Numeric cells read through IRawCells: only whole raw rows do that (the cell API asks for text alone).</summary>
    public long NumericCalls { get; private set; }

    public bool TryGetInt64(int ordinal, out long value)
    {
        NumericCalls++;
        value = inner.IsDBNull(ordinal) ? 0 : inner.GetInt64(ordinal);
        return !inner.IsDBNull(ordinal);
    }

    public bool TryGetDouble(int ordinal, out double value)
    {
        NumericCalls++;
        value = inner.IsDBNull(ordinal) ? 0 : inner.GetDouble(ordinal);
        return !inner.IsDBNull(ordinal);
    }

    public bool TryGetUtf8(int ordinal, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (inner.IsDBNull(ordinal)) return false;
        var s = inner.GetString(ordinal);
        int n = Encoding.UTF8.GetByteCount(s);
        if (_utf8.Length < n) _utf8 = new byte[n * 2];
        value = _utf8.AsSpan(0, Encoding.UTF8.GetBytes(s, _utf8));
        return true;
    }

    public bool TryGetBytes(int ordinal, out ReadOnlySpan<byte> value)
    {
        value = inner.IsDBNull(ordinal) ? default : (byte[])inner.GetValue(ordinal);
        return !inner.IsDBNull(ordinal);
    }

    public override bool Read() => inner.Read();
    public override Task<bool> ReadAsync(CancellationToken cancellationToken) => inner.ReadAsync(cancellationToken);
    public override int FieldCount => inner.FieldCount;
    public override bool HasRows => inner.HasRows;
    public override bool IsClosed => inner.IsClosed;
    public override int RecordsAffected => inner.RecordsAffected;
    public override int Depth => inner.Depth;
    public override bool NextResult() => inner.NextResult();
    public override bool IsDBNull(int ordinal) => inner.IsDBNull(ordinal);
    public override long GetInt64(int ordinal) => inner.GetInt64(ordinal);
    public override int GetInt32(int ordinal) => inner.GetInt32(ordinal);
    public override short GetInt16(int ordinal) => inner.GetInt16(ordinal);
    public override byte GetByte(int ordinal) => inner.GetByte(ordinal);
    public override bool GetBoolean(int ordinal) => inner.GetBoolean(ordinal);
    public override double GetDouble(int ordinal) => inner.GetDouble(ordinal);
    public override float GetFloat(int ordinal) => inner.GetFloat(ordinal);
    public override decimal GetDecimal(int ordinal) => inner.GetDecimal(ordinal);
    public override string GetString(int ordinal) => inner.GetString(ordinal);
    public override object GetValue(int ordinal) => inner.GetValue(ordinal);
    public override int GetValues(object[] values) => inner.GetValues(values);
    public override string GetName(int ordinal) => inner.GetName(ordinal);
    public override int GetOrdinal(string name) => inner.GetOrdinal(name);
    public override Type GetFieldType(int ordinal) => inner.GetFieldType(ordinal);
    public override string GetDataTypeName(int ordinal) => inner.GetDataTypeName(ordinal);
    public override object this[int ordinal] => inner[ordinal];
    public override object this[string name] => inner[name];
    public override DateTime GetDateTime(int ordinal) => inner.GetDateTime(ordinal);
    public override Guid GetGuid(int ordinal) => inner.GetGuid(ordinal);
    public override char GetChar(int ordinal) => inner.GetChar(ordinal);
    public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length) => inner.GetBytes(ordinal, dataOffset, buffer, bufferOffset, length);
    public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length) => inner.GetChars(ordinal, dataOffset, buffer, bufferOffset, length);
    public override IEnumerator GetEnumerator() => inner.GetEnumerator();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
