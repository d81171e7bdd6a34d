using System.Text;
using VoSpec.Core.Schema;

namespace VoSpec.Archive.Sqlite;

/// <summary>
/// The catalogue's DDL. Published tables (ivoa.obscore, spec.specobj) are generated from schemas/;
/// the archive's own bookkeeping tables are declared here.
/// </summary>
public static class CatalogueDdl
{
    /// <summary>Bumped whenever the catalogue's tables change; an archive of another version must be rebuilt.</summary>
    public const int SchemaVersion = 2;

    public static IEnumerable<string> Statements()
    {
        yield return "CREATE TABLE IF NOT EXISTS archive_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)";
        // One pixel store file per collection; committed_length is the durable end of that file.
        yield return """
            CREATE TABLE IF NOT EXISTS collections(
              name TEXT PRIMARY KEY,
              title TEXT NOT NULL,
              data_rights TEXT NOT NULL DEFAULT 'public',
              pixel_file TEXT NOT NULL,
              committed_length INTEGER NOT NULL DEFAULT 0,
              created TEXT NOT NULL)
            """;
        // Where each spectrum's pixels are, and where it came from (#progenitor).
        yield return """
            CREATE TABLE IF NOT EXISTS spectrum_store(
              spec_id INTEGER PRIMARY KEY,
              collection TEXT NOT NULL,
              specobjid INTEGER NOT NULL,
              px_offset INTEGER NOT NULL,
              px_length INTEGER NOT NULL,
              npix INTEGER NOT NULL,
              source_path TEXT,
              source_bytes INTEGER,
              source_format TEXT,
              ingested TEXT NOT NULL,
              UNIQUE(collection, specobjid))
            """;
        foreach (var table in SchemaCatalog.SpectrumTables)
            foreach (var s in TableStatements(table)) yield return s;
        // SDSS's key, completed by obs_id: DESI's (plate, MJD, fibre) stand-ins repeat (a tile's cumulative and per-night
        // coadds; two tiles' fibres in one HEALPix coadd), its obs_id (group and TARGETID) does not. An older archive's index is replaced.
        yield return "DROP INDEX IF EXISTS specobj_plate_mjd_fiber";
        yield return $"CREATE UNIQUE INDEX IF NOT EXISTS specobj_fibre_obs_id ON specobj({string.Join(", ", SpecObjKey)})";
        // Positions as unit vectors: a cone is a 3-D box plus an exact test, with no RA wrap or pole trouble.
        yield return "CREATE VIRTUAL TABLE IF NOT EXISTS spatial_idx USING rtree(spec_id, x_min, x_max, y_min, y_max, z_min, z_max)";
        foreach (var s in StatisticsStatements()) yield return s;
        // Each collection's classes and their counts (the landing page), kept by the writer batch by batch.
        yield return "CREATE TABLE IF NOT EXISTS collection_classes(name TEXT NOT NULL, class TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY(name, class)) WITHOUT ROWID";
        foreach (var s in SkyCoverage.Statements()) yield return s;
        // The registry records this archive's server publishes (OAI-PMH), with their datestamps and deletions.
        yield return """
            CREATE TABLE IF NOT EXISTS registry_records(
              identifier TEXT PRIMARY KEY, set_spec TEXT NOT NULL, body TEXT NOT NULL,
              created TEXT NOT NULL, updated TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0)
            """;
    }

    /// <summary>Marks, in archive_meta, an archive whose collection_stats hold every spectrum (filled once at open).</summary>
    public const string StatisticsKey = "collection_stats";

    /// <summary>
    /// Each collection's count and ranges, kept by triggers in the statement that inserts (or deletes) a spectrum, so
    /// that probes, the landing page and the /spec contexts read one row per collection instead of aggregating the
    /// catalogue (issue 18: their cost must not grow with the archive). Every write path keeps it right.
    /// </summary>
    private static IEnumerable<string> StatisticsStatements()
    {
        yield return """
            CREATE TABLE IF NOT EXISTS collection_stats(
              name TEXT PRIMARY KEY, n INTEGER NOT NULL, wave_min REAL, wave_max REAL, z_min REAL, z_max REAL)
            """;
        yield return StatisticsTrigger;
        // Nothing deletes spectra today; if something does, that collection's ranges are recomputed (rare, per collection).
        yield return """
            CREATE TRIGGER IF NOT EXISTS specobj_stats_delete AFTER DELETE ON specobj BEGIN
              DELETE FROM collection_stats WHERE name = OLD.collection;
              INSERT INTO collection_stats(name, n, wave_min, wave_max, z_min, z_max)
                SELECT collection, count(*), min(wavemin), max(wavemax), min(z), max(z) FROM specobj WHERE collection = OLD.collection GROUP BY collection;
            END
            """;
    }

