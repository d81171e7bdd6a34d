using Microsoft.Data.Sqlite;
using VoSpec.Core.Schema;

namespace VoSpec.Archive.Sqlite;

/// <summary>
/// TAP_SCHEMA's five tables in the SQLite catalogue, filled every time an archive opens from schemas/ and
/// <see cref="TapSchema"/>: the same declarations that make the catalogue's DDL describe it to TAP clients, so the two
/// cannot drift apart.
/// </summary>
public static class TapSchemaTables
{
    internal static void Refresh(SqliteConnection conn, SqliteTransaction tx)
    {
        var tables = SchemaCatalog.Published;
        foreach (var t in tables.Where(t => t.Schema == TapSchema.SchemaName))
        {
            foreach (var sql in CatalogueDdl.TableStatements(t)) SqliteCatalogue.Execute(conn, sql, tx);
            SqliteCatalogue.Execute(conn, $"DELETE FROM {CatalogueDdl.Quote(t.SqlName)}", tx);
        }
        var schemas = tables.Select(t => t.Schema).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        for (int i = 0; i < schemas.Count; i++)
            Insert(conn, tx, "schemas", schemas[i], null, TapSchema.SchemaDescriptions.GetValueOrDefault(schemas[i], ""), i);
        for (int i = 0; i < tables.Count; i++)
        {
            var t = tables[i];
            Insert(conn, tx, "tables", t.Schema, t.QualifiedName, "table", t.Utype, t.Description, i);
            int index = 0;
            foreach (var c in t.PublicColumns)
                Insert(conn, tx, "columns", t.QualifiedName, c.AdqlName, c.Datatype, c.Arraysize, c.Xtype, TapSchema.ArraySizeNumber(c.Arraysize),
                    c.Description, c.Utype, c.Unit, c.Ucd, c.Indexed ? 1 : 0, c.Principal ? 1 : 0, c.Std ? 1 : 0, index++);
        }
        foreach (var k in TapSchema.Keys)
        {
            Insert(conn, tx, "keys", k.KeyId, k.From, k.Target, null, null);
            Insert(conn, tx, "key_columns", k.KeyId, k.FromColumn, k.TargetColumn);
        }
    }

    private static void Insert(SqliteConnection conn, SqliteTransaction tx, string table, params object?[] values)
    {
        var t = SchemaCatalog.Get($"{TapSchema.SchemaName}.{table}");
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"INSERT INTO {CatalogueDdl.Quote(t.SqlName)}({string.Join(", ", t.Columns.Select(c => CatalogueDdl.Quote(c.Name)))}) " +
                          $"VALUES ({string.Join(", ", t.Columns.Select((_, i) => "$" + i))})";
        for (int i = 0; i < t.Columns.Count; i++) cmd.Parameters.AddWithValue("$" + i, values[i] ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }
}
