namespace VoSpec.Adql.Translator;

/// <summary>
/// A declared table whose rows are also stored encoded for output (BINARY2): in SQLite in a SQL table beside it keyed
/// by the table's primary key, in PostgreSQL in a column of the table's own rows. A query that selects exactly <see cref="Columns"/> of it, in that order, is answered with the
/// stored bytes alone.
/// </summary>
/// <param name="Table">The table's qualified ADQL name, e.g. ivoa.obscore.</param>
/// <param name="Column">The SQL column holding a row's bytes.</param>
/// <param name="Columns">The columns the stored bytes encode, in order (SQL names).</param>
/// <param name="StoreTable">The SQL table holding the bytes (SQLite: a table beside it; PostgreSQL: the table itself).</param>
/// <param name="Key">The primary key column, in the table and in <paramref name="StoreTable"/>.</param>
public sealed record RowImageSource(string Table, string Column, IReadOnlyList<string> Columns, string StoreTable, string Key);
