using System.Data.Common;
using System.Globalization;
using System.Text.Json;

namespace VoSpec.Archive.Jobs;

/// <summary>
/// A UWS job as one row of a job store's table, the same in every backend: the columns in order, their values from a
/// job (times as text, parameters and grants as JSON), and the job read back from a data reader.
/// </summary>
internal static class UwsJobRow
{
    public static readonly string[] Columns =
        ["id", "run_id", "owner_id", "phase", "creation_time", "start_time", "end_time", "execution_duration", "destruction",
         "parameters", "result_mime", "result_size", "error_message", "grants", "client"];

    /// <summary>The job's values in <see cref="Columns"/> order (null for SQL NULL).</summary>
    public static object?[] Values(UwsJob j) =>
    [
        j.Id, j.RunId, j.OwnerId, j.Phase.ToString(), UwsJob.Time(j.CreationTime),
        j.StartTime is null ? null : UwsJob.Time(j.StartTime.Value), j.EndTime is null ? null : UwsJob.Time(j.EndTime.Value),
        j.ExecutionDuration, UwsJob.Time(j.Destruction), JsonSerializer.Serialize(j.Parameters), j.ResultMime, j.ResultSize,
        j.ErrorMessage, j.Grants.Count == 0 ? null : JsonSerializer.Serialize(j.Grants), j.Client,
    ];

    public static UwsJob Read(DbDataReader r)
    {
        string? S(string c) => r.IsDBNull(r.GetOrdinal(c)) ? null : r.GetString(r.GetOrdinal(c));
        DateTimeOffset? T(string c) => S(c) is { } s ? DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) : null;
        return new UwsJob
        {
            Id = S("id")!, RunId = S("run_id"), OwnerId = S("owner_id"),
            Phase = Enum.Parse<ExecutionPhase>(S("phase")!),
            CreationTime = T("creation_time")!.Value, StartTime = T("start_time"), EndTime = T("end_time"),
            ExecutionDuration = r.GetInt32(r.GetOrdinal("execution_duration")), Destruction = T("destruction")!.Value,
            Parameters = JsonSerializer.Deserialize<List<JobParameter>>(S("parameters")!) ?? [],
            ResultMime = S("result_mime"),
            ResultSize = r.IsDBNull(r.GetOrdinal("result_size")) ? null : r.GetInt64(r.GetOrdinal("result_size")),
            ErrorMessage = S("error_message"),
            Grants = S("grants") is { } g ? JsonSerializer.Deserialize<List<string>>(g) ?? [] : [],
            Client = S("client"),
        };
    }
}
