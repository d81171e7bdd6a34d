using VoSpec.Archive.Queries;

namespace VoSpec.Archive.Postgres;

/// <summary>The registry records in PostgreSQL's registry_records table (<see cref="IRegistryRecords"/>).</summary>
internal sealed class PostgresRegistryRecords(PostgresCatalogue catalogue) : IRegistryRecords
{
    public IReadOnlyList<StoredRecord> Load() => catalogue.Read<IReadOnlyList<StoredRecord>>(conn =>
    {
        using var cmd = new Npgsql.NpgsqlCommand("SELECT identifier, set_spec, body, created, updated, deleted FROM registry_records ORDER BY identifier", conn);
        using var r = cmd.ExecuteReader();
        var list = new List<StoredRecord>();
        while (r.Read())
            list.Add(new StoredRecord(r.GetString(0), r.GetString(1), r.GetString(2), Date(r.GetString(3)), Date(r.GetString(4)), r.GetInt32(5) != 0));
        return list;
    });

    public void Save(IReadOnlyCollection<StoredRecord> records)
    {
        if (records.Count == 0) return;
        using var conn = catalogue.OpenPrimary();
        using var tx = conn.BeginTransaction();
        foreach (var s in records)
            PostgresCatalogue.Execute(conn, """
                INSERT INTO registry_records(identifier, set_spec, body, created, updated, deleted) VALUES (@i, @s, @b, @c, @u, @d)
                ON CONFLICT (identifier) DO UPDATE SET set_spec = excluded.set_spec, body = excluded.body, created = excluded.created,
                  updated = excluded.updated, deleted = excluded.deleted
                """, tx, ("i", s.Identifier), ("s", s.Set), ("b", s.Body), ("c", Text(s.Created)), ("u", Text(s.Updated)), ("d", s.Deleted ? 1 : 0));
        tx.Commit();
    }

    private static string Text(DateTimeOffset t) => StoredRecord.Text(t);
    private static DateTimeOffset Date(string s) => StoredRecord.Date(s);
}
