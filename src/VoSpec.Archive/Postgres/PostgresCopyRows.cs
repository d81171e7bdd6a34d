using System.Buffers.Binary;
using System.Text;
using Npgsql;
using VoSpec.Core.Schema;

namespace VoSpec.Archive.Postgres;

/// <summary>
/// Rows into one table by binary COPY, encoded here into a reused buffer and sent through Npgsql's raw COPY stream (or
/// into memory only, for a batch encoded ahead on another core and sent later, <see cref="PostgresBatchRows"/>):
/// a bulk load's cells (tens of millions) without a boxed value or a converter look-up each, which Npgsql's
/// <see cref="NpgsqlBinaryImporter"/> costs per cell. The values are those <see cref="PostgresValues.As"/> gives (a
/// NaN double as NULL, a bool as 0 or 1, a number into its column's width); the common pairings are encoded directly,
/// any other through <see cref="PostgresValues.As"/> itself. Format: PostgreSQL's "Binary Format" of COPY (a
/// signature, each row as its field count and length-prefixed big-endian fields, -1 at the end).
/// </summary>
internal sealed class PostgresCopyRows : IDisposable
{
    // "PGCOPY\n", 0xFF, "\r\n", 0x00.
    private static readonly byte[] Signature = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0];
    private readonly NpgsqlRawCopyStream? _stream;
    private byte[] _buffer = new byte[1 << 16];
    private int _pos;
    private bool _done;

    /// <summary>Starts <c>COPY table(columns) FROM STDIN (FORMAT BINARY)</c> on the connection (inside its transaction, if any).</summary>
    public PostgresCopyRows(NpgsqlConnection conn, string table, IEnumerable<string> columns)
    {
        _stream = conn.BeginRawBinaryCopy($"COPY {PostgresDdl.Quote(table)}({string.Join(", ", columns.Select(PostgresDdl.Quote))}) FROM STDIN (FORMAT BINARY)");
        Signature.CopyTo(_buffer, 0);
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(11), 0); // flags
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(15), 0); // header extension length
        _pos = 19;
    }

    /// <summary>
    /// A table's rows in schema order (<paramref name="skip"/>: leading slots of each row that are not columns); with
    /// <paramref name="storedRow"/>, slot 0 of each row (its stored BINARY2 bytes, <see cref="PostgresRowImages"/>) into that column too.
    /// </summary>
    public static void Write(NpgsqlConnection conn, TableSchema table, IEnumerable<object?[]> rows, int skip, string? storedRow = null)
    {
        var columns = table.Columns;
        var kinds = columns.Select(PostgresValues.DbType).ToArray();
        var names = columns.Select(c => c.Name);
        using var copy = new PostgresCopyRows(conn, table.SqlName, storedRow is null ? names : names.Append(storedRow));
        int fields = columns.Count + (storedRow is null ? 0 : 1);
        foreach (var row in rows)
        {
            copy.StartRow(fields);
            for (int i = 0; i < columns.Count; i++) copy.Value(columns[i], kinds[i], row[i + skip]);
            if (storedRow is not null)
            {
                if (row[0] is byte[] b) copy.Bytes(b);
                else copy.Null();
            }
        }
        copy.Complete();
    }

    /// <summary>
    /// Rows encoded into memory only, without a COPY (no header, no trailer): a batch's rows made on another core ahead
    /// of their COPY (<see cref="PostgresBatchRows"/>), sent later with <see cref="Raw"/>. The buffer grows as needed.
    /// </summary>
    public PostgresCopyRows(int capacity)
    {
        _buffer = new byte[capacity];
        _done = true;
    }

    /// <summary>How many bytes the rows encoded into memory take (<see cref="PostgresCopyRows(int)"/>).</summary>
    public int Position => _pos;

    /// <summary>The rows encoded into memory (valid until the next write).</summary>
    public Span<byte> Written => _buffer.AsSpan(0, _pos);

    /// <summary>Rows already encoded (by <see cref="PostgresCopyRows(int)"/>), sent as they are.</summary>
    public void Raw(ReadOnlySpan<byte> rows)
    {
        if (_pos + rows.Length > _buffer.Length) Flush();
        if (rows.Length >= _buffer.Length) { _stream!.Write(rows); return; }
        rows.CopyTo(_buffer.AsSpan(_pos));
        _pos += rows.Length;
    }

    /// <summary>A bytea value.</summary>
    public void Bytes(ReadOnlySpan<byte> v)
    {
        Room(4 + v.Length);
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_pos), v.Length);
        v.CopyTo(_buffer.AsSpan(_pos + 4));
        _pos += 4 + v.Length;
    }

    public void StartRow(int fields)
    {
        Room(2);
        BinaryPrimitives.WriteInt16BigEndian(_buffer.AsSpan(_pos), (short)fields);
        _pos += 2;
    }

    public void Null()
    {
        Room(4);
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_pos), -1);
        _pos += 4;
    }

    public void Int16(short v)
    {
        Room(6);
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_pos), 2);
        BinaryPrimitives.WriteInt16BigEndian(_buffer.AsSpan(_pos + 4), v);
        _pos += 6;
    }

    public void Int32(int v)
    {
        Room(8);
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_pos), 4);
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_pos + 4), v);
        _pos += 8;
    }

    public void Int64(long v)
    {
        Room(12);
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_pos), 8);
        BinaryPrimitives.WriteInt64BigEndian(_buffer.AsSpan(_pos + 4), v);
        _pos += 12;
    }

    public void Single(float v)
    {
        Room(8);
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_pos), 4);
        BinaryPrimitives.WriteSingleBigEndian(_buffer.AsSpan(_pos + 4), v);
        _pos += 8;
    }

    /// <summary>A double precision value; NaN as NULL (<see cref="PostgresValues.As"/>).</summary>
    public void Double(double v)
    {
        if (double.IsNaN(v)) { Null(); return; }
        Room(12);
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_pos), 8);
        BinaryPrimitives.WriteDoubleBigEndian(_buffer.AsSpan(_pos + 4), v);
        _pos += 12;
    }

    public void Text(string? v)
    {
        if (v is null) { Null(); return; }
        Room(4 + Encoding.UTF8.GetMaxByteCount(v.Length));
        int n = Encoding.UTF8.GetBytes(v, _buffer.AsSpan(_pos + 4));
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_pos), n);
        _pos += 4 + n;
    }

    /// <summary>
    /// One cell of a column whose PostgreSQL type is <paramref name="kind"/> (<see cref="PostgresValues.DbType"/>, resolved
    /// once per column, not per cell).
    /// </summary>
    public void Value(ColumnSchema column, NpgsqlTypes.NpgsqlDbType kind, object? v)
    {
        switch (kind, v)
        {
            case (_, null or DBNull): Null(); return;
            case (NpgsqlTypes.NpgsqlDbType.Bigint, long l): Int64(l); return;
            case (NpgsqlTypes.NpgsqlDbType.Bigint, int i): Int64(i); return;
            case (NpgsqlTypes.NpgsqlDbType.Integer, int i): Int32(i); return;
            case (NpgsqlTypes.NpgsqlDbType.Double, double d): Double(d); return;
            case (NpgsqlTypes.NpgsqlDbType.Double, float f): Double(f); return;
            case (NpgsqlTypes.NpgsqlDbType.Real, float f): Single(f); return;
            case (NpgsqlTypes.NpgsqlDbType.Text, string t): Text(t); return;
        }
        switch (PostgresValues.As(column, v))
        {
            case null: Null(); break;
            case short x: Int16(x); break;
            case int x: Int32(x); break;
            case long x: Int64(x); break;
            case float x: Single(x); break;
            case double x: Double(x); break;
            case var x: Text((string)x); break;
        }
    }

    /// <summary>Forgets the rows encoded into memory (<see cref="PostgresCopyRows(int)"/>), keeping the buffer.</summary>
    public void Reset() => _pos = 0;

    /// <summary>Ends the COPY: the server has every row once this returns.</summary>
    public void Complete()
    {
        Room(2);
        BinaryPrimitives.WriteInt16BigEndian(_buffer.AsSpan(_pos), -1);
        _pos += 2;
        Flush();
        _done = true;
        _stream!.Dispose();
    }

    private void Room(int bytes)
    {
        if (_pos + bytes <= _buffer.Length) return;
        if (_stream is null)
        {
            Array.Resize(ref _buffer, Math.Max(_pos + bytes, _buffer.Length * 2));
            return;
        }
        Flush();
        if (bytes > _buffer.Length) _buffer = new byte[Math.Max(bytes, _buffer.Length * 2)];
    }

    private void Flush()
    {
        _stream!.Write(_buffer, 0, _pos);
        _pos = 0;
    }

    /// <summary>Without <see cref="Complete"/> (an exception part-way), the COPY is cancelled: none of its rows are kept.</summary>
    public void Dispose()
    {
        if (_done) return;
        _done = true;
        // A broken connection fails both; the caller's own exception is the one that matters.
        try { _stream!.Cancel(); _stream.Dispose(); } catch (NpgsqlException) { } catch (InvalidOperationException) { } catch (IOException) { }
    }
}
