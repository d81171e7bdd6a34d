namespace VoSpec.Server.Tap;

/// <summary>The TAP service's limits, declared in the capabilities and enforced on every query.</summary>
public sealed record TapLimits
{
    /// <summary>Rows returned when the request gives no MAXREC.</summary>
    public long DefaultMaxRec { get; init; } = 100_000;
    /// <summary>MAXREC above this is clamped to it.</summary>
    public long HardMaxRec { get; init; } = 10_000_000;
    /// <summary>Seconds a synchronous query may run before it is cancelled in the database.</summary>
    public int SyncTimeoutSeconds { get; init; } = 300;
    /// <summary>Default and maximum execution duration of async jobs, in seconds.</summary>
    public int AsyncExecutionSeconds { get; init; } = 3600;
    /// <summary>How long async jobs and their results are kept, in seconds.</summary>
    public int RetentionSeconds { get; init; } = 7 * 24 * 3600;
    /// <summary>Largest UPLOAD accepted, in bytes.</summary>
    public long UploadLimitBytes { get; init; } = 20_000_000;
    /// <summary>
    /// BINARY2 results that select whole ObsCore rows copy each row's stored bytes instead of encoding its cells
    /// (the same bytes; false encodes every cell, for comparisons).
    /// </summary>
    public bool StoredRows { get; init; } = true;
}
