using System.Text;
using VoSpec.Archive.Sqlite;
using VoSpec.Adql.Translator;
using VoSpec.Core.Schema;

namespace VoSpec.Archive.Postgres;

/// <summary>
/// The catalogue's tables in PostgreSQL, from the same declarations as SQLite's (<see cref="CatalogueDdl"/>): the
/// published tables (ivoa.obscore, spec.specobj, TAP_SCHEMA) generated from schemas/ under the same SQL names, so that
/// one ADQL checker and one set of names serve both backends; the bookkeeping tables declared here. Positions are
/// indexed by their Q3C key in a B-tree (cones on ObsCore's footprint too, widened by the largest one), through
/// expression indexes over the declared columns (<see cref="SpatialIndexes"/>): nothing extra is stored, so no write path can leave
/// it stale, and binary COPY (which needs every column's binary input, which pgSphere's types lack) still works.
/// ADQL runs as <see cref="QueryRole"/>, which may only read the published tables.
/// </summary>
internal static class PostgresDdl
{
    /// <summary>Bumped whenever these tables change; a database of another version must be rebuilt.</summary>
    public const string SchemaVersion = "pg2";

    /// <summary>The role ADQL queries run as (SET LOCAL ROLE): SELECT on the published tables, nothing else.</summary>
    public const string QueryRole = "vospec_adql";

    public static IEnumerable<string> Statements()
    {
        yield return "CREATE TABLE IF NOT EXISTS archive_meta(key text PRIMARY KEY, value text NOT NULL)";
        yield return """
            CREATE TABLE IF NOT EXISTS collections(
              name text PRIMARY KEY, title text NOT NULL, data_rights text NOT NULL DEFAULT 'public',
              pixel_file text NOT NULL, committed_length bigint NOT NULL DEFAULT 0, created text NOT NULL)
            """;
        yield return """
            CREATE TABLE IF NOT EXISTS spectrum_store(
              spec_id bigint PRIMARY KEY, collection text NOT NULL, specobjid bigint NOT NULL,
              px_offset bigint NOT NULL, px_length bigint NOT NULL, npix integer NOT NULL,
              source_path text, source_bytes bigint, source_format text, ingested text NOT NULL,
              UNIQUE(collection, specobjid))
            """;
        foreach (var table in SchemaCatalog.SpectrumTables)
            foreach (var s in TableStatements(table)) yield return s;
        // SDSS's key, completed by obs_id: DESI's (plate, MJD, fibre) stand-ins repeat (a tile's cumulative and per-night
        // coadds; two tiles' fibres in one HEALPix coadd), its obs_id (group and TARGETID) does not. An older archive's index is replaced.
        yield return "DROP INDEX IF EXISTS specobj_plate_mjd_fiber";
        yield return "CREATE UNIQUE INDEX IF NOT EXISTS specobj_fibre_obs_id ON specobj(collection, plate, mjd, fiberid, obs_id)";
        foreach (var (_, create) in SpatialIndexes()) yield return create;
        // Kept by the writer in each batch's transaction (SQLite's triggers do it there): one row per collection.
        yield return """
            CREATE TABLE IF NOT EXISTS collection_stats(
              name text PRIMARY KEY, n bigint NOT NULL, wave_min double precision, wave_max double precision,
              z_min double precision, z_max double precision)
            """;
        yield return "CREATE TABLE IF NOT EXISTS collection_classes(name text NOT NULL, class text NOT NULL, n bigint NOT NULL, PRIMARY KEY(name, class))";
        yield return "CREATE TABLE IF NOT EXISTS coverage_cells(collection text NOT NULL, cell bigint NOT NULL, PRIMARY KEY(collection, cell))";
        yield return "CREATE TABLE IF NOT EXISTS collection_coverage(name text PRIMARY KEY, t_min double precision, t_max double precision, updated text NOT NULL)";
        yield return """
            CREATE TABLE IF NOT EXISTS registry_records(
              identifier text PRIMARY KEY, set_spec text NOT NULL, body text NOT NULL,
              created text NOT NULL, updated text NOT NULL, deleted integer NOT NULL DEFAULT 0)
            """;
        // UWS jobs live with the catalogue, so that every server on the database sees them; results stay in ARCHIVE/jobs.
        yield return """
            CREATE TABLE IF NOT EXISTS uws_jobs(
              id text PRIMARY KEY, run_id text, owner_id text, phase text NOT NULL,
              creation_time text NOT NULL, start_time text, end_time text,
              execution_duration integer NOT NULL, destruction text NOT NULL,
              parameters text NOT NULL, result_mime text, result_size bigint, error_message text, grants text, client text)
            """;
        yield return "CREATE INDEX IF NOT EXISTS uws_jobs_creation ON uws_jobs(creation_time)";
        yield return JobLease;
        // The checks ADQL's translation calls where PostgreSQL or pgSphere would not fail on their own (IMMUTABLE: pure).
        yield return """
            CREATE OR REPLACE FUNCTION vospec_lat(d double precision) RETURNS double precision LANGUAGE plpgsql IMMUTABLE AS $$
            BEGIN
              IF d < -90 OR d > 90 THEN RAISE EXCEPTION 'latitude % is outside [-90, 90]', d; END IF;
              RETURN d;
            END $$
            """;
        yield return """
            CREATE OR REPLACE FUNCTION vospec_double(t text) RETURNS double precision LANGUAGE plpgsql IMMUTABLE AS $$
            BEGIN
              RETURN t::double precision;
            EXCEPTION WHEN invalid_text_representation THEN
              RAISE EXCEPTION 'CAST: ''%'' is not a number', t;
            END $$
            """;
    }

