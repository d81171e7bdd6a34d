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
}
