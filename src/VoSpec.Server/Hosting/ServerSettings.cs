namespace VoSpec.Server.Hosting;

/// <summary>
/// The server's settings, from (lowest to highest precedence) appsettings.json's "VoSpec" section,
/// VOSPEC_* environment variables, and command-line options.
/// </summary>
public sealed record ServerSettings
{
    public const string Section = "VoSpec";
    public const string DefaultUrls = VoSpec.Archive.ArchiveOptions.DefaultListenUrl;

    /// <summary>The archive directory (created when missing).</summary>
    public string Archive { get; init; } = VoSpec.Archive.ArchiveOptions.DefaultDirectory;
    /// <summary>Kestrel's listening URLs; a port of 0 picks a free one.</summary>
    public string Urls { get; init; } = DefaultUrls;
    /// <summary>When the archive is empty at start, generate and ingest this many demo spectra.</summary>
    public int Demo { get; init; }
    public int DemoSeed { get; init; } = 20260101;
    /// <summary>The IVOA naming authority of publisher DIDs.</summary>
    public string Authority { get; init; } = VoSpec.Archive.ArchiveOptions.DefaultAuthority;

    /// <summary>
    /// An Npgsql connection string (VoSpec:Database, VOSPEC_DATABASE, --database): the catalogue, jobs and registry
    /// records live in that PostgreSQL database with pgSphere; pixels and job results stay in <see cref="Archive"/>.
    /// Unset: the embedded SQLite catalogue.
    /// </summary>
    public string? Database { get; init; }
    /// <summary>The TAP service's limits (VoSpec:Tap:SyncTimeoutSeconds and so on).</summary>
    public Tap.TapLimits Tap { get; init; } = new();
    /// <summary>Proprietary collections and their tokens (VoSpec:Access:Collections:NAME:Tokens).</summary>
    public Access.AccessSettings Access { get; init; } = new();
    /// <summary>The admin token (VoSpec:Admin:Token); without it the admin endpoints do not exist.</summary>
    public Access.AdminSettings Admin { get; init; } = new();

    /// <summary>Limits of the /spec service (VoSpec:Spec:MaxIds and so on).</summary>
    public SpecService.SpecServiceLimits Spec { get; init; } = new();

    /// <summary>What one client, and all together, may take (VoSpec:Limits:PerClientConcurrency and so on).</summary>
    public Limits.LimitSettings Limits { get; init; } = new();

    /// <summary>A directory whose files are served under /static/ (off when unset).</summary>
    public string? StaticFiles { get; init; }

    /// <summary>
    /// Warm the pixel store's memory maps in the background at start: auto (when the store is at
    /// most half of the available memory), on, or off.
    /// </summary>
    public VoSpec.Archive.Pixels.PrefaultMode Prefault { get; init; } = VoSpec.Archive.Pixels.PrefaultMode.Auto;

    /// <summary>Run TAP, DataLink and SSA a few hundred times in the background after start (<see cref="TapWarmUpService"/>).</summary>
    public bool WarmUp { get; init; } = true;

    /// <summary>
    /// Answer 503 (Retry-After) to everything but /health/* until the warm-up has run, so that a proxy in front of
    /// several servers sends the traffic to a ready one (<see cref="Operations.ReadinessGate"/>; docs/scale-out.md).
    /// </summary>
    public bool GateUntilReady { get; init; }

    /// <summary>
    /// Reads on PostgreSQL standbys: a standby further behind the primary than this many seconds sends reads to the
    /// primary until it catches up (docs/scale-out.md); 0 turns the watch off.
    /// </summary>
    public int MaxStandbyLagSeconds { get; init; } = 10;

    /// <summary>
    /// Reads on PostgreSQL standbys: a read that loses its standby connection before answering runs once more on the
    /// primary (docs/scale-out.md). False only to measure what that saves.
    /// </summary>
    public bool RetryReadsOnPrimary { get; init; } = true;

    /// <summary>
    /// On PostgreSQL with one host, when true: dataset lookups (DataLink, SODA, previews) are kept while the database
    /// notifies no change of their tables (docs/postgresql.md): an answer may be older than a change committed less than
    /// the notification's delivery time ago. Off by default: every lookup asks the database.
    /// </summary>
    public bool DatasetCache { get; init; }

    /// <summary>Metrics, health and request logs (VoSpec:Operations:Metrics and so on).</summary>
    public Operations.OperationsSettings Operations { get; init; } = new();

    /// <summary>What the registry records say about the deployment, and the coverage orders (VoSpec:Publishing:Publisher and so on).</summary>
    public Registry.PublishingSettings Publishing { get; init; } = new();

    /// <summary>The OData feed's page size (VoSpec:OData:PageSize).</summary>
    public OData.ODataSettings OData { get; init; } = new();

    /// <summary>The public base URL clients see (behind a proxy); by default the first listening URL.</summary>
    public string? PublicUrl { get; init; }
}
