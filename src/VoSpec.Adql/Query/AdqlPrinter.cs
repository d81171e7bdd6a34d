using System.Text;
using VoSpec.Adql.Parsing;

namespace VoSpec.Adql.Query;

/// <summary>
/// Tree → ADQL text. Parentheses are added only where precedence needs them, so that parsing the
/// printed text gives back an equal tree.
/// </summary>
public static class AdqlPrinter
{
    public static string Print(SelectStatement statement)
    {
        var sb = new StringBuilder();
        Statement(sb, statement);
        return sb.ToString();
    }

    public static string Print(Expression expression)
    {
        var sb = new StringBuilder();
        Expr(sb, expression);
        return sb.ToString();
    }

    public static string Print(Condition condition)
    {
        var sb = new StringBuilder();
        Cond(sb, condition, 0);
        return sb.ToString();
    }

    private static void Statement(StringBuilder sb, SelectStatement s)
    {
        NestingGuard.Check(s.Position);
        if (s.With.Count > 0)
        {
            sb.Append("WITH ");
            for (int i = 0; i < s.With.Count; i++)
            {
                var cte = s.With[i];
                if (i > 0) sb.Append(", ");
                sb.Append(cte.Name);
                if (cte.Columns.Count > 0) sb.Append('(').AppendJoin(", ", cte.Columns).Append(')');
                sb.Append(" AS (");
                Statement(sb, cte.Query);
                sb.Append(')');
            }
            sb.Append(' ');
        }
        Body(sb, s.Body);
        if (s.OrderBy.Count > 0)
        {
            sb.Append(" ORDER BY ");
            for (int i = 0; i < s.OrderBy.Count; i++)
            {
                if (i > 0) sb.Append(", ");
                Expr(sb, s.OrderBy[i].Expression);
                if (s.OrderBy[i].Descending) sb.Append(" DESC");
            }
        }
        if (s.Offset is { } offset) sb.Append(" OFFSET ").Append(offset);
    }

    private static void Body(StringBuilder sb, QueryBody body)
    {
        NestingGuard.Check(body.Position);
        switch (body)
        {
            case QuerySpecification q: Specification(sb, q); break;
            case ParenthesizedQuery p: sb.Append('('); Statement(sb, p.Query); sb.Append(')'); break;
            case SetOperation op:
                Body(sb, op.Left);
                sb.Append(op.Operator switch { SetOperator.Union => " UNION ", SetOperator.Except => " EXCEPT ", _ => " INTERSECT " });
                if (op.All) sb.Append("ALL ");
                Body(sb, op.Right);
                break;
            default: throw new ArgumentException($"unknown query body {body.GetType().Name}");
        }
    }

    private static void Specification(StringBuilder sb, QuerySpecification q)
    {
        sb.Append("SELECT ");
        if (q.Distinct) sb.Append("DISTINCT ");
        if (q.Top is { } top) sb.Append("TOP ").Append(top).Append(' ');
        for (int i = 0; i < q.Items.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            switch (q.Items[i])
            {
                case AllColumns: sb.Append('*'); break;
                case TableColumns t: sb.AppendJoin('.', t.Table).Append(".*"); break;
                case ExpressionItem e:
                    Expr(sb, e.Expression);
                    if (e.Alias is { } alias) sb.Append(" AS ").Append(alias);
                    break;
            }
        }
        sb.Append(" FROM ");
        for (int i = 0; i < q.From.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            From(sb, q.From[i]);
        }
        if (q.Where is { } where) { sb.Append(" WHERE "); Cond(sb, where, 0); }
        if (q.GroupBy.Count > 0)
        {
            sb.Append(" GROUP BY ");
            for (int i = 0; i < q.GroupBy.Count; i++)
            {
                if (i > 0) sb.Append(", ");
                Expr(sb, q.GroupBy[i]);
            }
        }
        if (q.Having is { } having) { sb.Append(" HAVING "); Cond(sb, having, 0); }
    }

