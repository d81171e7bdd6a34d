using VoSpec.Adql.Query;
using VoSpec.Core.Schema;

namespace VoSpec.Adql.Db;

/// <summary>A column a FROM item offers: its ADQL name, its type, and where its metadata came from.</summary>
public sealed record SourceColumn(string Name, AdqlType Type, ColumnSchema? Schema, string SqlName);

/// <summary>Something in FROM that offers columns: a declared table, a CTE or a derived table.</summary>
public abstract class Source(string sqlAlias, Identifier? alias, IReadOnlyList<SourceColumn> columns)
{
    /// <summary>The alias the translated SQL uses (t1, t2…), never user text.</summary>
    public string SqlAlias { get; } = sqlAlias;
    public Identifier? Alias { get; } = alias;
    public IReadOnlyList<SourceColumn> Columns { get; } = columns;

    public abstract bool Matches(NodeList<Identifier> qualifier);
    public abstract string Describe();
}

/// <summary>A table declared in the metadata (published or uploaded).</summary>
public sealed class TableSource(string sqlAlias, Identifier? alias, TableSchema table)
    : Source(sqlAlias, alias, table.PublicColumns.Select(c => new SourceColumn(c.Name, AdqlType.Of(c), c, c.Name)).ToList())
{
    public TableSchema Table { get; } = table;

    public override bool Matches(NodeList<Identifier> q)
    {
        if (Alias is not null) return q.Count == 1 && q[0].Matches(Alias);
        return q.Count switch
        {
            1 => q[0].Matches(Table.Name),
            2 => q[0].Matches(Table.Schema) && q[1].Matches(Table.Name),
            _ => false,
        };
    }

    public override string Describe() => Alias is null ? Table.QualifiedName : $"{Table.QualifiedName} AS {Alias}";
}

/// <summary>A derived table (subquery in FROM) or a reference to a CTE.</summary>
public sealed class QuerySource(string sqlAlias, Identifier? alias, Identifier? cteName, IReadOnlyList<SourceColumn> columns, string? cteSqlName)
    : Source(sqlAlias, alias, columns)
{
    public Identifier? CteName { get; } = cteName;
    /// <summary>The CTE's name in the translated SQL, for CTE references.</summary>
    public string? CteSqlName { get; } = cteSqlName;

    public override bool Matches(NodeList<Identifier> q) =>
        q.Count == 1 && (Alias is not null ? q[0].Matches(Alias) : CteName is not null && q[0].Matches(CteName));

    public override string Describe() => (Alias ?? CteName)?.Name ?? SqlAlias;
}

/// <summary>What a column reference resolved to.</summary>
public abstract record ColumnBinding(AdqlType Type, ColumnSchema? Schema);

/// <summary>A column of one FROM item.</summary>
public sealed record SourceColumnBinding(Source Source, SourceColumn Column) : ColumnBinding(Column.Type, Column.Schema);

/// <summary>A column shared by both sides of a USING or NATURAL join, referenced without qualifier.</summary>
public sealed record MergedColumnBinding(string Name, JoinKind Kind, ColumnBinding Left, ColumnBinding Right)
    : ColumnBinding(Kind == JoinKind.Right ? Right.Type : Left.Type, Kind == JoinKind.Right ? Right.Schema : Left.Schema);

/// <summary>An output column of the same SELECT, named in ORDER BY or GROUP BY (0-based index).</summary>
public sealed record OutputBinding(int Index, SelectOutput Output) : ColumnBinding(Output.Type, Output.Schema);

/// <summary>
/// One column of a query's result: its name, type, the declared column it is (for plain column
/// references, so FIELDs carry unit/UCD/utype), and either its expression or, for * and t.*, its column.
/// </summary>
public sealed record SelectOutput(string Name, AdqlType Type, ColumnSchema? Schema, Expression? Expression, ColumnBinding? Column)
{
    /// <summary>The unit an IN_UNIT output converts to, in place of any declared column's unit.</summary>
    public string? Unit { get; init; }
}

/// <summary>An IN_UNIT call's target unit and the factor that converts its argument into it.</summary>
public sealed record UnitConversion(string Unit, double Factor);
