using System.Data.Common;
using VoSpec.Adql.Db;
using VoSpec.Adql.Feature;
using VoSpec.Adql.Query;
using VoSpec.Adql.Translator;
using VoSpec.VOTable;

namespace VoSpec.Archive.Queries;

/// <summary>A table a TAP request uploaded (read by the protocol), visible to its query as TAP_UPLOAD.name.</summary>
public sealed record UploadedTable(string Name, VOTableTable Table);

/// <summary>
/// One ADQL query to run: its text (or a tree built by the caller), the tables it may name, its uploads, the
/// collections the caller may not see, whether stored BINARY2 rows may answer it, and its database-time budget.
/// </summary>
public sealed record AdqlRequest
{
    public string? Text { get; init; }
    public SelectStatement? Statement { get; init; }
    public TableMetadata Metadata { get; init; } = TableMetadata.Published;
    /// <summary>The optional ADQL features the service offers: the instance its capabilities declare.</summary>
    public LanguageFeatureSet Features { get; init; } = AdqlFeatures.All;
    public IReadOnlyList<UploadedTable> Uploads { get; init; } = [];
    /// <summary>Collections whose rows are left out of every table that carries a collection, in the SQL itself.</summary>
    public IReadOnlyList<string> Hidden { get; init; } = [];
    /// <summary>The result goes out as BINARY2: a table's stored row bytes may be copied when its FIELDs match.</summary>
    public bool StoredRows { get; init; }
    /// <summary>Seconds of database time for the statement (0: none), and the setting that gave them (named in the error).</summary>
    public double BudgetSeconds { get; init; }
    public string BudgetOption { get; init; } = "";
}

/// <summary>A query ready to stream: the first row has been read, so its errors are known. Dispose it.</summary>
public interface IAdqlExecution : IAsyncDisposable
{
    /// <summary>Forward-only rows; it implements <see cref="IRawCells"/> where the backend can hand out raw cells.</summary>
    DbDataReader Reader { get; }
    IReadOnlyList<OutputColumn> Columns { get; }
    /// <summary>The reader returns each row's stored BINARY2 bytes, not its cells.</summary>
    bool RowsPreEncoded { get; }
}

/// <summary>Runs checked ADQL on the catalogue (TAP, the /spec query call).</summary>
public interface IAdqlExecutor
{
    /// <summary>
    /// Loads the uploads, checks and translates the query, prepares it and reads its first row. Everything that can fail
    /// because of the request fails here (<see cref="VoSpec.Adql.AdqlException"/>, user errors, database errors) before
    /// anything is written. Cancelling <paramref name="cancel"/> interrupts the statement at any time until disposal.
    /// </summary>
    Task<IAdqlExecution> PrepareAsync(AdqlRequest request, CancellationToken cancel);
}
