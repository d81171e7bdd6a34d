namespace VoSpec.Server.Limits;

/// <summary>
/// How much of the server one client, and all clients together, may take (VoSpec:Limits:*, VOSPEC_LIMITS__*): a public
/// service must not be monopolised by one client. Defaults suit a small public service on a 2-core machine;
/// docs/reliability/governance.md lists every option. Benchmarks that drive the server with many connections from
/// 127.0.0.1 (one client) set <see cref="Enabled"/> to false or raise the per-client numbers.
/// </summary>
public sealed record LimitSettings
{
    /// <summary>False switches the per-client and global request limits off (body limits, query budgets and the job queue stay).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Expensive requests (TAP sync, /spec query, getSpec, plotGrid, stackedImage) one client may run at once.</summary>
    public int PerClientConcurrency { get; init; } = 2;
    /// <summary>Further expensive requests of one client that wait for a slot; beyond them: 429. A client with 8 connections waits, it is not refused.</summary>
    public int PerClientQueue { get; init; } = 8;
    /// <summary>Expensive requests of all clients together running at once.</summary>
    public int GlobalConcurrency { get; init; } = 8;
    /// <summary>Further expensive requests of all clients that wait for a slot; beyond them: 503.</summary>
    public int GlobalQueue { get; init; } = 64;
    /// <summary>
    /// Proxies whose X-Forwarded-For is believed, comma-separated addresses (empty: none). Behind the reverse proxy of
    /// deploy/nginx.conf every client connects from 127.0.0.1: the client is then the last address in X-Forwarded-For
    /// that is not one of these proxies. A direct connection's address is used as it is.
    /// </summary>
    public string ForwardedForProxies { get; init; } = "127.0.0.1, ::1";
    /// <summary>The Retry-After (seconds) sent with 429 and 503.</summary>
    public int RetryAfterSeconds { get; init; } = 2;

    /// <summary>Largest request body of a form post (TAP query forms, UWS job parameters, everything else), in bytes.</summary>
    public long FormBodyBytes { get; init; } = 1 << 20;
    /// <summary>
    /// Largest multipart body on the endpoints that take inline UPLOAD (/tap/sync, /tap/async, job parameters), in bytes:
    /// room for the largest table the capabilities declare (VoSpec:Tap:UploadLimitBytes, 20 MB) and the form around it.
    /// </summary>
    public long UploadBodyBytes { get; init; } = 24 << 20;
    /// <summary>Largest request body under /spec (a getSpec id_list of up to VoSpec:Spec:MaxIds ids), in bytes.</summary>
    public long SpecBodyBytes { get; init; } = 4 << 20;

    /// <summary>Seconds of database time one synchronous query (TAP sync, /spec query) may use.</summary>
    public double SyncQuerySeconds { get; init; } = 10;
    /// <summary>Seconds of database time one async TAP job's query may use.</summary>
    public double AsyncQuerySeconds { get; init; } = 600;

    /// <summary>Async jobs executing at once, all clients together; more stay QUEUED.</summary>
    public int MaxExecutingJobs { get; init; } = 2;
    /// <summary>Async jobs of one client executing at once; its others stay QUEUED.</summary>
    public int MaxExecutingJobsPerClient { get; init; } = 1;
    /// <summary>QUEUED jobs one client may have; PHASE=RUN beyond them is answered 429 (the job stays PENDING).</summary>
    public int MaxQueuedJobsPerClient { get; init; } = 8;
    /// <summary>Unfinished (PENDING, HELD, QUEUED, EXECUTING) jobs one client may have; creating more is answered 429.</summary>
    public int MaxUnfinishedJobsPerClient { get; init; } = 100;
}
