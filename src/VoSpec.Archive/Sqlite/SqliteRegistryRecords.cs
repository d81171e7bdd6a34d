using VoSpec.Archive.Queries;

namespace VoSpec.Archive.Sqlite;

/// <summary>The registry records in the catalogue's registry_records table (<see cref="IRegistryRecords"/>).</summary>
internal sealed class SqliteRegistryRecords(SqliteCatalogue catalogue) : IRegistryRecords
{
    public IReadOnlyList<StoredRecord> Load()
    {
        using var conn = catalogue.OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT identifier, set_spec, body, created, updated, deleted FROM registry_records ORDER BY identifier";
        using var r = cmd.ExecuteReader();
        var list = new List<StoredRecord>();
        while (r.Read())
            list.Add(new StoredRecord(r.GetString(0), r.GetString(1), r.GetString(2), Date(r.GetString(3)), Date(r.GetString(4)), r.GetInt64(5) != 0));
        return list;
    }

    public void Save(IReadOnlyCollection<StoredRecord> records)
    {
        if (records.Count == 0) return;
        using var conn = catalogue.OpenConnection(readOnly: false);
        using var tx = conn.BeginTransaction();
        foreach (var s in records)
            SqliteCatalogue.Execute(conn, """
                INSERT OR REPLACE INTO registry_records(identifier, set_spec, body, created, updated, deleted)
                VALUES ($i, $s, $b, $c, $u, $d)
                """, tx, ("$i", s.Identifier), ("$s", s.Set), ("$b", s.Body), ("$c", Text(s.Created)), ("$u", Text(s.Updated)), ("$d", s.Deleted ? 1 : 0));
        tx.Commit();
    }

    private static string Text(DateTimeOffset t) => StoredRecord.Text(t);
    private static DateTimeOffset Date(string s) => StoredRecord.Date(s);
}
