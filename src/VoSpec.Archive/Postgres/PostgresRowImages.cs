using System.Text;
using Npgsql;
using NpgsqlTypes;
using VoSpec.Adql.Translator;
using VoSpec.Archive.Catalogue;
using VoSpec.Archive.Sqlite;
using VoSpec.VOTable;

namespace VoSpec.Archive.Postgres;

/// <summary>
/// ObsCore's stored BINARY2 rows on PostgreSQL: the same bytes as SQLite keeps (<see cref="RowImages"/>, made by the one
/// encoder, <see cref="Binary2RowImages"/>), as a bytea column of the table's own rows, so that a whole-row TAP result
/// reads one cell a row in the same scan as the plain query. PostgreSQL cannot call the encoder, so the database keeps
/// them right by refusing stale ones instead of re-encoding: an UPDATE that changes a public column without bringing new
/// bytes sets them to NULL (a BEFORE trigger), and a deferred constraint trigger refuses to commit any row whose bytes
/// are NULL; VoSpec's own writes bring the bytes (binary COPY from the writer) or encode the rows they changed before
/// committing (<see cref="EncodeMissing"/>: data rights, migration, a new layout at start). A row the database lets
/// through therefore always has the bytes of its current columns.
/// </summary>
internal static class PostgresRowImages
{
    /// <summary>The tables as the ADQL translator reads them: the bytes in the table itself.</summary>
    public static IReadOnlyList<RowImageSource> Sources { get; } =
        RowImages.Tables.Select(t => new RowImageSource(t.Table.QualifiedName, t.Column, t.ColumnNames, t.Table.SqlName, t.Key)).ToList();

    /// <summary>What the stored rows and the triggers of <paramref name="t"/> were made for; both are made anew when it changes.</summary>
    private static string Version(RowImageTable t) => t.Layout + "|" + string.Join(",", t.ColumnNames);

    private static string MetaKey(RowImageTable t) => "row_images:" + t.Table.QualifiedName;

    /// <summary>Whether every table's stored rows were made for this build (else TAP encodes every cell).</summary>
    public static bool Current(NpgsqlConnection conn) => RowImages.Tables.All(t =>
        PostgresCatalogue.Scalar<string>(conn, "SELECT value FROM archive_meta WHERE key = @k", null, ("k", MetaKey(t))) == Version(t));

    /// <summary>Adds the column and the triggers where missing, and encodes every row again when the layout changed.</summary>
    public static void Ensure(NpgsqlConnection conn, NpgsqlTransaction tx, Action<string>? log)
    {
        foreach (var t in RowImages.Tables)
        {
            var stored = PostgresCatalogue.Scalar<string>(conn, "SELECT value FROM archive_meta WHERE key = @k", tx, ("k", MetaKey(t)));
            if (stored == Version(t)) continue; // nothing to change: no lock taken on the table at a start
            string table = PostgresDdl.Quote(t.Table.SqlName), column = PostgresDdl.Quote(t.Column), key = PostgresDdl.Quote(t.Key);
            string name = t.Table.SqlName + "_binary2";
            PostgresCatalogue.Maintenance(conn, $"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} bytea", tx);
            // Finds the rows to encode (none, but for a moment inside a transaction that changed some).
            PostgresCatalogue.Maintenance(conn, $"CREATE INDEX IF NOT EXISTS {PostgresDdl.Quote(name + "_missing")} ON {table}({key}) WHERE {column} IS NULL", tx);
            PostgresCatalogue.Execute(conn, $"""
                CREATE OR REPLACE FUNCTION {PostgresDdl.Quote(name + "_stale")}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN NEW.{column} := NULL; RETURN NEW; END $$
                """, tx);
            PostgresCatalogue.Execute(conn, $"""
                CREATE OR REPLACE FUNCTION {PostgresDdl.Quote(name + "_check")}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF EXISTS (SELECT 1 FROM {table} WHERE {key} = NEW.{key} AND {column} IS NULL) THEN
                    RAISE EXCEPTION '{t.Table.SqlName} row % has no stored BINARY2 bytes: its rows are written by VoSpec only (vospec ingest, migrate, serve)', NEW.{key};
                  END IF;
                  RETURN NULL;
                END $$
                """, tx);
            var publicColumns = string.Join(", ", t.ColumnNames.Append(t.Key).Distinct().Select(PostgresDdl.Quote));
            string Row(string which) => $"ROW({string.Join(", ", t.ColumnNames.Append(t.Key).Distinct().Select(c => which + "." + PostgresDdl.Quote(c)))})";
            PostgresCatalogue.Execute(conn, $"DROP TRIGGER IF EXISTS {PostgresDdl.Quote(name + "_stale")} ON {table}", tx);
            PostgresCatalogue.Execute(conn, $"""
                CREATE TRIGGER {PostgresDdl.Quote(name + "_stale")} BEFORE UPDATE OF {publicColumns} ON {table} FOR EACH ROW
                WHEN ({Row("OLD")} IS DISTINCT FROM {Row("NEW")} AND OLD.{column} IS NOT DISTINCT FROM NEW.{column})
                EXECUTE FUNCTION {PostgresDdl.Quote(name + "_stale")}()
                """, tx);
            PostgresCatalogue.Execute(conn, $"DROP TRIGGER IF EXISTS {PostgresDdl.Quote(name + "_check")} ON {table}", tx);
            // Queued only for a row left without bytes (the WHEN is tested at once): a COPY that brings them costs nothing.
            PostgresCatalogue.Execute(conn, $"""
                CREATE CONSTRAINT TRIGGER {PostgresDdl.Quote(name + "_check")} AFTER INSERT OR UPDATE ON {table}
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.{column} IS NULL)
                EXECUTE FUNCTION {PostgresDdl.Quote(name + "_check")}()
                """, tx);
            log?.Invoke($"encoding the stored BINARY2 rows of {t.Table.QualifiedName} (their layout changed, or they are new)");
            PostgresCatalogue.Maintenance(conn, $"UPDATE {table} SET {column} = NULL WHERE {column} IS NOT NULL", tx);
            EncodeMissing(conn, tx);
            PostgresCatalogue.Execute(conn, "INSERT INTO archive_meta(key, value) VALUES (@k, @v) ON CONFLICT (key) DO UPDATE SET value = excluded.value", tx,
                ("k", MetaKey(t)), ("v", Version(t)));
        }
    }

