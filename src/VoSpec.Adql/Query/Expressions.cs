using System.Globalization;

namespace VoSpec.Adql.Query;

public abstract record Expression : Node;

public enum NumericKind { Integer, Decimal, Approximate, Hexadecimal }

/// <summary>
/// An unsigned numeric literal. <see cref="Text"/> is the literal as written; <see cref="Value"/>
/// its value (integers and hex as exact longs when they fit).
/// </summary>
public sealed record NumericLiteral(string Text, NumericKind Kind) : Expression
{
    public double Value => Kind switch
    {
        NumericKind.Hexadecimal => (double)ulong.Parse(Text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture),
        _ => double.Parse(Text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    /// <summary>The exact integer value, when the literal is an integer that fits a long.</summary>
    public long? IntegerValue => Kind switch
    {
        NumericKind.Integer when long.TryParse(Text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) => v,
        NumericKind.Hexadecimal when ulong.TryParse(Text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var u) => unchecked((long)u),
        _ => null,
    };
}

public sealed record StringLiteral(string Value) : Expression;

public sealed record NullLiteral : Expression;

/// <summary>[[[catalog.]schema.]table.]column.</summary>
public sealed record ColumnReference(NodeList<Identifier> Parts) : Expression
{
    public Identifier Column => Parts[^1];
    public NodeList<Identifier> Qualifier => Parts.Take(Parts.Count - 1).ToNodeList();
}

public enum UnaryOperator { Plus, Minus, BitNot }

public sealed record UnaryExpression(UnaryOperator Operator, Expression Operand) : Expression;

public enum BinaryOperator { Multiply, Divide, Add, Subtract, Concat, BitAnd, BitXor, BitOr }

public sealed record BinaryExpression(BinaryOperator Operator, Expression Left, Expression Right) : Expression;

/// <summary>
/// A function call: a built-in (math, trig, string, geometry, COALESCE, IN_UNIT; <see cref="Name"/>
/// upper-case) or a user-defined function (<see cref="UserDefined"/>, name as written).
/// </summary>
public sealed record FunctionCall(string Name, NodeList<Expression> Arguments, bool UserDefined = false) : Expression;

public enum AggregateFunction { Count, Sum, Avg, Min, Max }

/// <summary>COUNT(*) (no argument), or AVG/MAX/MIN/SUM/COUNT([DISTINCT|ALL] x).</summary>
public sealed record Aggregate(AggregateFunction Function, Expression? Argument, bool Distinct) : Expression
{
    public bool ExplicitAll { get; init; }
}

/// <summary>CAST target: SMALLINT INTEGER BIGINT REAL DOUBLE PRECISION CHAR[(n)] VARCHAR[(n)] TIMESTAMP POINT CIRCLE POLYGON.</summary>
public sealed record CastType(string Name, int? Length) : Node
{
    public override string ToString() => Length is { } n ? $"{Name}({n})" : Name;
}

public sealed record CastExpression(Expression Operand, CastType Type) : Expression;

/// <summary>One WHEN of a CASE: a condition (searched CASE) or a value (simple CASE), and its result.</summary>
public sealed record WhenClause(Condition? Condition, Expression? Value, Expression Result) : Node;

/// <summary>CASE [operand] WHEN … THEN … [ELSE …] END.</summary>
public sealed record CaseExpression(Expression? Operand, NodeList<WhenClause> Whens, Expression? Else) : Expression;

/// <summary>(SELECT …) used as a value.</summary>
public sealed record ScalarSubquery(SelectStatement Query) : Expression;
