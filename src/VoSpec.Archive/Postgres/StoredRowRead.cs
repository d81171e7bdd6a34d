using Npgsql;
using VoSpec.VOTable;

namespace VoSpec.Archive.Postgres;

/// <summary>
/// The reader of a query that returns ObsCore's stored BINARY2 rows (<see cref="PostgresRowImages"/>: one bytea cell a
/// row): as <see cref="IRawCells"/> it hands each row's bytes to the VOTable writer (or OData) without allocating, copied
/// into a reused buffer, with the public URL put in front of access_url. Only for such results: a plain result's cells
/// go through the data reader's own getters.
/// </summary>
internal sealed class StoredRowRead(NpgsqlDataReader inner, Func<Exception> budgetError, Func<bool> timeoutIsBudget, Binary2CellPrefix? prefix)
    : FirstRowRead(inner, budgetError, timeoutIsBudget), IRawCells
{
    private byte[] _bytes = new byte[1024];
    private byte[]? _prefixed;

    public bool TryGetBytes(int ordinal, out ReadOnlySpan<byte> value)
    {
        if (Inner.IsDBNull(ordinal)) { value = default; return false; }
        int length = checked((int)Inner.GetBytes(ordinal, 0, null, 0, 0));
        if (_bytes.Length < length) _bytes = new byte[length * 2];
        Inner.GetBytes(ordinal, 0, _bytes, 0, length);
        value = _bytes.AsSpan(0, length);
        if (ordinal == 0 && prefix is not null && !value.IsEmpty) value = prefix.Apply(value, ref _prefixed);
        return true;
    }

    public bool TryGetInt64(int ordinal, out long value) => throw NotStored();
    public bool TryGetDouble(int ordinal, out double value) => throw NotStored();
    public bool TryGetUtf8(int ordinal, out ReadOnlySpan<byte> value) => throw NotStored();

    private static NotSupportedException NotStored() => new("a result of stored BINARY2 rows has one cell a row: its bytes");
}
