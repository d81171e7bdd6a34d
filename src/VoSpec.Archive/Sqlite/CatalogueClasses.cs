namespace VoSpec.Archive.Sqlite;

/// <summary>
/// The distinct spectral classes (specobj.class) of the whole catalogue, for the landing page. Read by seeking the
/// class index once per value (each step asks for the smallest class above the last), so the cost is a few index
/// probes per class whatever the number of rows: never a scan of the catalogue. Per collection it cannot be had this
/// way (there is no (collection, class) index), hence the whole archive.
/// </summary>
public static class CatalogueClasses
{
    public static IReadOnlyList<string> Distinct(this SqliteCatalogue catalogue, int max = 50)
    {
        using var conn = catalogue.OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """
            WITH RECURSIVE c(v, n) AS (
              SELECT (SELECT min(class) FROM specobj), 0
              UNION ALL
              SELECT (SELECT min(class) FROM specobj WHERE class > c.v), n + 1 FROM c WHERE c.v IS NOT NULL AND n < $max)
            SELECT v FROM c WHERE v IS NOT NULL
            """;
        cmd.Parameters.AddWithValue("$max", max - 1);
        using var r = cmd.ExecuteReader();
        var list = new List<string>();
        while (r.Read()) list.Add(r.GetString(0));
        return list;
    }
}
