namespace VoSpec.Archive.Catalogue;

/// <summary>
/// Each collection's spectral classes and their counts (table collection_classes, the landing page's column): the
/// statements and the reading, the same on SQLite and PostgreSQL; each backend's writer adds every batch's classes in
/// the batch's transaction.
/// </summary>
internal static class CollectionClassRows
{
    /// <summary>Marks, in archive_meta, an archive whose collection_classes hold every spectrum (filled once at open).</summary>
    public const string Key = "collection_classes";

    /// <summary>Each collection's classes with their counts (collection_classes), most first; the same SQL on both backends.</summary>
    public const string Sql = "SELECT name, class, n FROM collection_classes ORDER BY name, n DESC, class";

    /// <summary>
    /// Adds one batch's classes to collection_classes (both backends: SQLite and PostgreSQL spell the upsert alike), from
    /// the specobj rows the batch just wrote: every spec_id from the parameter on (one writer per archive gives them in
    /// increasing order). A range of the key alone: with the collection in the condition too, SQLite read the whole
    /// collection through the unique (collection, plate, …) index at every batch, and a ten-million-row load slowed down
    /// as it grew (issue 18).
    /// </summary>
    public static string AddSql(string first) => $"""
        INSERT INTO collection_classes(name, class, n)
        SELECT collection, class, count(*) FROM specobj WHERE spec_id >= {first} AND class IS NOT NULL AND class <> ''
        GROUP BY collection, class
        ON CONFLICT(name, class) DO UPDATE SET n = collection_classes.n + excluded.n
        """;

    /// <summary>Runs <see cref="Sql"/> (on any backend's command) and groups its rows by collection.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<(string Class, long Count)>> Read(System.Data.Common.DbCommand cmd)
    {
        var result = new Dictionary<string, List<(string, long)>>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            if (!result.TryGetValue(r.GetString(0), out var list)) result[r.GetString(0)] = list = [];
            list.Add((r.GetString(1), r.GetInt64(2)));
        }
        return result.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<(string, long)>)kv.Value);
    }
}
