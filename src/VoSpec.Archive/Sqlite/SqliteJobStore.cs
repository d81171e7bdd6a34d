using System.Globalization;
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
        cmd.CommandText = $"INSERT OR REPLACE INTO jobs({string.Join(", ", UwsJobRow.Columns)}) VALUES ({string.Join(", ", UwsJobRow.Columns.Select((_, i) => "$p" + i))})";
        var values = UwsJobRow.Values(j);
        for (int i = 0; i < values.Length; i++) cmd.Parameters.AddWithValue("$p" + i, values[i] ?? DBNull.Value);
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

    private static UwsJob Read(SqliteDataReader r) => UwsJobRow.Read(r);
}
