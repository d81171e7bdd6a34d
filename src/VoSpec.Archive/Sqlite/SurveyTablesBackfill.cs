using Microsoft.Data.Sqlite;
using VoSpec.Archive.Catalogue;
using VoSpec.Archive.Ingest;
using VoSpec.Core.Schema;
using VoSpec.Core.Spectra;

namespace VoSpec.Archive.Sqlite;

/// <summary>
/// Fills the surveys' own tables (desi.fibermap, lamost.lrs) of an archive built before they existed: main ingested
/// DESI and LAMOST files from 10:31 to 13:29 on 2026-12-04 without them, so such an archive opens with the tables
/// created empty. Their values come from the files (FIBERMAP rows, LAMOST headers), not from the catalogue, so each
/// spectrum's source file (spectrum_store.source_path) is read again once, at the first open that can write. A table
/// that already holds rows is left as it is; a file that is gone or unreadable is logged and its rows stay missing.
/// Done once (archive_meta key <see cref="Key"/>), like the statistics and per-collection classes before it.
/// </summary>
internal static class SurveyTablesBackfill
{
    public const string Key = "survey_tables_filled";

    public static void Run(SqliteConnection conn, SqliteTransaction tx, Action<string>? log)
    {
        if (SqliteCatalogue.Scalar<string>(conn, "SELECT value FROM archive_meta WHERE key = $k", tx, ("$k", Key)) is not null) return;
        var empty = SchemaCatalog.SurveyTables
            .Where(t => SqliteCatalogue.Scalar<long>(conn, $"SELECT count(*) FROM {CatalogueDdl.Quote(t.SqlName)}", tx) == 0)
            .ToList();
        if (empty.Count > 0) Fill(conn, tx, empty, log);
        SqliteCatalogue.Execute(conn, "INSERT INTO archive_meta(key, value) VALUES ($k, '1')", tx, ("$k", Key));
    }

    private static void Fill(SqliteConnection conn, SqliteTransaction tx, List<TableSchema> tables, Action<string>? log)
    {
        // The spectra of survey files (ingest's formats of DESI and LAMOST), by source file: (collection, specobjid) → spec_id.
        var byFile = new Dictionary<string, Dictionary<(string, long), long>>(StringComparer.Ordinal);
        using (var cmd = conn.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = "SELECT source_path, collection, specobjid, spec_id FROM spectrum_store WHERE source_path IS NOT NULL AND (source_format LIKE 'desi-%' OR source_format = 'lamost-lrs')";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var path = r.GetString(0);
                if (!byFile.TryGetValue(path, out var ids)) byFile[path] = ids = [];
                ids[(r.GetString(1), r.GetInt64(2))] = r.GetInt64(3);
            }
        }
        if (byFile.Count == 0) return;
        var wanted = tables.Select(t => t.SqlName).ToHashSet(StringComparer.Ordinal);
        var inserts = new Dictionary<string, RawInsert>(StringComparer.Ordinal);
        int rows = 0, missing = 0;
        try
        {
            foreach (var (path, ids) in byFile)
            {
                SurveyFile file;
                try { file = SpectrumFileReader.Read(path); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or VoSpec.Fits.FitsFormatException)
                {
                    missing += ids.Count;
                    log?.Invoke($"survey tables: cannot read {path} again ({e.Message}); its {ids.Count} spectra keep no survey-table row");
                    continue;
                }
                foreach (var collection in ids.Keys.Select(k => k.Item1).Distinct())
                {
                    var stored = new List<(SpectrumMeta, long)>();
                    foreach (var s in file.Spectra)
                        if (ids.TryGetValue((collection, s.Meta.SpecObjId), out var specId)) stored.Add((s.Meta, specId));
                    foreach (var (table, tableRows) in SurveyTableRows.Of(stored, collection))
                    {
                        if (!wanted.Contains(table.SqlName)) continue;
                        if (!inserts.TryGetValue(table.SqlName, out var insert))
                        {
                            var names = table.Columns.Select(c => CatalogueDdl.Quote(c.Name));
                            inserts[table.SqlName] = insert = new RawInsert(conn,
                                $"INSERT INTO {CatalogueDdl.Quote(table.SqlName)}({string.Join(", ", names)}) VALUES ({string.Join(", ", table.Columns.Select(_ => "?"))})");
                        }
                        foreach (var row in tableRows) { insert.Run(row); rows++; }
                    }
                }
            }
        }
        finally
        {
            foreach (var insert in inserts.Values) insert.Dispose();
        }
        log?.Invoke($"survey tables: {rows} rows filled from {byFile.Count} source files of an archive built before them" + (missing > 0 ? $" ({missing} spectra whose file could not be read have none)" : ""));
    }
}
