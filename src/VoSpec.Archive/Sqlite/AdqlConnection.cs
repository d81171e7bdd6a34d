using Microsoft.Data.Sqlite;
using SQLitePCL;
using VoSpec.Adql.Translator;
using VoSpec.Archive;
using VoSpec.Core.Schema;

namespace VoSpec.Archive.Sqlite;

/// <summary>
/// A read-only catalogue connection with the ADQL functions registered, kept by the archive between queries
/// (<see cref="SpectrumArchive.Rent{T}"/>): registering the ~50 functions cost ~120 µs a query, and Microsoft.Data.Sqlite
/// drops them when a connection object closes, even though its native handle goes back to the pool.
/// While <see cref="Guard"/> is on (from the prepare of a translated query until it is finished), SQLite's authorizer
/// is a second wall behind the translator: it refuses, at prepare time, every statement but a SELECT that reads the
/// declared tables (and this query's own uploads) and calls functions — no write, ATTACH, PRAGMA, DDL, transaction
/// or read of the catalogue's internal tables, whatever SQL reaches the connection.
/// </summary>
internal sealed class AdqlConnection : IDisposable
{
    // sqlite3.h action codes.
    private const int Delete = 9, Insert = 18, Update = 23, Read = 20, Select = 21, Function = 31, Recursive = 33;

    /// <summary>The SQL names of the tables ADQL may read (the published schemas: ObsCore, spec.specobj, TAP_SCHEMA...).</summary>
    private static readonly HashSet<string> s_declared = new(SchemaCatalog.Published.Select(t => t.SqlName), StringComparer.OrdinalIgnoreCase);

    /// <summary>The stored BINARY2 rows of published tables (<see cref="RowImages"/>), which the translator reads in their place.</summary>
    private static readonly HashSet<string> s_stored = new(RowImages.Tables.Select(t => t.StoreTable), StringComparer.OrdinalIgnoreCase);

    /// <summary>Built-in functions no query needs and that could reach outside the database.</summary>
    private static readonly HashSet<string> s_refusedFunctions = new(StringComparer.OrdinalIgnoreCase)
    {
        "load_extension", "fts3_tokenizer", "readfile", "writefile", "edit", "sqlite_compileoption_get", "sqlite_compileoption_used",
    };

    private volatile bool _guarded;
    private volatile HashSet<string> _uploads = new(StringComparer.OrdinalIgnoreCase);

    private AdqlConnection(SpectrumArchive archive)
    {
        Connection = archive.Sqlite.OpenConnection();
        try
        {
            SqliteAdqlFunctions.Register(Connection);
            Budget.Install(Connection.Handle!);
            int rc = raw.sqlite3_set_authorizer(Connection.Handle, (strdelegate_authorizer)Authorize, null);
            if (rc != raw.SQLITE_OK) throw new InvalidOperationException($"cannot set the SQLite authorizer: error {rc}");
        }
        catch { Connection.Dispose(); throw; }
    }

    public SqliteConnection Connection { get; }

    /// <summary>The database-time budget of the query running on this connection (none between queries).</summary>
    public QueryBudget Budget { get; } = new();

    /// <summary>A kept connection, or a new one.</summary>
    public static AdqlConnection Rent(SpectrumArchive archive) => archive.Rent(static a => new AdqlConnection(a));

    /// <summary>
    /// From now on statements prepared on this connection may only read the declared tables and
    /// <paramref name="uploadTables"/> (SQL names of this query's TEMP upload tables). Call before preparing user SQL.
    /// </summary>
    public void Guard(IEnumerable<string>? uploadTables = null)
    {
        _uploads = new HashSet<string>(uploadTables ?? [], StringComparer.OrdinalIgnoreCase);
        _guarded = true;
    }

    /// <summary>Lifts the guard (for the server's own statements: creating and dropping uploads).</summary>
    public void Unguard() => _guarded = false;

    private int Authorize(object userData, int action, string table, string column, string database, string triggerOrView)
    {
        if (!_guarded) return raw.SQLITE_OK;
        switch (action)
        {
            case Select:
            case Recursive:
                return raw.SQLITE_OK;
            case Read:
                // Columns of a declared table, of a declared view's own tables, or of this query's uploads.
                return IsReadable(table, database) || (!string.IsNullOrEmpty(triggerOrView) && s_declared.Contains(triggerOrView))
                    ? raw.SQLITE_OK : raw.SQLITE_DENY;
            case Function:
                return s_refusedFunctions.Contains(column ?? "") ? raw.SQLITE_DENY : raw.SQLITE_OK;
            case Insert or Update or Delete when table is not null && IsSpatialIndex(table) && !table.Equals(SpatialIndexTable.IndexTable, StringComparison.OrdinalIgnoreCase):
                // The R*Tree module prepares its own maintenance statements on its shadow tables when it opens; on this
                // read-only connection (SQLITE_OPEN_READONLY) they could never write.
                return raw.SQLITE_OK;
            default:
                return raw.SQLITE_DENY;
        }
    }

    private bool IsReadable(string? table, string? database)
    {
        if (string.IsNullOrEmpty(table)) return false;
        bool main = s_declared.Contains(table) || s_stored.Contains(table) || IsSpatialIndex(table), upload = _uploads.Contains(table);
        // SQLite names no database for some reads (count(*) of a whole table).
        if (string.IsNullOrEmpty(database)) return main || upload;
        return database.Equals("temp", StringComparison.OrdinalIgnoreCase) ? upload : database.Equals("main", StringComparison.OrdinalIgnoreCase) && main;
    }

    /// <summary>The R*Tree the translator uses for cone and polygon conditions, and its shadow tables (read by the R*Tree module).</summary>
    private static bool IsSpatialIndex(string table) =>
        table.Equals(SpatialIndexTable.IndexTable, StringComparison.OrdinalIgnoreCase)
        || (table.StartsWith(SpatialIndexTable.IndexTable + "_", StringComparison.OrdinalIgnoreCase) && table.Length > SpatialIndexTable.IndexTable.Length + 1);

    /// <summary>
    /// Hands the connection back for the next query once its statements are finished; after a failure, or with a
    /// transaction still open, it is closed instead (nothing of one query may reach the next).
    /// </summary>
    public void Return(SpectrumArchive archive, bool clean)
    {
        Budget.Stop();
        Unguard();
        if (clean && raw.sqlite3_get_autocommit(Connection.Handle) != 0) archive.Return(this);
        else Dispose();
    }

    public void Dispose()
    {
        // The native handle goes back to Microsoft.Data.Sqlite's pool for other readers: without our authorizer and budget.
        Unguard();
        Budget.Stop();
        try
        {
            raw.sqlite3_set_authorizer(Connection.Handle, (strdelegate_authorizer?)null!, null);
            raw.sqlite3_progress_handler(Connection.Handle, 0, null, null);
        }
        catch (Exception e) when (e is ObjectDisposedException or NullReferenceException) { }
        Connection.Dispose();
    }
}
