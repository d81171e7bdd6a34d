namespace VoSpec.Adql.Query;

/// <summary>
/// A whole query or subquery: [WITH …] body [ORDER BY …] [OFFSET n]. The body is one SELECT or a
/// tree of set operations. WITH is only allowed on the outermost statement.
/// </summary>
public sealed record SelectStatement(
    NodeList<CommonTableExpression> With,
    QueryBody Body,
    NodeList<OrderItem> OrderBy,
    long? Offset) : Node
{
    /// <summary>TOP of the statement when its body is a plain SELECT.</summary>
    public long? Top => Body is QuerySpecification q ? q.Top : null;
}

/// <summary>WITH name [(columns)] AS (query).</summary>
public sealed record CommonTableExpression(Identifier Name, NodeList<Identifier> Columns, SelectStatement Query) : Node;

public abstract record QueryBody : Node;

/// <summary>SELECT [DISTINCT] [TOP n] items FROM … [WHERE] [GROUP BY] [HAVING].</summary>
public sealed record QuerySpecification(
    bool Distinct,
    long? Top,
    NodeList<SelectItem> Items,
    NodeList<FromItem> From,
    Condition? Where,
    NodeList<Expression> GroupBy,
    Condition? Having) : QueryBody;

public enum SetOperator { Union, Except, Intersect }

/// <summary>left UNION|EXCEPT|INTERSECT [ALL] right.</summary>
public sealed record SetOperation(SetOperator Operator, bool All, QueryBody Left, QueryBody Right) : QueryBody;

/// <summary>A parenthesised set operand, which may carry its own ORDER BY and OFFSET.</summary>
public sealed record ParenthesizedQuery(SelectStatement Query) : QueryBody;

/// <summary>ORDER BY term: an expression, an output column name/alias, or a 1-based position.</summary>
public sealed record OrderItem(Expression Expression, bool Descending) : Node
{
    /// <summary>The select-list position when the term is an unsigned integer literal.</summary>
    public int? ColumnNumber => Expression is NumericLiteral { Kind: NumericKind.Integer } n && n.Value is >= 1 and <= int.MaxValue ? (int)n.Value : null;
}
