namespace VoSpec.Core.Schema;

/// <summary>A table as declared in schemas/: published name (schema.table), SQLite name, columns.</summary>
public sealed record TableSchema
{
    /// <summary>The TAP schema name, e.g. "ivoa".</summary>
    public required string Schema { get; init; }
    /// <summary>The table name within its schema, e.g. "obscore".</summary>
    public required string Name { get; init; }
    /// <summary>The table's name in the SQLite catalogue.</summary>
    public required string SqlName { get; init; }
    public string Description { get; init; } = "";
    public string? Utype { get; init; }
    public required IReadOnlyList<ColumnSchema> Columns { get; init; }
    /// <summary>False for tables that describe a protocol's response (the SSA fields) rather than a TAP table.</summary>
    public bool Published { get; init; } = true;

    /// <summary>
    /// A survey's own catalogue: the instrument (SpectrumMeta.Instrument) whose spectra each get a row at ingest, the
    /// values from the reader's <c>SpectrumMeta.SurveyColumns</c> by column name (spec_id, specobjid and collection
    /// from the archive). Null for the tables every spectrum has a row in, or none.
    /// </summary>
    public string? Survey { get; init; }

    public string QualifiedName => $"{Schema}.{Name}";
    public IEnumerable<ColumnSchema> PublicColumns => Columns.Where(c => !c.Internal);

    public ColumnSchema? Column(string name) =>
        Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
}
