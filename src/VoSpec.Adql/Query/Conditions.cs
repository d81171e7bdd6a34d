namespace VoSpec.Adql.Query;

/// <summary>A search condition (WHERE, HAVING, ON, CASE WHEN).</summary>
public abstract record Condition : Node;

public sealed record AndCondition(Condition Left, Condition Right) : Condition;
public sealed record OrCondition(Condition Left, Condition Right) : Condition;
public sealed record NotCondition(Condition Operand) : Condition;

public enum ComparisonOperator { Equal, NotEqual, Less, Greater, LessOrEqual, GreaterOrEqual }

/// <summary>How comparison operators are written; ADQL and SQLite spell them alike.</summary>
public static class ComparisonOperators
{
    public static string Text(this ComparisonOperator op) => op switch
    {
        ComparisonOperator.Equal => " = ",
        ComparisonOperator.NotEqual => " <> ",
        ComparisonOperator.Less => " < ",
        ComparisonOperator.Greater => " > ",
        ComparisonOperator.LessOrEqual => " <= ",
        _ => " >= ",
    };
}

public sealed record Comparison(ComparisonOperator Operator, Expression Left, Expression Right) : Condition;
public sealed record Between(Expression Value, Expression Low, Expression High, bool Negated) : Condition;
public sealed record InList(Expression Value, NodeList<Expression> Values, bool Negated) : Condition;
public sealed record InSubquery(Expression Value, SelectStatement Query, bool Negated) : Condition;
/// <summary>LIKE (case-sensitive) or ILIKE (case-insensitive).</summary>
public sealed record Like(Expression Value, Expression Pattern, bool Negated, bool CaseInsensitive) : Condition;
public sealed record IsNull(Expression Value, bool Negated) : Condition;
public sealed record Exists(SelectStatement Query) : Condition;
