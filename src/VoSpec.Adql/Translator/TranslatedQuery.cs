using VoSpec.Adql.Db;
using VoSpec.Core.Schema;

namespace VoSpec.Adql.Translator;

/// <summary>
/// One result column: its name, its VOTable type, and — for plain column references — the declared
/// column it came from, whose unit, UCD, utype and description the FIELD carries.
/// </summary>
public sealed record OutputColumn(string Name, string Datatype, string? Arraysize, string? Xtype, ColumnSchema? Source)
{
    /// <summary>Set for IN_UNIT outputs: the unit converted to.</summary>
    public string? ConvertedUnit { get; init; }
    public string? Unit => ConvertedUnit ?? Source?.Unit;
    public string? Ucd => Source?.Ucd;
    public string? Utype => Source?.Utype;
    public string? Description => Source?.Description;

    /// <summary>The result columns of a checked query, known before (and whatever) its translation.</summary>
    public static IReadOnlyList<OutputColumn> Of(CheckedQuery q) => q.Columns.Select(o => new OutputColumn(
        o.Name,
        o.Schema?.Datatype ?? o.Type.Datatype,
        o.Schema is not null ? o.Schema.Arraysize : o.Type.Arraysize,
        o.Schema is not null ? o.Schema.Xtype : o.Type.Xtype,
        o.Schema) { ConvertedUnit = o.Unit }).ToList();
}

/// <summary>
/// SQLite SQL for one ADQL query, with its output columns in select-list order. <see cref="Top"/>
/// is the query's TOP (already applied in the SQL as LIMIT), so the TAP layer can tell TOP from MAXREC.
/// </summary>
public sealed record TranslatedQuery(string Sql, IReadOnlyList<OutputColumn> Columns, long? Top)
{
    public CheckedQuery? Checked { get; init; }
    /// <summary>Named parameters the SQL refers to ($name → value); bind them all before running it.</summary>
    public IReadOnlyList<(string Name, object? Value)> Parameters { get; init; } = [];
    /// <summary>
    /// The SQL returns one column, each row's stored output bytes (<see cref="RowImageSource"/>), in place of
    /// <see cref="Columns"/>, which still describe the result.
    /// </summary>
    public bool RowImages { get; init; }
}
