using VoSpec.Server.Access;
using VoSpec.Server.Dali;
using VoSpec.Server.Uws;
using VoSpec.VOTable;

namespace VoSpec.Server.Tap;

/// <summary>Async TAP: a UWS job runs the same query path as /sync, into the job's result file.</summary>
public sealed class TapJobExecutor(TapQueryRunner runner, TapService tap, AccessPolicy access, Func<string, string> jobDirectory, double budgetSeconds = 0) : IJobExecutor
{
    public async Task<string> ExecuteAsync(UwsJob job, Stream result, CancellationToken cancel)
    {
        // TAP parameters are validated when the job runs, not when it is created.
        var p = DaliParameters.From(job.Parameters.Select(x => new KeyValuePair<string, string>(x.Name, x.Value)));
        var request = TapRequest.Parse(p, tap.Limits);
        var dir = jobDirectory(job.Id);
        await using var q = await runner.PrepareAsync(request, access.RightsOfGrants(job.Grants), part =>
        {
            var path = Path.Combine(dir, "upload-" + Uri.EscapeDataString(part));
            return File.Exists(path) ? File.OpenRead(path) : null;
        }, job.ExecutionDuration, cancel, (budgetSeconds, nameof(Limits.LimitSettings.AsyncQuerySeconds)));
        await runner.WriteAsync(q, result, mode: "async");
        return request.ContentType;
    }

    public void WriteError(Stream output, string message) => VOTableWriter.WriteError(output, message);

    public string Describe(Exception e) => TapQueryRunner.Describe(e);
}
