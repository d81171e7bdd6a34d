namespace VoSpec.Server.Uws;

/// <summary>What an async job does: the protocol (TAP) runs its query into the result stream.</summary>
public interface IJobExecutor
{
    /// <summary>Runs the job, writing its result; returns the result's MIME type. Throwing ends the job in ERROR with the exception's message.</summary>
    Task<string> ExecuteAsync(UwsJob job, Stream result, CancellationToken cancel);

    /// <summary>The error document served at {job}/error.</summary>
    void WriteError(Stream output, string message);

    /// <summary>The message a job shows for an exception: user mistakes verbatim, server faults without internals.</summary>
    string Describe(Exception e);
}
