namespace VoSpec.Archive.Sqlite;

/// <summary>
/// ObsCore's data_rights, kept in line with which collections the server treats as proprietary (its
/// configuration decides, so an existing archive needs no re-ingest). Only collections whose value changes
/// are rewritten, in one transaction.
/// </summary>
public static class DataRights
{
    public const string Public = "public";
    public const string Proprietary = "proprietary";

    /// <summary>Sets data_rights of every collection (and its ObsCore rows): proprietary when named, public otherwise.</summary>
    /// <returns>The collections that changed.</returns>
    public static IReadOnlyList<string> Apply(SpectrumArchive archive, IReadOnlyCollection<string> proprietary)
    {
        var changes = archive.Lookup.Collections()
            .Select(c => (c.Name, Rights: proprietary.Contains(c.Name, StringComparer.OrdinalIgnoreCase) ? Proprietary : Public, c.DataRights))
            .Where(c => c.Rights != c.DataRights).ToList();
        // A read-only archive keeps its stored data_rights; access itself never depends on that column.
        if (changes.Count == 0 || archive.IsReadOnly) return [];
        using var conn = archive.Sqlite.OpenConnection(readOnly: false);
        using var tx = conn.BeginTransaction();
        foreach (var (name, rights, _) in changes)
        {
            SqliteCatalogue.Execute(conn, "UPDATE collections SET data_rights = $r WHERE name = $n", tx, ("$r", rights), ("$n", name));
            SqliteCatalogue.Execute(conn, "UPDATE ivoa_obscore SET data_rights = $r WHERE obs_collection = $n", tx, ("$r", rights), ("$n", name));
        }
        tx.Commit();
        return changes.Select(c => c.Name).ToList();
    }
}
