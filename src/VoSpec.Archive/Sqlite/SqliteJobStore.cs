using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using VoSpec.Archive.Jobs;

namespace VoSpec.Archive.Sqlite;

/// <summary>
/// Jobs persisted in ARCHIVE/jobs/jobs.sqlite (so they survive a restart) with each job's result as a
/// file in ARCHIVE/jobs/ID/. Kept apart from the catalogue, which the server only reads.
/// </summary>
public sealed class SqliteJobStore : IJobStore
{
    private readonly string _connectionString;

    public SqliteJobStore(string archiveDirectory)
    {
        SqliteThreading.Configure();
        Directory = Path.Combine(archiveDirectory, "jobs");
        System.IO.Directory.CreateDirectory(Directory);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(Directory, "jobs.sqlite"), Pooling = true }.ToString();
        using var conn = Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS jobs(
              id TEXT PRIMARY KEY, run_id TEXT, owner_id TEXT, phase TEXT NOT NULL,
              creation_time TEXT NOT NULL, start_time TEXT, end_time TEXT,
              execution_duration INTEGER NOT NULL, destruction TEXT NOT NULL,
              parameters TEXT NOT NULL, result_mime TEXT, result_size INTEGER, error_message TEXT, grants TEXT, client TEXT);
            CREATE INDEX IF NOT EXISTS jobs_creation ON jobs(creation_time);
            """;
        cmd.ExecuteNonQuery();
        // Stores written before jobs had grants or clients: add the columns (NULL = none).
        foreach (var (column, add) in new[] { ("grants", "ALTER TABLE jobs ADD COLUMN grants TEXT"), ("client", "ALTER TABLE jobs ADD COLUMN client TEXT") })
        {
            cmd.CommandText = "SELECT count(*) FROM pragma_table_info('jobs') WHERE name = $column";
            cmd.Parameters.Clear();
            cmd.Parameters.AddWithValue("$column", column);
            if (Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) != 0) continue;
            cmd.Parameters.Clear();
            cmd.CommandText = add;
            cmd.ExecuteNonQuery();
        }
    }

    public string Directory { get; }

    public string ResultPath(string id) => Path.Combine(Directory, id, "result");

    private SqliteConnection Open()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        return c;
    }

    public void Save(UwsJob j)
    {
        using var conn = Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """
            INSERT OR REPLACE INTO jobs(id, run_id, owner_id, phase, creation_time, start_time, end_time, execution_duration, destruction,
              parameters, result_mime, result_size, error_message, grants, client)
            VALUES ($id, $run, $owner, $phase, $created, $start, $end, $dur, $destr, $params, $mime, $size, $err, $grants, $client)
            """;
        cmd.Parameters.AddWithValue("$id", j.Id);
        cmd.Parameters.AddWithValue("$run", (object?)j.RunId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$owner", (object?)j.OwnerId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$phase", j.Phase.ToString());
        cmd.Parameters.AddWithValue("$created", UwsJob.Time(j.CreationTime));
        cmd.Parameters.AddWithValue("$start", j.StartTime is null ? DBNull.Value : UwsJob.Time(j.StartTime.Value));
        cmd.Parameters.AddWithValue("$end", j.EndTime is null ? DBNull.Value : UwsJob.Time(j.EndTime.Value));
        cmd.Parameters.AddWithValue("$dur", j.ExecutionDuration);
        cmd.Parameters.AddWithValue("$destr", UwsJob.Time(j.Destruction));
        cmd.Parameters.AddWithValue("$params", JsonSerializer.Serialize(j.Parameters));
        cmd.Parameters.AddWithValue("$mime", (object?)j.ResultMime ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$size", (object?)j.ResultSize ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$err", (object?)j.ErrorMessage ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$grants", j.Grants.Count == 0 ? DBNull.Value : JsonSerializer.Serialize(j.Grants));
        cmd.Parameters.AddWithValue("$client", (object?)j.Client ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }

    public UwsJob? Load(string id)
    {
        using var conn = Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT * FROM jobs WHERE id=$id";
        cmd.Parameters.AddWithValue("$id", id);
        using var r = cmd.ExecuteReader();
        return r.Read() ? Read(r) : null;
    }

    public List<UwsJob> LoadAll()
    {
        using var conn = Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT * FROM jobs ORDER BY creation_time DESC";
        using var r = cmd.ExecuteReader();
        var list = new List<UwsJob>();
        while (r.Read()) list.Add(Read(r));
        return list;
    }

    public void Delete(string id)
    {
        using (var conn = Open())
        using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = "DELETE FROM jobs WHERE id=$id";
            cmd.Parameters.AddWithValue("$id", id);
            cmd.ExecuteNonQuery();
        }
        var dir = Path.Combine(Directory, id);
        try { if (System.IO.Directory.Exists(dir)) System.IO.Directory.Delete(dir, recursive: true); }
        catch (IOException) { } // a result still being read is removed at the next sweep
    }

    private static UwsJob Read(SqliteDataReader r)
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
