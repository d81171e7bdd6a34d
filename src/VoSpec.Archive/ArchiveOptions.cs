namespace VoSpec.Archive;

/// <summary>Settings of an archive that end up in its rows (identifiers and links).</summary>
public sealed record ArchiveOptions
{
    /// <summary>The IVOA naming authority in publisher DIDs: ivo://AUTHORITY/collection?specobjid.</summary>
    public string Authority { get; init; } = DefaultAuthority;

    // The defaults, written once here: the server's settings and the command line use these too.
    public const string DefaultAuthority = "vospec.local";
    public const string DefaultDirectory = "./archive";
    public const string DefaultListenUrl = "http://127.0.0.1:5000";
    public const string DefaultPublicUrl = DefaultListenUrl + "/";

    /// <summary>
    /// The server's public base URL (ending in '/'): answers put it in front of access_url (stored relative to it). Null keeps the
    /// URL the archive already uses (or the default, for a new archive).
    /// </summary>
    public string? PublicUrl { get; init; }

    /// <summary>Where the archive says what it does once at an open that touches every row (an upgrade), with its progress.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>The HEALPix order of each collection's sky coverage (a cell of order 10 is 3.4′ wide).</summary>
    public int CoverageOrder { get; init; } = DefaultCoverageOrder;
    public const int DefaultCoverageOrder = 10;

    /// <summary>
    /// An Npgsql connection string: the catalogue lives in that PostgreSQL database instead of ARCHIVE/catalogue.sqlite
    /// (pixels, previews and job results stay in the directory). Null or empty: SQLite.
    /// </summary>
    public string? Database { get; init; }

    /// <summary>
    /// With reads on PostgreSQL standbys (several hosts, Target Session Attributes=prefer-standby): a standby further
    /// behind the primary than this sends every read to the primary until it has caught up. Zero: not watched.
    /// </summary>
    public TimeSpan MaxStandbyLag { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// With reads on PostgreSQL standbys: a read whose standby connection is lost before it has answered (the standby
    /// stopped or restarted) runs once more on the primary. False only to see what that saves (ScaleOutTests).
    /// </summary>
    public bool RetryReadsOnPrimary { get; init; } = true;

    /// <summary>
    /// On PostgreSQL with one host, when true: dataset lookups (DataLink, SODA, previews) are kept while the database
    /// notifies no change of their tables (LISTEN/NOTIFY; docs/postgresql.md). An answer may then be older than a change
    /// committed less than the notification's delivery time ago, hence off by default: every lookup asks the database.
    /// </summary>
    public bool DatasetCache { get; init; }

    /// <summary>Spectra per ingest transaction.</summary>
    public int IngestBatchSize { get; init; } = 500;

    /// <summary>
    /// A load of at least this many rows (and at least as many as the archive holds) builds the secondary indexes once
    /// at its end instead of row by row.
    /// </summary>
    public int BulkLoadRows { get; init; } = 100_000;
}