    /// <summary>
    /// The lease of a queued or running job (PostgresJobStore): added to a database made before it too, when a server
    /// opens its job store.
    /// </summary>
    public const string JobLease = "ALTER TABLE uws_jobs ADD COLUMN IF NOT EXISTS lease_until timestamptz";

    /// <summary>The PostgreSQL type of a column's declared VOTable type.</summary>
    public static string SqlType(ColumnSchema c) => c.Datatype switch
    {
        "boolean" or "short" or "unsignedByte" => "smallint",
        "int" => "integer",
        "long" => "bigint",
        "float" => "real",
        "double" => "double precision",
        "char" or "unicodeChar" => "text",
        _ => throw new InvalidDataException($"column {c.Name}: unknown datatype '{c.Datatype}'"),
    };

    public static IEnumerable<string> TableStatements(TableSchema table)
    {
        var sb = new StringBuilder($"CREATE TABLE IF NOT EXISTS {Quote(table.SqlName)}(");
        for (int i = 0; i < table.Columns.Count; i++)
        {
            var c = table.Columns[i];
            if (i > 0) sb.Append(", ");
            sb.Append(Quote(c.Name)).Append(' ').Append(SqlType(c));
            if (c.PrimaryKey) sb.Append(" PRIMARY KEY");
            else if (c.NotNull) sb.Append(" NOT NULL");
        }
        sb.Append(')');
        yield return sb.ToString();
        foreach (var (_, create) in SecondaryIndexes(table)) yield return create;
    }

    /// <summary>
    /// The spatial indexes: the positions' Q3C key in a B-tree (<see cref="PostgresTranslator.PositionKey"/>), the very
    /// expression the translator's cones read (<see cref="PostgresTranslator.ConeIndexTest"/>), so the planner matches
    /// it. Cones on ObsCore's footprint read the same index, widened by the largest footprint's radius from the B-tree
    /// on its diameter (s_fov, indexed in schemas/; <see cref="PostgresTranslator.RegionIndexTest"/>). Up to schema pg1
    /// the positions and the footprint had pgSphere GiST indexes: a B-tree builds by sorting, GiST over pgSphere's types
    /// by inserting one key at a time, and at ten million rows those three builds took ~160 s of CPU (docs/benchmarks.md).
    /// </summary>
    public static IEnumerable<(string Name, string Create)> SpatialIndexes()
    {
        foreach (var table in new[] { SchemaCatalog.SpecObj, SchemaCatalog.ObsCore })
        {
            var s = SpatialIndexTable.Archive.FirstOrDefault(t => t.Table.Equals(table.QualifiedName, StringComparison.OrdinalIgnoreCase));
            if (s is null) continue;
            string name = Quote(table.SqlName);
            yield return ($"{table.SqlName}_q3c", $"CREATE INDEX IF NOT EXISTS {Quote(table.SqlName + "_q3c")} ON {name}(({PostgresTranslator.PositionKey(name, s)}))");
        }
    }

    /// <summary>The table's non-unique indexes (columns marked indexed in schemas/), named as SQLite names them.</summary>
    public static IEnumerable<(string Name, string Create)> SecondaryIndexes(TableSchema table) =>
        table.Columns.Where(c => c.Indexed && !c.PrimaryKey).Select(c => (table.SqlName + "_" + c.Name,
            $"CREATE INDEX IF NOT EXISTS {Quote(table.SqlName + "_" + c.Name)} ON {Quote(table.SqlName)}({Quote(c.Name)})"));

    public static string Quote(string identifier) => CatalogueDdl.Quote(identifier);
}
