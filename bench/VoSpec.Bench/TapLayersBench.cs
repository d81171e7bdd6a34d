using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using SQLitePCL;
using VoSpec.Adql.Db;
using VoSpec.Adql.Translator;
using VoSpec.Archive;
using VoSpec.Archive.Sqlite;
using VoSpec.Server.Tap;
using VoSpec.VOTable;

namespace VoSpec.Bench;

/// <summary>
/// Where the time of a full-table BINARY2 stream goes, in-process, one layer added at a time: stepping SQLite only;
/// also fetching every cell (through SQLitePCLRaw's wrappers, as before, and through the raw reader TAP uses); the
/// whole VOTable writer into a counting stream; and base64 alone over as many bytes. No HTTP: the difference to
/// tap-stream is Kestrel, loopback TCP and the client. --writer-only runs the writer alone, for a profiler.
/// </summary>
internal static class TapLayersBench
{
    public static void Run(Options o)
    {
        var dir = Path.GetFullPath(o.Str("archive", "/tmp/bench/obscore1m"));
        var adql = o.Str("query", "SELECT * FROM ivoa.obscore");
        int rounds = o.Int("rounds", 2);
        using var archive = SpectrumArchive.Open(dir);
        var t = SqliteTranslator.Translate(adql, TableMetadata.Published);
        Console.WriteLine("SQL: " + t.Sql);
        using (var c = archive.Sqlite.OpenConnection())
            Console.WriteLine($"threadsafe={raw.sqlite3_threadsafe()} db mutex={(DbMutex(c.Handle!.DangerousGetHandle()) == 0 ? "none" : "yes")}");
        var fields = TapQueryRunner.Fields(t.Columns);
        bool writerOnly = o.Str("writer-only", "") == "true";
        for (int r = 0; r < rounds; r++)
        {
            if (!writerOnly)
            {
                Report("step only", StepOnly(archive, t.Sql));
                Report("step + fetch every cell (SQLitePCLRaw calls)", StepAndFetchWrapped(archive, t.Sql, fields));
                Report("step + fetch every cell", StepAndFetch(archive, t.Sql, fields));
            }
            Report("VOTable writer (BINARY2) to a null stream", Writer(archive, t.Sql, fields, out long bytes));
            if (!writerOnly) Report($"base64 alone ({bytes * 3 / 4 / 1e6:0} MB in 48 KiB blocks)", Base64Only(bytes * 3 / 4));
        }
    }

    private static void Report(string what, (long Rows, double Seconds) r) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {what,-45} {r.Rows,9} rows {r.Seconds,6:0.000} s  {r.Seconds / r.Rows * 1e9,7:0} ns/row  {r.Rows / r.Seconds,10:N0} rows/s"));

    private static (long, double) StepOnly(SpectrumArchive archive, string sql)
    {
        using var conn = archive.Sqlite.OpenConnection();
        raw.sqlite3_prepare_v2(conn.Handle, sql, out var stmt);
        using (stmt)
        {
            var sw = Stopwatch.StartNew();
            long n = 0;
            while (raw.sqlite3_step(stmt) == raw.SQLITE_ROW) n++;
            return (n, sw.Elapsed.TotalSeconds);
        }
    }

    private static (long, double) StepAndFetch(SpectrumArchive archive, string sql, IReadOnlyList<VOTableField> fields)
    {
        using var conn = archive.Sqlite.OpenConnection();
        using var reader = RawSqliteReader.Open(conn, sql);
        var kinds = Kinds(fields);
        var sw = Stopwatch.StartNew();
        long n = 0, sink = 0;
        while (reader.Read())
        {
            for (int i = 0; i < kinds.Length; i++)
            {
                switch (kinds[i])
                {
                    case 0: if (reader.TryGetInt64(i, out long l)) sink += l; break;
                    case 1: if (reader.TryGetDouble(i, out double d)) sink += (long)d; break;
                    default: if (reader.TryGetUtf8(i, out var t)) sink += t.Length; break;
                }
            }
            n++;
        }
        GC.KeepAlive(sink);
        return (n, sw.Elapsed.TotalSeconds);
    }

    /// <summary>The same cells through SQLitePCLRaw's wrappers (type, then the typed getter), as TAP read them before.</summary>
    private static (long, double) StepAndFetchWrapped(SpectrumArchive archive, string sql, IReadOnlyList<VOTableField> fields)
    {
        using var conn = archive.Sqlite.OpenConnection();
        raw.sqlite3_prepare_v2(conn.Handle, sql, out var stmt);
        using (stmt)
        {
            var kinds = Kinds(fields);
            var sw = Stopwatch.StartNew();
            long n = 0, sink = 0;
            while (raw.sqlite3_step(stmt) == raw.SQLITE_ROW)
            {
                for (int i = 0; i < kinds.Length; i++)
                {
                    if (raw.sqlite3_column_type(stmt, i) == raw.SQLITE_NULL) continue;
                    switch (kinds[i])
                    {
                        case 0: sink += raw.sqlite3_column_int64(stmt, i); break;
                        case 1: sink += (long)raw.sqlite3_column_double(stmt, i); break;
                        default: sink += raw.sqlite3_column_blob(stmt, i).Length; break;
                    }
                }
                n++;
            }
            GC.KeepAlive(sink);
            return (n, sw.Elapsed.TotalSeconds);
        }
    }

    private static int[] Kinds(IReadOnlyList<VOTableField> fields) =>
        fields.Select(f => f.Datatype switch { "double" or "float" => 1, "char" or "unicodeChar" => 2, _ => 0 }).ToArray();

    private static (long, double) Writer(SpectrumArchive archive, string sql, IReadOnlyList<VOTableField> fields, out long bytes)
    {
        using var conn = archive.Sqlite.OpenConnection();
        using var reader = RawSqliteReader.Open(conn, sql);
        var output = new CountingStream();
        var sw = Stopwatch.StartNew();
        using (var w = new VOTableWriter(output, leaveOpen: true))
        {
            w.BeginDocument();
            w.BeginResource();
            w.WriteCooSys(TapQueryRunner.CooSysId, "ICRS");
            var r = w.WriteTableAsync(reader, fields, Serialization.Binary2, long.MaxValue).GetAwaiter().GetResult();
            w.EndResource();
            w.EndDocument();
            w.Flush();
            bytes = output.Count;
            return (r.RowsWritten, sw.Elapsed.TotalSeconds);
        }
    }

    private static (long, double) Base64Only(long rawBytes)
    {
        var block = new byte[3 * 16384];
        Random.Shared.NextBytes(block);
        var dest = new byte[Base64.GetMaxEncodedToUtf8Length(block.Length)];
        long blocks = rawBytes / block.Length;
        var sw = Stopwatch.StartNew();
        for (long i = 0; i < blocks; i++) Base64.EncodeToUtf8(block, dest, out _, out _);
        return (1_000_000, sw.Elapsed.TotalSeconds);
    }

    [System.Runtime.InteropServices.DllImport("e_sqlite3", EntryPoint = "sqlite3_db_mutex")]
    private static extern IntPtr DbMutex(IntPtr db);

    private sealed class CountingStream : Stream
    {
        public long Count;
        public override void Write(byte[] buffer, int offset, int count) => Count += count;
        public override void Write(ReadOnlySpan<byte> buffer) => Count += buffer.Length;
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default) { Count += buffer.Length; return ValueTask.CompletedTask; }
        public override void Flush() { }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Count;
        public override long Position { get => Count; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
