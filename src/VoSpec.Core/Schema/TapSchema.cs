namespace VoSpec.Core.Schema;

/// <summary>
/// What TAP_SCHEMA says beyond the tables of schemas/: each schema's description and TAP_SCHEMA's own foreign keys.
/// Written once here for every reader of the metadata — the archive's TAP_SCHEMA tables (whatever the backend) and the
/// VOSI tables document — so that the two cannot drift apart.
/// </summary>
public static class TapSchema
{
    public const string SchemaName = "TAP_SCHEMA";

    /// <summary>What each published schema holds.</summary>
    public static readonly IReadOnlyDictionary<string, string> SchemaDescriptions = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["ivoa"] = "IVOA-defined tables: the ObsCore 1.1 table of every spectrum in the archive",
        ["spec"] = "VoSpec's own catalogue: one SDSS specObj-style row per spectrum, for every collection",
        ["desi"] = "DESI's own values of each DESI spectrum (FIBERMAP columns, grouping by HEALPix pixel or tile)",
        ["lamost"] = "LAMOST's own values of each LAMOST LRS spectrum (the spectrum file's header)",
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
}
