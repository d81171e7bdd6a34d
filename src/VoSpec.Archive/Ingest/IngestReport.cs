namespace VoSpec.Archive.Ingest;

public enum IngestOutcome { Ingested, Duplicate, Failed }

/// <summary>What an ingest did, file by file in summary: counts, failures with reasons, and where the time went.</summary>
public sealed class IngestReport
{
    public int Ingested { get; internal set; }
    public int Duplicates { get; internal set; }
    /// <summary>Of <see cref="Ingested"/>, the spectra served from their source files (<c>--in-place</c>), whose pixels were not copied.</summary>
    public int InPlace { get; internal set; }
    public List<(string Path, string Reason)> Failures { get; } = [];
    public TimeSpan Elapsed { get; internal set; }
    /// <summary>CPU time spent reading and parsing files (summed over threads).</summary>
    public TimeSpan ParseTime { get; internal set; }
    /// <summary>Wall time spent writing pixels and catalogue rows.</summary>
    public TimeSpan WriteTime { get; internal set; }
    /// <summary>Building the secondary indexes a bulk load deferred to its end.</summary>
    public TimeSpan IndexTime { get; internal set; }
    /// <summary>The catalogue writer's time by phase (sky order, values, each table's inserts, commits, indexes).</summary>
    public IReadOnlyList<(string Phase, TimeSpan Time)> Phases { get; internal set; } = [];
    public bool Cancelled { get; internal set; }
    public int Failed => Failures.Count;
    public int Total => Ingested + Duplicates + Failed;
}

/// <summary>Told about every file as it is done (the CLI draws a progress bar or log lines from it).</summary>
public interface IIngestProgress
{
    void Started(int totalFiles);
    void FileDone(string path, IngestOutcome outcome, string? reason);
}
