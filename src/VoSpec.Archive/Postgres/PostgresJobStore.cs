using System.Data.Common;
using Npgsql;
using VoSpec.Archive.Jobs;

namespace VoSpec.Archive.Postgres;

/// <summary>
/// UWS jobs in the catalogue database (table uws_jobs), so that every server on one database sees every job; each
/// job's result is a file in ARCHIVE/jobs/ID/, which the servers share. A QUEUED or EXECUTING job holds a lease
/// (lease_until, in the database's clock) that the server holding it renews; when that server dies, another one ends
/// the job in ERROR once the lease has run out (<see cref="ExpireLeases"/>), so no job stays EXECUTING for ever.
/// </summary>
internal sealed class PostgresJobStore(PostgresCatalogue catalogue, string directory) : IJobStore
{
    public string Directory { get; } = CreateDirectory(directory);

    public bool Shared => true;

    private static readonly string LeaseInterval = $"interval '{(int)IJobStore.Lease.TotalSeconds} seconds'";

    // A UWS time (UwsJob.Time's form) from the database's clock.
    private const string Now = "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";

    private static string CreateDirectory(string d) { System.IO.Directory.CreateDirectory(d); return d; }

    public string ResultPath(string id) => Path.Combine(Directory, id, "result");

    public void Save(UwsJob j)
    {
        using var conn = catalogue.OpenPrimary();
        var columns = UwsJobRow.Columns;
        var values = UwsJobRow.Values(j);
        PostgresCatalogue.Execute(conn,
            $"INSERT INTO uws_jobs({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select((_, i) => "@p" + i))}) " +
            $"ON CONFLICT (id) DO UPDATE SET {string.Join(", ", columns.Skip(1).Select(c => $"{c} = excluded.{c}"))}; " +
            // An active job's lease starts (or is renewed) with every save; a final one holds none.
            $"UPDATE uws_jobs SET lease_until = CASE WHEN phase IN ('QUEUED', 'EXECUTING') THEN now() + {LeaseInterval} END WHERE id = @p0",
            null, values.Select((v, i) => ("p" + i, v)).ToArray());
    }

    public bool SaveIf(UwsJob j, ExecutionPhase expected)
    {
        using var conn = catalogue.OpenPrimary();
        var values = UwsJobRow.Values(j);
        using var cmd = new NpgsqlCommand(
            $"UPDATE uws_jobs SET {string.Join(", ", UwsJobRow.Columns.Skip(1).Select((c, i) => $"{c} = @p{i + 1}"))}, " +
            $"lease_until = CASE WHEN @p{Array.IndexOf(UwsJobRow.Columns, "phase")} IN ('QUEUED', 'EXECUTING') THEN now() + {LeaseInterval} END " +
            "WHERE id = @p0 AND phase = @expected", conn);
        for (int i = 0; i < values.Length; i++) cmd.Parameters.AddWithValue("p" + i, values[i] ?? DBNull.Value);
        cmd.Parameters.AddWithValue("expected", expected.ToString());
        return cmd.ExecuteNonQuery() == 1;
    }

    public UwsJob? Load(string id)
    {
        using var conn = catalogue.OpenPrimary();
        using var cmd = new NpgsqlCommand("SELECT * FROM uws_jobs WHERE id = @id", conn);
        cmd.Parameters.AddWithValue("id", id);
        using var r = cmd.ExecuteReader();
        return r.Read() ? Read(r) : null;
    }

    public List<UwsJob> LoadAll()
    {
        using var conn = catalogue.OpenPrimary();
        using var cmd = new NpgsqlCommand("SELECT * FROM uws_jobs ORDER BY creation_time DESC", conn);
        using var r = cmd.ExecuteReader();
        var list = new List<UwsJob>();
        while (r.Read()) list.Add(Read(r));
        return list;
    }

    public void Delete(string id)
    {
        using (var conn = catalogue.OpenPrimary())
            PostgresCatalogue.Execute(conn, "DELETE FROM uws_jobs WHERE id = @id", null, ("id", id));
        var dir = Path.Combine(Directory, id);
        try { if (System.IO.Directory.Exists(dir)) System.IO.Directory.Delete(dir, recursive: true); }
        catch (IOException) { } // a result still being read is removed at the next sweep
    }

    public IReadOnlySet<string> Renew(IReadOnlyCollection<string> ids)
    {
        var alive = new HashSet<string>(StringComparer.Ordinal);
        if (ids.Count == 0) return alive;
        using var conn = catalogue.OpenPrimary();
        using var cmd = new NpgsqlCommand(
            $"UPDATE uws_jobs SET lease_until = now() + {LeaseInterval} WHERE id = ANY(@ids) AND phase IN ('QUEUED', 'EXECUTING') RETURNING id", conn);
        cmd.Parameters.AddWithValue("ids", ids.ToArray());
        using var r = cmd.ExecuteReader();
        while (r.Read()) alive.Add(r.GetString(0));
        return alive;
    }

    public IReadOnlyList<string> ExpireLeases(string message)
    {
        using var conn = catalogue.OpenPrimary();
        using var cmd = new NpgsqlCommand($"""
            UPDATE uws_jobs SET phase = 'ERROR', error_message = @m, end_time = {Now}, lease_until = NULL
            WHERE phase IN ('QUEUED', 'EXECUTING') AND (lease_until IS NULL OR lease_until < now()) RETURNING id
            """, conn);
        cmd.Parameters.AddWithValue("m", message);
        using var r = cmd.ExecuteReader();
        var list = new List<string>();
        while (r.Read()) list.Add(r.GetString(0));
        return list;
    }

    private static UwsJob Read(DbDataReader r) => UwsJobRow.Read(r);
}