    private static void From(StringBuilder sb, FromItem item)
    {
        NestingGuard.Check(item.Position);
        switch (item)
        {
            case TableReference t:
                sb.AppendJoin('.', t.Name);
                if (t.Alias is { } alias) sb.Append(" AS ").Append(alias);
                break;
            case DerivedTable d:
                sb.Append('(');
                Statement(sb, d.Query);
                sb.Append(") AS ").Append(d.Alias);
                break;
            case Join j:
                From(sb, j.Left);
                if (j.Kind == JoinKind.Cross) sb.Append(" CROSS");
                else
                {
                    if (j.Natural) sb.Append(" NATURAL");
                    switch (j.Kind)
                    {
                        case JoinKind.Inner when j.ExplicitInner: sb.Append(" INNER"); break;
                        case JoinKind.Left: sb.Append(" LEFT"); break;
                        case JoinKind.Right: sb.Append(" RIGHT"); break;
                        case JoinKind.Full: sb.Append(" FULL"); break;
                    }
                    if (j.ExplicitOuter) sb.Append(" OUTER");
                }
                sb.Append(" JOIN ");
                if (j.Right is Join) { sb.Append('('); From(sb, j.Right); sb.Append(')'); }
                else From(sb, j.Right);
                if (j.On is { } on) { sb.Append(" ON "); Cond(sb, on, 0); }
                if (j.Using.Count > 0) sb.Append(" USING (").AppendJoin(", ", j.Using).Append(')');
                break;
        }
    }

    // Condition precedence: OR 1, AND 2, NOT 3, predicates 4.
    private static int Precedence(Condition c) => c switch { OrCondition => 1, AndCondition => 2, NotCondition => 3, _ => 4 };

    private static void Cond(StringBuilder sb, Condition c, int context)
    {
        NestingGuard.Check(c.Position);
        bool parens = Precedence(c) < context;
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
                Statement(sb, i.Query);
                sb.Append(')');
                break;
            case Like l:
                Expr(sb, l.Value);
                sb.Append(l.Negated ? " NOT" : "").Append(l.CaseInsensitive ? " ILIKE " : " LIKE ");
                Expr(sb, l.Pattern);
                break;
            case IsNull n:
                Expr(sb, n.Value);
                sb.Append(n.Negated ? " IS NOT NULL" : " IS NULL");
                break;
            case Exists e:
                sb.Append("EXISTS (");
                Statement(sb, e.Query);
                sb.Append(')');
                break;
            default: throw new ArgumentException($"unknown condition {c.GetType().Name}");
        }
        if (parens) sb.Append(')');
    }

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

    private static void Expr(StringBuilder sb, Expression e, int context = 0)
    {
        NestingGuard.Check(e.Position);
        bool parens = Precedence(e) < context;
        if (parens) sb.Append('(');
        switch (e)
        {
            case NumericLiteral n: sb.Append(n.Text); break;
            case StringLiteral s: sb.Append('\'').Append(s.Value.Replace("'", "''")).Append('\''); break;
            case NullLiteral: sb.Append("NULL"); break;
            case ColumnReference c: sb.AppendJoin('.', c.Parts); break;
            case UnaryExpression u:
                sb.Append(u.Operator switch { UnaryOperator.Plus => "+", UnaryOperator.Minus => "-", _ => "~" });
                // Never print "--" (a comment): a nested sign is always parenthesised.
                Expr(sb, u.Operand, u.Operand is UnaryExpression ? 11 : 9);
                break;
            case BinaryExpression b:
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
                break;
            }
            case FunctionCall f:
                sb.Append(f.Name).Append('(');
                for (int i = 0; i < f.Arguments.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    Expr(sb, f.Arguments[i]);
                }
                sb.Append(')');
                break;
            case Aggregate a:
                sb.Append(a.Function.ToString().ToUpperInvariant()).Append('(');
                if (a.Argument is null) sb.Append('*');
                else
                {
                    if (a.Distinct) sb.Append("DISTINCT ");
                    else if (a.ExplicitAll) sb.Append("ALL ");
                    Expr(sb, a.Argument);
                }
                sb.Append(')');
                break;
            case CastExpression c:
                sb.Append("CAST(");
                Expr(sb, c.Operand);
                sb.Append(" AS ").Append(c.Type).Append(')');
                break;
            case CaseExpression c:
                sb.Append("CASE");
                if (c.Operand is { } operand) { sb.Append(' '); Expr(sb, operand); }
                foreach (var w in c.Whens)
                {
                    sb.Append(" WHEN ");
                    if (w.Condition is { } cond) Cond(sb, cond, 0); else Expr(sb, w.Value!);
                    sb.Append(" THEN ");
                    Expr(sb, w.Result);
                }
                if (c.Else is { } otherwise) { sb.Append(" ELSE "); Expr(sb, otherwise); }
                sb.Append(" END");
                break;
            case ScalarSubquery s:
                sb.Append('(');
                Statement(sb, s.Query);
                sb.Append(')');
                break;
            default: throw new ArgumentException($"unknown expression {e.GetType().Name}");
        }
        if (parens) sb.Append(')');
    }
}
