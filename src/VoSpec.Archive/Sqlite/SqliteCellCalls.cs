using System.Runtime.InteropServices;

namespace VoSpec.Archive.Sqlite;

/// <summary>
/// SQLite's row calls made directly on the statement pointer. SQLitePCLRaw's wrappers (an interface call, a
/// SafeHandle add-ref/release and span building per call) add ~35 ns a cell (1.4 µs on a 39-column row);
/// the getters only read the current row, never block or call back, so they can skip the GC transition too.
/// Same native library as SQLitePCLRaw's bundle (e_sqlite3), so the same SQLite and the same connection state.
/// </summary>
internal static unsafe partial class SqliteCellCalls
{
    private const string Lib = "e_sqlite3";

    /// <summary>Steps the statement: may read pages, wait on a lock or run registered functions, so it keeps the GC transition.</summary>
    [LibraryImport(Lib, EntryPoint = "sqlite3_step")]
    public static partial int Step(IntPtr stmt);

    [LibraryImport(Lib, EntryPoint = "sqlite3_column_type"), SuppressGCTransition]
    public static partial int Type(IntPtr stmt, int i);

    [LibraryImport(Lib, EntryPoint = "sqlite3_column_int64"), SuppressGCTransition]
    public static partial long Int64(IntPtr stmt, int i);

    [LibraryImport(Lib, EntryPoint = "sqlite3_column_double"), SuppressGCTransition]
    public static partial double Double(IntPtr stmt, int i);

    /// <summary>For TEXT the stored UTF-8 as is (numbers are first converted to text); null for NULL and for empty values.</summary>
    [LibraryImport(Lib, EntryPoint = "sqlite3_column_blob"), SuppressGCTransition]
    public static partial byte* Blob(IntPtr stmt, int i);

    /// <summary>Call after <see cref="Blob"/>: the byte count of the form Blob returned.</summary>
    [LibraryImport(Lib, EntryPoint = "sqlite3_column_bytes"), SuppressGCTransition]
    public static partial int Bytes(IntPtr stmt, int i);
}
