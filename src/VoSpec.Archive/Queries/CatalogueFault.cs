using Microsoft.Data.Sqlite;
using VoSpec.Archive.Sqlite;

namespace VoSpec.Archive.Queries;

/// <summary>What kind of trouble the catalogue's database reported.</summary>
public enum CatalogueFaultKind
{
    /// <summary>The statement failed (a runtime error of the query itself: a bad cast, a function's error).</summary>
    Failed,
    /// <summary>The statement was interrupted: its time limit, its database-time budget or a client that went away.</summary>
    Interrupted,
    /// <summary>The disk is full (or a write the disk refused).</summary>
    Full,
    /// <summary>The database cannot be written or opened (a read-only medium, permissions).</summary>
    ReadOnly,
    /// <summary>A damaged page or a file that is not a database.</summary>
    Damaged,
    /// <summary>The database cannot be reached (a lost connection, a server restarting): try again later (503).</summary>
    Unavailable,
}

/// <summary>
/// A database error of the catalogue, in terms the protocols answer with, whatever the backend: the server tells a
/// user's failed query from a full disk or a damaged file through this, and never names a driver's exception type.
/// </summary>
/// <param name="Message">The database's own message (for logs and for "the query failed in the database: ...").</param>
/// <param name="Detail">The message without the driver's prefix ("SQLite Error 1: ").</param>
public sealed record CatalogueFault(CatalogueFaultKind Kind, string Message, string Detail)
{
    /// <summary>The fault <paramref name="e"/> itself reports (not its inner exceptions); null when it is no database error.</summary>
    public static CatalogueFault? Of(Exception e) => e switch
    {
        SqliteException s => SqliteFaults.Describe(s),
        Npgsql.NpgsqlException n => Postgres.PostgresFaults.Describe(n),
        _ => null,
    };
}
