using VoSpec.Core.Schema;

namespace VoSpec.Adql.Db;

/// <summary>
/// The tables one query may name. The TAP layer gives the published tables plus that request's
/// uploads (schema TAP_UPLOAD); nothing else is reachable from ADQL.
/// </summary>
public interface ITableMetadata
{
    IReadOnlyList<TableSchema> Tables { get; }
}

/// <summary>The tables declared in schemas/ (<see cref="SchemaCatalog"/>), plus per-query upload tables.</summary>
public sealed class TableMetadata(IEnumerable<TableSchema> tables) : ITableMetadata
{
    public const string UploadSchema = "TAP_UPLOAD";

    public IReadOnlyList<TableSchema> Tables { get; } = tables.ToList();

    /// <summary>Every published table of schemas/.</summary>
    public static TableMetadata Published { get; } = new(SchemaCatalog.Published);

    /// <summary>These tables plus uploads; each upload must be in schema TAP_UPLOAD.</summary>
    public TableMetadata WithUploads(IEnumerable<TableSchema> uploads)
    {
        var list = uploads.ToList();
        foreach (var u in list)
            if (!string.Equals(u.Schema, UploadSchema, StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"upload table {u.QualifiedName} must be in schema {UploadSchema}");
        return new TableMetadata(Tables.Concat(list));
    }

    /// <summary>
    /// An upload table's metadata: <paramref name="name"/> is what ADQL names after TAP_UPLOAD.,
    /// <paramref name="sqlName"/> the table the TAP layer loaded it into on the query's connection.
    /// </summary>
    public static TableSchema UploadTable(string name, string sqlName, IReadOnlyList<ColumnSchema> columns) => new()
    {
        Schema = UploadSchema,
        Name = name,
        SqlName = sqlName,
        Description = "uploaded table",
        Columns = columns,
    };
}
