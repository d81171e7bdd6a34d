namespace VoSpec.Adql.Translator;

/// <summary>
/// Rows of a declared table that a query must not see: those whose <see cref="Column"/> holds one of
/// <see cref="Values"/> (compared case-insensitively). The translator reads such a table through a filtered
/// subquery, so every query — joins, subqueries, CTEs, aggregates — sees the table without those rows.
/// The values are bound as parameters, never written into the SQL.
/// </summary>
/// <param name="Table">The table's qualified ADQL name, e.g. ivoa.obscore.</param>
/// <param name="Column">The column's SQL name, e.g. obs_collection.</param>
public sealed record HiddenRows(string Table, string Column, IReadOnlyList<string> Values);