    /// <summary>
    /// Encodes every row without stored bytes (a row whose public columns a statement of this transaction changed, or
    /// a row copied in without them), a slice at a time in key order, with the writer's encoder; returns the rows encoded.
    /// </summary>
    public static long EncodeMissing(NpgsqlConnection conn, NpgsqlTransaction tx, int slice = 20_000)
    {
        long total = 0;
        foreach (var t in RowImages.Tables)
        {
            string table = PostgresDdl.Quote(t.Table.SqlName), column = PostgresDdl.Quote(t.Column), key = PostgresDdl.Quote(t.Key);
            var select = new StringBuilder($"SELECT {key}");
            foreach (var c in t.ColumnNames) select.Append(", ").Append(PostgresDdl.Quote(c));
            select.Append($" FROM {table} WHERE {column} IS NULL AND {key} > @last ORDER BY {key} LIMIT {slice}");
            var encoder = new Binary2RowImages(t.Fields);
            var columns = Enumerable.Range(0, t.ColumnNames.Count).ToArray();
            long last = long.MinValue;
            while (true)
            {
                var keys = new List<long>(slice);
                var images = new List<byte[]>(slice);
                using (var cmd = new NpgsqlCommand(select.ToString(), conn, tx) { CommandTimeout = 0 })
                {
                    cmd.Parameters.AddWithValue("last", last);
                    using var r = cmd.ExecuteReader();
                    // Slot 0 of the values is the stored bytes' in the writer's rows (BatchRows); unused here.
                    var values = new object?[columns.Length + 1];
                    while (r.Read())
                    {
                        keys.Add(r.GetInt64(0));
                        for (int i = 0; i < columns.Length; i++) values[i + 1] = r.IsDBNull(i + 1) ? null : r.GetValue(i + 1);
                        images.Add(encoder.Encode(new BatchRows.ValueCells(values, columns)).ToArray());
                    }
                }
                if (keys.Count == 0) break;
                using (var cmd = new NpgsqlCommand($"UPDATE {table} AS o SET {column} = v.b FROM unnest(@k, @b) AS v(k, b) WHERE o.{key} = v.k", conn, tx) { CommandTimeout = 0 })
                {
                    cmd.Parameters.Add(new NpgsqlParameter("k", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = keys.ToArray() });
                    cmd.Parameters.Add(new NpgsqlParameter("b", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = images.ToArray() });
                    cmd.ExecuteNonQuery();
                }
                total += keys.Count;
                last = keys[^1];
                if (keys.Count < slice) break;
            }
        }
        return total;
    }
}
