using VoSpec.Core.Schema;
using VoSpec.Core.Spectra;

namespace VoSpec.Archive.Catalogue;

/// <summary>
/// The rows of the surveys' own tables (schemas/ tables with a <see cref="TableSchema.Survey"/>: desi.fibermap,
/// lamost.lrs) for a batch of stored spectra, in each table's column order, for every backend's writer: the archive's
/// keys (spec_id, specobjid, collection) and the reader's <see cref="SpectrumMeta.SurveyColumns"/> by name.
/// </summary>
internal static class SurveyTableRows
{
    /// <summary>Each survey table with the rows of the spectra that belong in it (tables with none are left out).</summary>
    public static IEnumerable<(TableSchema Table, List<object?[]> Rows)> Of(IEnumerable<(SpectrumMeta Meta, long SpecId)> stored, string collection)
    {
        var tables = SchemaCatalog.SurveyTables;
        if (tables.Count == 0) return [];
        var rows = tables.ToDictionary(t => t.Survey!, t => (Table: t, Rows: new List<object?[]>()), StringComparer.Ordinal);
        foreach (var (meta, specId) in stored)
        {
            if (meta.SurveyColumns is not { } values || !rows.TryGetValue(meta.Instrument, out var target)) continue;
            var columns = target.Table.Columns;
            var row = new object?[columns.Count];
            for (int i = 0; i < row.Length; i++)
                row[i] = columns[i].Name switch
                {
                    "spec_id" => specId,
                    "specobjid" => meta.SpecObjId,
                    "collection" => collection,
                    var name => values.GetValueOrDefault(name),
                };
            target.Rows.Add(row);
        }
        return rows.Values.Where(r => r.Rows.Count > 0);
    }
}