    /// <summary>The trigger that adds each inserted spectrum to its collection's statistics (a bulk load drops it and adds whole batches).</summary>
    public const string StatisticsTriggerName = "specobj_stats_insert";

    /// <summary>Adds every inserted spectrum to collection_stats in the statement that inserts it.</summary>
    public static string StatisticsTrigger { get; } = $"""
        CREATE TRIGGER IF NOT EXISTS {StatisticsTriggerName} AFTER INSERT ON specobj BEGIN
          {AddStatistics("VALUES (NEW.collection, 1, NEW.wavemin, NEW.wavemax, NEW.z, NEW.z)")};
        END
        """;

    /// <summary>
    /// Adds a batch's specobj rows, every spec_id from the first parameter on, to collection_stats under the collection
    /// the second names (a writer writes one): what the trigger does row by row, once a batch for a bulk load. A range
    /// of the key alone, with no GROUP BY: grouped by collection, SQLite read the whole collection through the unique
    /// (collection, plate, …) index at every batch, and a ten-million-row load's commits took 199 s instead of 72.
    /// </summary>
    public static string AddStatisticsSql(string first, string collection) =>
        AddStatistics($"SELECT {collection}, count(*), min(wavemin), max(wavemax), min(z), max(z) FROM specobj WHERE spec_id >= {first} HAVING count(*) > 0");

    // min()/max() of SQLite's scalar form are NULL when an argument is: coalesce keeps the other side.
    private static string AddStatistics(string source) => $"""
        INSERT INTO collection_stats(name, n, wave_min, wave_max, z_min, z_max)
          {source}
          ON CONFLICT(name) DO UPDATE SET n = n + excluded.n,
            wave_min = min(coalesce(wave_min, excluded.wave_min), coalesce(excluded.wave_min, wave_min)),
            wave_max = max(coalesce(wave_max, excluded.wave_max), coalesce(excluded.wave_max, wave_max)),
            z_min = min(coalesce(z_min, excluded.z_min), coalesce(excluded.z_min, z_min)),
            z_max = max(coalesce(z_max, excluded.z_max), coalesce(excluded.z_max, z_max))
        """;

    public static IEnumerable<string> TableStatements(TableSchema table)
    {
        var sb = new StringBuilder($"CREATE TABLE IF NOT EXISTS {Quote(table.SqlName)}(");
        for (int i = 0; i < table.Columns.Count; i++)
        {
            var c = table.Columns[i];
            if (i > 0) sb.Append(", ");
            sb.Append(Quote(c.Name)).Append(' ').Append(c.SqliteType);
            if (c.PrimaryKey) sb.Append(" PRIMARY KEY");
            else if (c.NotNull) sb.Append(" NOT NULL");
        }
        sb.Append(')');
        yield return sb.ToString();
        // Its stored BINARY2 rows, in a table of their own (RowImages).
        foreach (var images in RowImages.Tables.Where(t => t.Table == table)) yield return images.CreateStore;
        foreach (var (_, create) in SecondaryIndexes(table)) yield return create;
    }

    /// <summary>specobj's unique key: SDSS's (plate, MJD, fibre) in each collection, completed by obs_id.</summary>
    private static readonly string[] SpecObjKey = ["collection", "plate", "mjd", "fiberid", "obs_id"];

    /// <summary>
    /// The table's non-unique indexes (columns marked indexed in schemas/): name and statement. A column that leads the
    /// table's unique key is indexed by it already (specobj's collection): a second index would only cost a build and
    /// upkeep at every insert. Archives from before keep theirs.
    /// </summary>
    public static IEnumerable<(string Name, string Create)> SecondaryIndexes(TableSchema table) =>
        table.Columns.Where(c => c.Indexed && !c.PrimaryKey && !(table == SchemaCatalog.SpecObj && c.Name == SpecObjKey[0])).Select(c => (table.SqlName + "_" + c.Name,
            $"CREATE INDEX IF NOT EXISTS {Quote(table.SqlName + "_" + c.Name)} ON {Quote(table.SqlName)}({Quote(c.Name)})"));

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";
}
