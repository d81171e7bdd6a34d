namespace VoSpec.Adql.Translator;

/// <summary>
/// A declared table whose rows are also stored encoded for output (BINARY2), in one extra SQL column. A query that
/// selects exactly <see cref="Columns"/> of it, in that order, is answered with that column alone.
/// </summary>
/// <param name="Table">The table's qualified ADQL name, e.g. ivoa.obscore.</param>
/// <param name="Column">The SQL column holding a row's bytes.</param>
/// <param name="Columns">The columns the stored bytes encode, in order (SQL names).</param>
public sealed record RowImageSource(string Table, string Column, IReadOnlyList<string> Columns);
