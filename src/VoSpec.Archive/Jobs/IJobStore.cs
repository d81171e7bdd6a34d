namespace VoSpec.Archive.Jobs;

/// <summary>
/// Where UWS jobs live between requests and restarts: each job's record, and a directory per job for its result and
/// uploads. Kept apart from the catalogue, which the server only reads.
/// </summary>
public interface IJobStore
{
    /// <summary>The directory that holds one sub-directory per job.</summary>
    string Directory { get; }
    string ResultPath(string id);
    void Save(UwsJob job);
    UwsJob? Load(string id);
    /// <summary>Every job, newest first.</summary>
    List<UwsJob> LoadAll();
    /// <summary>Removes the job's record and its directory.</summary>
    void Delete(string id);

    /// <summary>
    /// True when several servers share the store (PostgreSQL): each server reads a job's record from it at every
    /// request, renews the lease of the jobs it queues and runs (<see cref="Renew"/>), and ends the jobs of a server that
    /// stopped renewing (<see cref="ExpireLeases"/>). False: one server owns the store and keeps the jobs in memory.
    /// </summary>
    bool Shared => false;

    /// <summary>
    /// Extends by <see cref="Lease"/> the lease of these jobs, which this server holds QUEUED or EXECUTING; returns those
    /// still QUEUED or EXECUTING in the store (the others were aborted, deleted or expired by another server).
    /// </summary>
    IReadOnlySet<string> Renew(IReadOnlyCollection<string> ids) => ids.ToHashSet();

    /// <summary>Ends in ERROR, with this message, every QUEUED or EXECUTING job whose lease ran out; returns their ids.</summary>
    IReadOnlyList<string> ExpireLeases(string message) => [];

    /// <summary>
    /// Saves the job only if its stored phase is still <paramref name="expected"/>; false when another server changed it
    /// meanwhile (two servers running the same job, a start racing an abort). Unshared stores simply save.
    /// </summary>
    bool SaveIf(UwsJob job, ExecutionPhase expected)
    {
        Save(job);
        return true;
    }

    /// <summary>How long a server's hold on a queued or running job lasts without renewal.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(15);
}
