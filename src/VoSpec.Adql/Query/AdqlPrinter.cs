using System.Text;
using VoSpec.Adql.Parsing;

namespace VoSpec.Adql.Query;

/// <summary>
/// Tree → ADQL text. Parentheses are added only where precedence needs them, so that parsing the
/// printed text gives back an equal tree. Conditions and expressions go through the walk it shares with the SQL
/// translators (<see cref="AdqlWalker"/>); statements, FROM and the ADQL spellings are its own.
/// </summary>
public sealed class AdqlPrinter : AdqlWalker
{
    private static readonly AdqlPrinter s_printer = new();

    private AdqlPrinter() { }

    public static string Print(SelectStatement statement)
    {
        var sb = new StringBuilder();
        s_printer.Statement(sb, statement);
        return sb.ToString();
    }

    public static string Print(Expression expression)
    {
        var sb = new StringBuilder();
        s_printer.Expr(sb, expression);
        return sb.ToString();
    }

    public static string Print(Condition condition)
    {
        var sb = new StringBuilder();
        s_printer.Cond(sb, condition, 0);
        return sb.ToString();
    }

    private void Statement(StringBuilder sb, SelectStatement s)
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

    private void Body(StringBuilder sb, QueryBody body)
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

    private void Specification(StringBuilder sb, QuerySpecification q)
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

    private void From(StringBuilder sb, FromItem item)
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

    protected override bool Parenthesized(Condition c, int context) => Precedence(c) < context;
    protected override bool Parenthesized(Expression e, int context) => Precedence(e) < context;
    protected override void Subquery(StringBuilder sb, SelectStatement query) => Statement(sb, query);
    protected override void Column(StringBuilder sb, ColumnReference c) => sb.AppendJoin('.', c.Parts);
    protected override void Number(StringBuilder sb, NumericLiteral n) => sb.Append(n.Text);

    protected override void Unary(StringBuilder sb, UnaryExpression u)
    {
        sb.Append(u.Operator switch { UnaryOperator.Plus => "+", UnaryOperator.Minus => "-", _ => "~" });
        // Never print "--" (a comment): a nested sign is always parenthesised.
        Expr(sb, u.Operand, u.Operand is UnaryExpression ? 11 : 9);
    }

    protected override void Function(StringBuilder sb, FunctionCall f)
    {
        sb.Append(f.Name).Append('(');
        for (int i = 0; i < f.Arguments.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            Expr(sb, f.Arguments[i]);
        }
        sb.Append(')');
    }

    protected override void Aggregate(StringBuilder sb, Aggregate a)
    {
        sb.Append(a.Function.ToString().ToUpperInvariant()).Append('(');
        if (a.Argument is null) sb.Append('*');
        else
        {
            if (a.Distinct) sb.Append("DISTINCT ");
            else if (a.ExplicitAll) sb.Append("ALL ");
            Expr(sb, a.Argument);
        }
        sb.Append(')');
    }

    protected override void Cast(StringBuilder sb, CastExpression c)
    {
        sb.Append("CAST(");
        Expr(sb, c.Operand);
        sb.Append(" AS ").Append(c.Type).Append(')');
    }

    protected override void Like(StringBuilder sb, Like l)
    {
        Expr(sb, l.Value);
        sb.Append(l.Negated ? " NOT" : "").Append(l.CaseInsensitive ? " ILIKE " : " LIKE ");
        Expr(sb, l.Pattern);
    }
}
