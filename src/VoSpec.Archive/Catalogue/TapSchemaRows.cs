using VoSpec.Core.Schema;

namespace VoSpec.Archive.Catalogue;

/// <summary>
/// The rows of TAP_SCHEMA's five tables, from schemas/ and <see cref="TapSchema"/>: what every backend stores when an
/// archive opens, so that what TAP clients read and what the catalogue holds come from the same declarations.
/// </summary>
internal static class TapSchemaRows
{
    /// <summary>Each row as (table within TAP_SCHEMA, values in the table's column order).</summary>
    public static IEnumerable<(string Table, object?[] Values)> All()
    {
        var tables = SchemaCatalog.Published;
        var schemas = tables.Select(t => t.Schema).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        for (int i = 0; i < schemas.Count; i++)
            yield return ("schemas", [schemas[i], null, TapSchema.SchemaDescriptions.GetValueOrDefault(schemas[i], ""), i]);
        for (int i = 0; i < tables.Count; i++)
        {
            var t = tables[i];
            yield return ("tables", [t.Schema, t.QualifiedName, "table", t.Utype, t.Description, i]);
            int index = 0;
            foreach (var c in t.PublicColumns)
                yield return ("columns", [t.QualifiedName, c.AdqlName, c.Datatype, c.Arraysize, c.Xtype, TapSchema.ArraySizeNumber(c.Arraysize),
                    c.Description, c.Utype, c.Unit, c.Ucd, c.Indexed ? 1 : 0, c.Principal ? 1 : 0, c.Std ? 1 : 0, index++]);
        }
        foreach (var k in TapSchema.Keys)
        {
            yield return ("keys", [k.KeyId, k.From, k.Target, null, null]);
            yield return ("key_columns", [k.KeyId, k.FromColumn, k.TargetColumn]);
        }
    }
}
