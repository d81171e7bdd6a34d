using Microsoft.Data.Sqlite;
using VoSpec.Archive.Queries;

namespace VoSpec.Archive.Sqlite;

/// <summary>SQLite's result codes (sqlite3.h) sorted into the <see cref="CatalogueFaultKind"/>s the server answers with.</summary>
internal static class SqliteFaults
{
    private const int ReadOnly = 8, Interrupt = 9, IoErr = 10, Corrupt = 11, Full = 13, CantOpen = 14, NotADb = 26;

    public static CatalogueFault Describe(SqliteException s)
    {
        var kind = s.SqliteErrorCode switch
        {
            Interrupt => CatalogueFaultKind.Interrupted,
            Full => CatalogueFaultKind.Full,
            ReadOnly or CantOpen => CatalogueFaultKind.ReadOnly,
            // SQLITE_IOERR_WRITE, _FSYNC, _TRUNCATE...: a write that the disk refused (full, or gone read-only).
            IoErr when (s.SqliteExtendedErrorCode >> 8) is 3 or 4 or 5 or 6 => CatalogueFaultKind.Full,
            Corrupt or NotADb => CatalogueFaultKind.Damaged,
            _ => CatalogueFaultKind.Failed,
        };
        return new CatalogueFault(kind, s.Message, s.Message.Replace("SQLite Error " + s.SqliteErrorCode + ": ", ""));
    }
}
