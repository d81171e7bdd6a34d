using Microsoft.Data.Sqlite;
using VoSpec.Core.Schema;

namespace VoSpec.Archive.Sqlite;

/// <summary>
/// TAP_SCHEMA's five tables, filled from schemas/ every time an archive opens: the same declarations
/// that make the catalogue's DDL describe it to TAP clients, so the two cannot drift apart.
/// </summary>
public static class TapSchemaTables
{
    public const string SchemaName = "TAP_SCHEMA";

    /// <summary>What each published schema holds.</summary>
    public static readonly IReadOnlyDictionary<string, string> SchemaDescriptions = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["ivoa"] = "IVOA-defined tables: the ObsCore 1.1 table of every spectrum in the archive",
        ["spec"] = "VoSpec's own catalogue: one SDSS specObj-style row per spectrum, for every collection",
        [SchemaName] = "Metadata of the tables in this TAP service (TAP 1.1)",
    };

    /// <summary>TAP_SCHEMA's own foreign keys (TAP 1.1 section 4).</summary>
    public static readonly IReadOnlyList<(string KeyId, string From, string Target, string FromColumn, string TargetColumn)> Keys =
    [
        ("tables_schema", "TAP_SCHEMA.tables", "TAP_SCHEMA.schemas", "schema_name", "schema_name"),
        ("columns_table", "TAP_SCHEMA.columns", "TAP_SCHEMA.tables", "table_name", "table_name"),
        ("keys_from", "TAP_SCHEMA.keys", "TAP_SCHEMA.tables", "from_table", "table_name"),
        ("keys_target", "TAP_SCHEMA.keys", "TAP_SCHEMA.tables", "target_table", "table_name"),
        ("key_columns_key", "TAP_SCHEMA.key_columns", "TAP_SCHEMA.keys", "key_id", "key_id"),
    ];

    /// <summary>The size column of TAP_SCHEMA.columns: the integer part of a 1-D arraysize, else null.</summary>
    public static int? ArraySizeNumber(string? arraysize)
    {
        if (string.IsNullOrEmpty(arraysize) || arraysize.Contains('x')) return null;
        var digits = arraysize.TrimEnd('*');
        return int.TryParse(digits, out var n) ? n : null;
    }

    internal static void Refresh(SqliteConnection conn, SqliteTransaction tx)
    {
        var tables = SchemaCatalog.Published;
        foreach (var t in tables.Where(t => t.Schema == SchemaName))
        {
            foreach (var sql in CatalogueDdl.TableStatements(t)) SqliteCatalogue.Execute(conn, sql, tx);
            SqliteCatalogue.Execute(conn, $"DELETE FROM {CatalogueDdl.Quote(t.SqlName)}", tx);
        }
        var schemas = tables.Select(t => t.Schema).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        for (int i = 0; i < schemas.Count; i++)
            Insert(conn, tx, "schemas", schemas[i], null, SchemaDescriptions.GetValueOrDefault(schemas[i], ""), i);
        for (int i = 0; i < tables.Count; i++)
        {
            var t = tables[i];
            Insert(conn, tx, "tables", t.Schema, t.QualifiedName, "table", t.Utype, t.Description, i);
            int index = 0;
            foreach (var c in t.PublicColumns)
                Insert(conn, tx, "columns", t.QualifiedName, c.AdqlName, c.Datatype, c.Arraysize, c.Xtype, ArraySizeNumber(c.Arraysize),
                    c.Description, c.Utype, c.Unit, c.Ucd, c.Indexed ? 1 : 0, c.Principal ? 1 : 0, c.Std ? 1 : 0, index++);
        }
        foreach (var k in Keys)
        {
            Insert(conn, tx, "keys", k.KeyId, k.From, k.Target, null, null);
            Insert(conn, tx, "key_columns", k.KeyId, k.FromColumn, k.TargetColumn);
        }
    }

    private static void Insert(SqliteConnection conn, SqliteTransaction tx, string table, params object?[] values)
    {
        var t = SchemaCatalog.Get($"{SchemaName}.{table}");
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"INSERT INTO {CatalogueDdl.Quote(t.SqlName)}({string.Join(", ", t.Columns.Select(c => CatalogueDdl.Quote(c.Name)))}) " +
                          $"VALUES ({string.Join(", ", t.Columns.Select((_, i) => "$" + i))})";
        for (int i = 0; i < t.Columns.Count; i++) cmd.Parameters.AddWithValue("$" + i, values[i] ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }
}
