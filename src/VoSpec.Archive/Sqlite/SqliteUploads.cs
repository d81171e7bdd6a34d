using System.Globalization;
using Microsoft.Data.Sqlite;
using VoSpec.Adql.Db;
using VoSpec.Archive.Queries;
using VoSpec.Core.Faults;
using VoSpec.Core.Schema;

namespace VoSpec.Archive.Sqlite;

/// <summary>
/// TAP uploads on SQLite: each uploaded table becomes a TEMP table, named uniquely, on the query's own connection
/// (visible to ADQL only as TAP_UPLOAD.name). Connections are kept between queries, so the query drops them
/// (<see cref="Drop"/>) when it is done.
/// </summary>
internal static class SqliteUploads
{
    public static IReadOnlyList<TableSchema> Create(SqliteConnection conn, IReadOnlyList<UploadedTable> uploads)
    {
        var tables = new List<TableSchema>();
        foreach (var upload in uploads) tables.Add(Create(conn, upload, $"tap_upload_{Guid.NewGuid():N}_{tables.Count}"));
        return tables;
    }

    private static TableSchema Create(SqliteConnection conn, UploadedTable upload, string sqlName)
    {
        var (name, table) = (upload.Name, upload.Table);
        var columns = Columns(upload);
        string Quote(string s) => "\"" + s.Replace("\"", "\"\"") + "\"";
        var cols = columns.Select(c => $"{Quote(c.Name)} {StorageType(c)}");
        using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = $"CREATE TEMP TABLE {Quote(sqlName)}({string.Join(", ", cols)})";
            cmd.ExecuteNonQuery();
        }
        using var tx = conn.BeginTransaction();
        using (var insert = conn.CreateCommand())
        {
            insert.Transaction = tx;
            insert.CommandText = $"INSERT INTO {Quote(sqlName)} VALUES ({string.Join(", ", columns.Select((_, i) => "$p" + i))})";
            var ps = columns.Select((_, i) => insert.Parameters.Add(new SqliteParameter("$p" + i, null))).ToArray();
            foreach (var row in table.Rows)
            {
                for (int i = 0; i < ps.Length; i++) ps[i].Value = Storage(i < row.Length ? row[i] : null);
                insert.ExecuteNonQuery();
            }
        }
        tx.Commit();
        return TableMetadata.UploadTable(name, sqlName, columns);
    }

    /// <summary>The uploaded table's columns as the ADQL checker sees them (any backend).</summary>
    internal static List<ColumnSchema> Columns(UploadedTable upload)
    {
        var columns = new List<ColumnSchema>();
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var f in upload.Table.Fields)
        {
            if (!used.Add(f.Name)) throw new UserInputException($"UPLOAD {upload.Name}: column '{f.Name}' appears twice");
            columns.Add(new ColumnSchema
            {
                // arraysize="1" is a deprecated way of saying scalar.
                Name = f.Name, Datatype = f.Datatype, Arraysize = f.Arraysize == "1" ? null : f.Arraysize, Xtype = f.Xtype, Unit = f.Unit, Ucd = f.Ucd,
                Utype = f.Utype, Description = f.Description ?? "",
            });
        }
        return columns;
    }

    public static void Drop(SqliteConnection conn, IEnumerable<TableSchema> uploads)
    {
        foreach (var t in uploads)
        {
            using var cmd = conn.CreateCommand();
            cmd.CommandText = $"DROP TABLE IF EXISTS temp.\"{t.SqlName}\"";
            cmd.ExecuteNonQuery();
        }
    }

    internal static string StorageType(ColumnSchema c)
    {
        bool array = c.Arraysize is not null && c.Datatype is not ("char" or "unicodeChar");
        if (array) return "TEXT";
        return c.Datatype switch
        {
            "boolean" or "bit" or "unsignedByte" or "short" or "int" or "long" => "INTEGER",
            "float" or "double" => "REAL",
            _ => "TEXT",
        };
    }

    /// <summary>Values as SQLite stores them; arrays and geometries as DALI text (space-separated numbers).</summary>
    internal static object Storage(object? v) => v switch
    {
        null => DBNull.Value,
        // SQLite has no NaN; VOTable treats a NaN float as null anyway.
        double d when double.IsNaN(d) => DBNull.Value,
        float f when float.IsNaN(f) => DBNull.Value,
        bool b => b ? 1L : 0L,
        // Complex has no SQLite type (binding it threw InvalidOperationException, a 500): DALI text "re im".
        System.Numerics.Complex c => c.Real.ToString("R", CultureInfo.InvariantCulture) + " " + c.Imaginary.ToString("R", CultureInfo.InvariantCulture),
        System.Numerics.Complex[] a => string.Join(' ', a.Select(c => c.Real.ToString("R", CultureInfo.InvariantCulture) + " " + c.Imaginary.ToString("R", CultureInfo.InvariantCulture))),
        double[] a => string.Join(' ', a.Select(x => x.ToString("R", CultureInfo.InvariantCulture))),
        float[] a => string.Join(' ', a.Select(x => x.ToString("R", CultureInfo.InvariantCulture))),
        long[] a => string.Join(' ', a),
        int[] a => string.Join(' ', a),
        short[] a => string.Join(' ', a),
        byte[] a => string.Join(' ', a),
        bool[] a => string.Join(' ', a.Select(x => x ? "T" : "F")),
        Array a => string.Join(' ', a.Cast<object>().Select(x => Convert.ToString(x, CultureInfo.InvariantCulture))),
        DateTime d => d.ToString("yyyy-MM-dd'T'HH:mm:ss.FFF", CultureInfo.InvariantCulture),
        _ => v,
    };
}
