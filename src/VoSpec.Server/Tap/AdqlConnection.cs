using Microsoft.Data.Sqlite;
using VoSpec.Adql.Translator;
using VoSpec.Archive;

namespace VoSpec.Server.Tap;

/// <summary>
/// A read-only catalogue connection with the ADQL functions registered, kept by the archive between queries
/// (<see cref="SpectrumArchive.Rent{T}"/>): registering the ~50 functions cost ~120 µs a query, and Microsoft.Data.Sqlite
/// drops them when a connection object closes, even though its native handle goes back to the pool.
/// </summary>
public sealed class AdqlConnection : IDisposable
{
    private AdqlConnection(SpectrumArchive archive)
    {
        Connection = archive.OpenConnection();
        try
        {
            SqliteAdqlFunctions.Register(Connection);
            Budget.Install(Connection.Handle!);
        }
        catch { Connection.Dispose(); throw; }
    }

    public SqliteConnection Connection { get; }

    /// <summary>The database-time budget of the query running on this connection (none between queries).</summary>
    public QueryBudget Budget { get; } = new();

    /// <summary>A kept connection, or a new one.</summary>
    public static AdqlConnection Rent(SpectrumArchive archive) => archive.Rent(static a => new AdqlConnection(a));

    /// <summary>
    /// Hands the connection back for the next query once its statements are finished; after a failure, or with a
    /// transaction still open, it is closed instead (nothing of one query may reach the next).
    /// </summary>
    public void Return(SpectrumArchive archive, bool clean)
    {
        Budget.Stop();
        if (clean && SQLitePCL.raw.sqlite3_get_autocommit(Connection.Handle) != 0) archive.Return(this);
        else Dispose();
    }

    public void Dispose() => Connection.Dispose();
}
