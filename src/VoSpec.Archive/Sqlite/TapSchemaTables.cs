using Microsoft.Data.Sqlite;
using VoSpec.Core.Schema;

namespace VoSpec.Archive.Sqlite;

/// <summary>
/// TAP_SCHEMA's five tables in the SQLite catalogue, filled every time an archive opens with
/// <see cref="Catalogue.TapSchemaRows"/>: the same declarations that make the catalogue's DDL describe it to TAP
/// clients, so the two cannot drift apart.
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
        foreach (var (table, values) in Catalogue.TapSchemaRows.All()) Insert(conn, tx, table, values);
    }

    private static void Insert(SqliteConnection conn, SqliteTransaction tx, string table, object?[] values)
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
