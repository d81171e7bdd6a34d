using System.Globalization;

namespace VoSpec.Archive.Jobs;

/// <summary>UWS 1.1 execution phases.</summary>
public enum ExecutionPhase { PENDING, QUEUED, EXECUTING, COMPLETED, ERROR, ABORTED, UNKNOWN, HELD, SUSPENDED, ARCHIVED }

/// <summary>One job parameter as the job document lists it.</summary>
public sealed record JobParameter(string Name, string Value, bool ByReference = false);

/// <summary>A UWS job: its phase, times, parameters, result and error. Immutable; the store keeps the current one.</summary>
public sealed record UwsJob
{
    public required string Id { get; init; }
    public string? RunId { get; init; }
    public string? OwnerId { get; init; }
    public ExecutionPhase Phase { get; init; } = ExecutionPhase.PENDING;
    public DateTimeOffset CreationTime { get; init; }
    public DateTimeOffset? StartTime { get; init; }
    public DateTimeOffset? EndTime { get; init; }
    /// <summary>Seconds; 0 = unlimited.</summary>
    public int ExecutionDuration { get; init; }
    public DateTimeOffset Destruction { get; init; }
    public IReadOnlyList<JobParameter> Parameters { get; init; } = [];
    public string? ResultMime { get; init; }
    public long? ResultSize { get; init; }
    public string? ErrorMessage { get; init; }
    /// <summary>
    /// The proprietary collections the submitter's token opened when the job was created: the job runs with
    /// those rights, and only a caller holding all of them sees the job at all.
    /// </summary>
    public IReadOnlyList<string> Grants { get; init; } = [];
    /// <summary>
    /// Who submitted the job for the queue's per-client bounds (a known token's digest, or an address); never shown in
    /// any UWS document.
    /// </summary>
    public string? Client { get; init; }

    public bool IsFinal => Phase is ExecutionPhase.COMPLETED or ExecutionPhase.ERROR or ExecutionPhase.ABORTED or ExecutionPhase.ARCHIVED;
    /// <summary>ISO 8601 UTC with milliseconds and Z, as UWS documents show times.</summary>
    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public bool IsActive => Phase is ExecutionPhase.QUEUED or ExecutionPhase.EXECUTING;
}
