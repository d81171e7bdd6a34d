namespace VoSpec.Server.Uws;

/// <summary>
/// The async job queue's bounds (from VoSpec:Limits): how many jobs execute at once, in all and per client, and how
/// many one client may have waiting. Jobs over the executing bounds stay QUEUED and run when a slot frees; a client
/// over its waiting bounds is refused (<see cref="JobLimitException"/>, answered 429 with Retry-After).
/// </summary>
public sealed record JobLimits
{
    public int MaxExecuting { get; init; } = 2;
    public int MaxExecutingPerClient { get; init; } = 1;
    public int MaxQueuedPerClient { get; init; } = 8;
    public int MaxUnfinishedPerClient { get; init; } = 100;

    public static JobLimits From(Limits.LimitSettings s) => new()
    {
        MaxExecuting = Math.Max(1, s.MaxExecutingJobs),
        MaxExecutingPerClient = Math.Max(1, s.MaxExecutingJobsPerClient),
        MaxQueuedPerClient = Math.Max(1, s.MaxQueuedJobsPerClient),
        MaxUnfinishedPerClient = Math.Max(1, s.MaxUnfinishedJobsPerClient),
    };
}

/// <summary>A client has as many jobs waiting as it may: the message names the limit; the job (if any) is left as it was.</summary>
public sealed class JobLimitException(string message) : Exception(message);
