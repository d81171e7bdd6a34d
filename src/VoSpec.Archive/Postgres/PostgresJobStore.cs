using System.Data.Common;
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
        var columns = UwsJobRow.Columns;
        var values = UwsJobRow.Values(j);
        PostgresCatalogue.Execute(conn,
            $"INSERT INTO uws_jobs({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select((_, i) => "@p" + i))}) " +
            $"ON CONFLICT (id) DO UPDATE SET {string.Join(", ", columns.Skip(1).Select(c => $"{c} = excluded.{c}"))}",
            null, values.Select((v, i) => ("p" + i, v)).ToArray());
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

    private static UwsJob Read(DbDataReader r) => UwsJobRow.Read(r);
}
