using Npgsql;
using VoSpec.Archive.Queries;

namespace VoSpec.Archive.Postgres;

/// <summary>PostgreSQL's SQLSTATE classes (and Npgsql's lost connections) sorted into the <see cref="CatalogueFaultKind"/>s the server answers with.</summary>
internal static class PostgresFaults
{
    public static CatalogueFault Describe(NpgsqlException e)
    {
        if (e is not PostgresException p)
            // No answer from the server at all: a connection refused, lost or timed out.
            return new CatalogueFault(CatalogueFaultKind.Unavailable, e.Message, "the catalogue database cannot be reached");
        var kind = p.SqlState switch
        {
            PostgresErrorCodes.QueryCanceled => CatalogueFaultKind.Interrupted,
            PostgresErrorCodes.DiskFull => CatalogueFaultKind.Full,
            PostgresErrorCodes.ReadOnlySqlTransaction => CatalogueFaultKind.ReadOnly,
            PostgresErrorCodes.DataCorrupted or PostgresErrorCodes.IndexCorrupted => CatalogueFaultKind.Damaged,
            // Class 08 (connection), 57P01–57P03 (shutdown, crash, cannot connect now), 53300 (too many connections).
            var s when s.StartsWith("08", StringComparison.Ordinal) || s is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
                or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections => CatalogueFaultKind.Unavailable,
            _ => CatalogueFaultKind.Failed,
        };
        return new CatalogueFault(kind, p.Message, p.MessageText);
    }
}
