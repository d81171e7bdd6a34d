using System.Text;
using VoSpec.Adql.Parsing;

namespace VoSpec.Adql.Query;

/// <summary>
/// The one walk over conditions and expressions that both writers of query text share: <see cref="AdqlPrinter"/>
/// (tree → ADQL, parentheses only where precedence needs them) and the SQL translators (checked tree → SQL, every
/// operation parenthesized). It dispatches on the node type, bounds the depth (<see cref="NestingGuard"/>) and writes
/// the syntax the two languages share — AND/OR/NOT, comparisons, BETWEEN, IN, IS NULL, EXISTS, arithmetic, CASE,
/// scalar subqueries; a writer overrides what its language says otherwise (names, literals, signs, functions, casts,
/// LIKE, aggregates) and whether a node is parenthesized.
/// </summary>
public abstract class AdqlWalker
{
    // Condition precedence: OR 1, AND 2, NOT 3, predicates 4.
    protected static int Precedence(Condition c) => c switch { OrCondition => 1, AndCondition => 2, NotCondition => 3, _ => 4 };

    // Expression precedence, loosest first: | 3, ^ 4, & 5, || 6, + - 7, * / 8, unary 9, primary 10.
    internal static int Precedence(Expression e) => e switch
    {
        BinaryExpression b => Precedence(b.Operator),
        UnaryExpression => 9,
        _ => 10,
    };

    internal static int Precedence(BinaryOperator op) => op switch
    {
        BinaryOperator.BitOr => 3,
        BinaryOperator.BitXor => 4,
        BinaryOperator.BitAnd => 5,
        BinaryOperator.Concat => 6,
        BinaryOperator.Add or BinaryOperator.Subtract => 7,
        _ => 8,
    };

    /// <summary>Whether <paramref name="c"/>, written where precedence <paramref name="context"/> binds, gets parentheses.</summary>
    protected abstract bool Parenthesized(Condition c, int context);

    /// <summary>Whether <paramref name="e"/>, written where precedence <paramref name="context"/> binds, gets parentheses.</summary>
    protected abstract bool Parenthesized(Expression e, int context);

    /// <summary>A query nested in a condition or an expression (IN, EXISTS, a scalar subquery).</summary>
    protected abstract void Subquery(StringBuilder sb, SelectStatement query);

    protected abstract void Column(StringBuilder sb, ColumnReference column);
    protected abstract void Number(StringBuilder sb, NumericLiteral number);
    protected abstract void Unary(StringBuilder sb, UnaryExpression unary);
    protected abstract void Function(StringBuilder sb, FunctionCall function);
    protected abstract void Aggregate(StringBuilder sb, Aggregate aggregate);
    protected abstract void Cast(StringBuilder sb, CastExpression cast);
    protected abstract void Like(StringBuilder sb, Like like);

    protected void Cond(StringBuilder sb, Condition c, int context = 0)
    {
        NestingGuard.Check(c.Position);
        if (c is Like l) { Like(sb, l); return; }
        bool parens = Parenthesized(c, context);
        if (parens) sb.Append('(');
        switch (c)
        {
            case OrCondition o: Cond(sb, o.Left, 1); sb.Append(" OR "); Cond(sb, o.Right, 2); break;
            case AndCondition a: Cond(sb, a.Left, 2); sb.Append(" AND "); Cond(sb, a.Right, 3); break;
            case NotCondition n: sb.Append("NOT "); Cond(sb, n.Operand, 3); break;
            case Comparison cmp:
                Expr(sb, cmp.Left);
                sb.Append(cmp.Operator.Text());
                Expr(sb, cmp.Right);
                break;
            case Between b:
                Expr(sb, b.Value);
                sb.Append(b.Negated ? " NOT BETWEEN " : " BETWEEN ");
                Expr(sb, b.Low);
                sb.Append(" AND ");
                Expr(sb, b.High);
                break;
            case InList i:
                Expr(sb, i.Value);
                sb.Append(i.Negated ? " NOT IN (" : " IN (");
                for (int k = 0; k < i.Values.Count; k++)
                {
                    if (k > 0) sb.Append(", ");
                    Expr(sb, i.Values[k]);
                }
                sb.Append(')');
                break;
            case InSubquery i:
                Expr(sb, i.Value);
                sb.Append(i.Negated ? " NOT IN (" : " IN (");
                Subquery(sb, i.Query);
                sb.Append(')');
                break;
            case IsNull n:
                Expr(sb, n.Value);
                sb.Append(n.Negated ? " IS NOT NULL" : " IS NULL");
                break;
            case Exists e:
                sb.Append("EXISTS (");
                Subquery(sb, e.Query);
                sb.Append(')');
                break;
            default: throw new ArgumentException($"unknown condition {c.GetType().Name}");
        }
        if (parens) sb.Append(')');
    }

    protected void Expr(StringBuilder sb, Expression e, int context = 0)
    {
        NestingGuard.Check(e.Position);
        bool parens = Parenthesized(e, context);
        if (parens) sb.Append('(');
        switch (e)
        {
            case NumericLiteral n: Number(sb, n); break;
            case StringLiteral s: sb.Append('\'').Append(s.Value.Replace("'", "''")).Append('\''); break;
            case NullLiteral: sb.Append("NULL"); break;
            case ColumnReference c: Column(sb, c); break;
            case UnaryExpression u: Unary(sb, u); break;
            case BinaryExpression b: Binary(sb, b); break;
            case FunctionCall f: Function(sb, f); break;
            case Aggregate a: Aggregate(sb, a); break;
            case CastExpression c: Cast(sb, c); break;
            case CaseExpression c:
                sb.Append("CASE");
                if (c.Operand is { } operand) { sb.Append(' '); Expr(sb, operand); }
                foreach (var w in c.Whens)
                {
                    sb.Append(" WHEN ");
                    if (w.Condition is { } cond) Cond(sb, cond); else Expr(sb, w.Value!);
                    sb.Append(" THEN ");
                    Expr(sb, w.Result);
                }
                if (c.Else is { } otherwise) { sb.Append(" ELSE "); Expr(sb, otherwise); }
                sb.Append(" END");
                break;
            case ScalarSubquery s:
                sb.Append('(');
                Subquery(sb, s.Query);
                sb.Append(')');
                break;
            default: throw new ArgumentException($"unknown expression {e.GetType().Name}");
        }
        if (parens) sb.Append(')');
    }

    /// <summary>An arithmetic, string or bitwise operation: the operands bound as tightly as the operator needs.</summary>
    protected virtual void Binary(StringBuilder sb, BinaryExpression b)
    {
        int p = Precedence(b.Operator);
        Expr(sb, b.Left, p);
        sb.Append(b.Operator switch
        {
            BinaryOperator.Multiply => " * ",
            BinaryOperator.Divide => " / ",
            BinaryOperator.Add => " + ",
            BinaryOperator.Subtract => " - ",
            BinaryOperator.Concat => " || ",
            BinaryOperator.BitAnd => " & ",
            BinaryOperator.BitXor => " ^ ",
            _ => " | ",
        });
        Expr(sb, b.Right, p + 1);
    }
}
