using Npgsql;
using VoSpec.Core.Schema;

namespace VoSpec.Archive.Postgres;

/// <summary>
/// TAP_SCHEMA's five tables in PostgreSQL, refilled at every open with <see cref="Catalogue.TapSchemaRows"/> (as
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
        foreach (var (table, values) in Catalogue.TapSchemaRows.All()) Insert(conn, tx, table, values);
    }

    private static void Insert(NpgsqlConnection conn, NpgsqlTransaction tx, string table, object?[] values)
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
