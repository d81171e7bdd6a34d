using SQLitePCL;

namespace VoSpec.Archive.Sqlite;

/// <summary>
/// Puts SQLite in multi-thread mode before its first connection opens: no connection here is ever used by two
/// threads at once (Microsoft.Data.Sqlite connections are single-threaded, pooled ones are handed over whole), so
/// serialized mode's mutex around every API call buys nothing, and wide TAP results make dozens of such calls a row.
/// sqlite3_interrupt, the only cross-thread call we make, is safe in either mode.
/// </summary>
public static class SqliteThreading
{
    private static readonly object s_lock = new();
    private static bool s_done;

    /// <summary>True if multi-thread mode is in force; false if SQLite was already initialised (then it stays serialized, which is only slower).</summary>
    public static bool MultiThread { get; private set; }

    public static void Configure()
    {
        lock (s_lock)
        {
            if (s_done) return;
            s_done = true;
            Batteries_V2.Init();
            MultiThread = raw.sqlite3_config(raw.SQLITE_CONFIG_MULTITHREAD) == raw.SQLITE_OK;
        }
    }
}
