using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using VoSpec.Archive.Jobs;

namespace VoSpec.Archive.Postgres;

/// <summary>
/// UWS jobs in the catalogue database (table uws_jobs), so that every server on one database sees every job; each
/// job's result is a file in ARCHIVE/jobs/ID/, which the servers share.
/// </summary>
internal sealed class PostgresJobStore(PostgresCatalogue catalogue, string directory) : IJobStore
{
    public string Directory { get; } = CreateDirectory(directory);

    private static string CreateDirectory(string d) { System.IO.Directory.CreateDirectory(d); return d; }

    public string ResultPath(string id) => Path.Combine(Directory, id, "result");

    public void Save(UwsJob j)
    {
        using var conn = catalogue.Open();
        PostgresCatalogue.Execute(conn, """
            INSERT INTO uws_jobs(id, run_id, owner_id, phase, creation_time, start_time, end_time, execution_duration, destruction,
              parameters, result_mime, result_size, error_message, grants, client)
            VALUES (@id, @run, @owner, @phase, @created, @start, @end, @dur, @destr, @params, @mime, @size, @err, @grants, @client)
            ON CONFLICT (id) DO UPDATE SET run_id = excluded.run_id, owner_id = excluded.owner_id, phase = excluded.phase,
              creation_time = excluded.creation_time, start_time = excluded.start_time, end_time = excluded.end_time,
              execution_duration = excluded.execution_duration, destruction = excluded.destruction, parameters = excluded.parameters,
              result_mime = excluded.result_mime, result_size = excluded.result_size, error_message = excluded.error_message,
              grants = excluded.grants, client = excluded.client
            """, null,
            ("id", j.Id), ("run", j.RunId), ("owner", j.OwnerId), ("phase", j.Phase.ToString()),
            ("created", UwsJob.Time(j.CreationTime)), ("start", j.StartTime is null ? null : UwsJob.Time(j.StartTime.Value)),
            ("end", j.EndTime is null ? null : UwsJob.Time(j.EndTime.Value)), ("dur", j.ExecutionDuration),
            ("destr", UwsJob.Time(j.Destruction)), ("params", JsonSerializer.Serialize(j.Parameters)), ("mime", j.ResultMime),
            ("size", j.ResultSize), ("err", j.ErrorMessage), ("grants", j.Grants.Count == 0 ? null : JsonSerializer.Serialize(j.Grants)),
            ("client", j.Client));
    }

    public UwsJob? Load(string id)
    {
        using var conn = catalogue.Open();
        using var cmd = new NpgsqlCommand("SELECT * FROM uws_jobs WHERE id = @id", conn);
        cmd.Parameters.AddWithValue("id", id);
        using var r = cmd.ExecuteReader();
        return r.Read() ? Read(r) : null;
    }

    public List<UwsJob> LoadAll()
    {
        using var conn = catalogue.Open();
        using var cmd = new NpgsqlCommand("SELECT * FROM uws_jobs ORDER BY creation_time DESC", conn);
        using var r = cmd.ExecuteReader();
        var list = new List<UwsJob>();
        while (r.Read()) list.Add(Read(r));
        return list;
    }

    public void Delete(string id)
    {
        using (var conn = catalogue.Open())
            PostgresCatalogue.Execute(conn, "DELETE FROM uws_jobs WHERE id = @id", null, ("id", id));
        var dir = Path.Combine(Directory, id);
        try { if (System.IO.Directory.Exists(dir)) System.IO.Directory.Delete(dir, recursive: true); }
        catch (IOException) { } // a result still being read is removed at the next sweep
    }

    private static UwsJob Read(DbDataReader r)
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
