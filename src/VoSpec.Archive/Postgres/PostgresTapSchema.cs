using Npgsql;
using VoSpec.Core.Schema;

namespace VoSpec.Archive.Postgres;

/// <summary>
/// TAP_SCHEMA's five tables in PostgreSQL, refilled at every open from schemas/ and <see cref="TapSchema"/> (as
/// <see cref="Sqlite.TapSchemaTables"/> does for SQLite): what TAP clients read and what the catalogue holds come
/// from the same declarations.
/// </summary>
internal static class PostgresTapSchema
{
    public static void Refresh(NpgsqlConnection conn, NpgsqlTransaction tx)
    {
        var tables = SchemaCatalog.Published;
        foreach (var t in tables.Where(t => t.Schema == TapSchema.SchemaName))
        {
            foreach (var sql in PostgresDdl.TableStatements(t)) PostgresCatalogue.Execute(conn, sql, tx);
            PostgresCatalogue.Execute(conn, $"DELETE FROM {PostgresDdl.Quote(t.SqlName)}", tx);
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

    private static void Insert(NpgsqlConnection conn, NpgsqlTransaction tx, string table, params object?[] values)
    {
        var t = SchemaCatalog.Get($"{TapSchema.SchemaName}.{table}");
        using var cmd = new NpgsqlCommand(
            $"INSERT INTO {PostgresDdl.Quote(t.SqlName)}({string.Join(", ", t.Columns.Select(c => PostgresDdl.Quote(c.Name)))}) " +
            $"VALUES ({string.Join(", ", t.Columns.Select((_, i) => "@p" + i))})", conn, tx);
        for (int i = 0; i < t.Columns.Count; i++)
            cmd.Parameters.AddWithValue("p" + i, PostgresValues.As(t.Columns[i], values[i]) ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }
}
