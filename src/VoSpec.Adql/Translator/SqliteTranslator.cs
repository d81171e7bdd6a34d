using System.Globalization;
using System.Text;
using VoSpec.Adql.Db;
using VoSpec.Adql.Parsing;
using VoSpec.Adql.Query;
using VoSpec.Core.Schema;

namespace VoSpec.Adql.Translator;

/// <summary>Options of the SQLite dialect: which tables have the spatial index, the SQLite version.</summary>
public sealed record SqliteTranslatorOptions
{
    public IReadOnlyList<SpatialIndexTable> SpatialIndex { get; init; } = SpatialIndexTable.Archive;
    /// <summary>RIGHT and FULL OUTER JOIN exist from SQLite 3.39; below that RIGHT is rewritten and FULL refused.</summary>
    public Version SqliteVersion { get; init; } = SqliteAdqlFunctions.SqliteVersion;
    /// <summary>Rows to leave out of tables (access rights): such a table is read through a filtered subquery.</summary>
    public IReadOnlyList<HiddenRows> HiddenRows { get; init; } = [];
    /// <summary>Tables that keep each row's output bytes: a query that selects exactly such a row reads them instead.</summary>
    public IReadOnlyList<RowImageSource> RowImages { get; init; } = [];
    public static SqliteTranslatorOptions Default { get; } = new();
}

/// <summary>
/// ADQL tree → SQLite SQL. Every name in the SQL comes from the metadata or is generated (t1, c1,
/// cte1); every literal is re-emitted from its parsed value; so only read-only SELECTs over
/// declared tables and columns can come out.
/// </summary>
public sealed class SqliteTranslator
{
    private readonly CheckedQuery _q;
    private readonly SqliteTranslatorOptions _options;
    private readonly List<(string Name, object? Value)> _parameters = [];
    // Set when the top-level SELECT reads stored rows (RowImages): its statement, table and alias.
    private SelectStatement? _imageStatement;
    private (RowImageSource Image, string Alias)? _image;

    private SqliteTranslator(CheckedQuery q, SqliteTranslatorOptions options)
    {
        _q = q;
        _options = options;
    }

    public static TranslatedQuery Translate(SelectStatement query, ITableMetadata metadata, SqliteTranslatorOptions? options = null)
    {
        var checkedQuery = AdqlChecker.Check(query, metadata);
        return Translate(checkedQuery, options);
    }

    public static TranslatedQuery Translate(string adql, ITableMetadata metadata, SqliteTranslatorOptions? options = null) =>
        Translate(AdqlParser.Parse(adql), metadata, options);

    /// <summary>Translations run on this thread so far (the pipeline's tests count them).</summary>
    [ThreadStatic] internal static int RunsOnThisThread;

    public static TranslatedQuery Translate(CheckedQuery checkedQuery, SqliteTranslatorOptions? options = null)
    {
        RunsOnThisThread++;
        var t = new SqliteTranslator(checkedQuery, options ?? SqliteTranslatorOptions.Default);
        var sb = new StringBuilder();
        t.Statement(sb, checkedQuery.Root, topLevel: true);
        return new TranslatedQuery(sb.ToString(), OutputColumn.Of(checkedQuery), checkedQuery.Root.Top)
        {
            Checked = checkedQuery, Parameters = t._parameters, RowImages = t._image is not null,
        };
    }

    // ------------------------------------------------------------------ statements

    private void Statement(StringBuilder sb, SelectStatement s, bool topLevel)
    {
        NestingGuard.Check(s.Position);
        if (s.With.Count > 0)
        {
            sb.Append("WITH ");
            for (int i = 0; i < s.With.Count; i++)
            {
                var cte = s.With[i];
                if (i > 0) sb.Append(", ");
                int n = _q.OutputsOf(cte.Query).Count;
                sb.Append(_q.CteNames[cte]).Append('(').AppendJoin(", ", Enumerable.Range(1, n).Select(k => "c" + k)).Append(") AS (");
                Statement(sb, cte.Query, topLevel: false);
                sb.Append(')');
            }
            sb.Append(' ');
        }

        switch (s.Body)
        {
            case QuerySpecification spec:
                if (topLevel && s.With.Count == 0 && RowImageOf(spec) is { } image) { _image = image; _imageStatement = s; }
                Specification(sb, spec, topLevel);
                OrderBy(sb, s);
                Limit(sb, spec.Top, s.Offset);
                break;
            case ParenthesizedQuery p when s.OrderBy.Count == 0 && s.Offset is null:
                Statement(sb, p.Query, topLevel);
                break;
            default:
                Compound(sb, s.Body, topLevel);
                OrderBy(sb, s);
                Limit(sb, null, s.Offset);
                break;
        }
    }

    private void OrderBy(StringBuilder sb, SelectStatement s)
    {
        if (s.OrderBy.Count == 0) return;
        sb.Append(" ORDER BY ");
        for (int i = 0; i < s.OrderBy.Count; i++)
        {
            var item = s.OrderBy[i];
            if (i > 0) sb.Append(", ");
            if (_q.OrderByOutputs.TryGetValue(item, out var output))
            {
                // The stored-rows SELECT has one column: sort by what the output is, not by its position.
                if (ReferenceEquals(s, _imageStatement)) OutputValue(sb, output.Output);
                else sb.Append(output.Index + 1);
            }
            else Expr(sb, item.Expression);
            if (item.Descending) sb.Append(" DESC");
        }
    }

    private static void Limit(StringBuilder sb, long? top, long? offset)
    {
        if (top is null && offset is null) return;
        sb.Append(" LIMIT ").Append(top ?? -1);
        if (offset is { } o) sb.Append(" OFFSET ").Append(o);
    }

    /// <summary>A set operation. SQLite's compound operators are all left-associative with equal
    /// precedence, so a compound right operand is nested as a subquery.</summary>
    private void Compound(StringBuilder sb, QueryBody body, bool topLevel)
    {
        NestingGuard.Check(body.Position);
        switch (body)
        {
            case SetOperation op when op.All && op.Operator != SetOperator.Union:
                BagOperation(sb, op, topLevel);
                break;
            case SetOperation op:
                Compound(sb, op.Left, topLevel);
                sb.Append(op.Operator switch { SetOperator.Union => op.All ? " UNION ALL " : " UNION ", SetOperator.Except => " EXCEPT ", _ => " INTERSECT " });
                if (op.Right is SetOperation) { sb.Append("SELECT * FROM ("); Compound(sb, op.Right, topLevel); sb.Append(')'); }
                else Compound(sb, op.Right, topLevel);
                break;
            case QuerySpecification spec when spec.Top is null:
                Specification(sb, spec, topLevel);
                break;
            case QuerySpecification spec:
                sb.Append("SELECT * FROM (");
                Specification(sb, spec, topLevel);
                Limit(sb, spec.Top, null);
                sb.Append(')');
                break;
            case ParenthesizedQuery p:
                sb.Append("SELECT * FROM (");
                Statement(sb, p.Query, topLevel);
                sb.Append(')');
                break;
        }
    }

    /// <summary>
    /// EXCEPT ALL and INTERSECT ALL, which SQLite lacks: each side numbers the copies of equal rows
    /// (ROW_NUMBER over a partition by every column), the plain operator then works on (row, copy),
    /// and the copy number is dropped — so a row kept m−n (EXCEPT) or min(m, n) (INTERSECT) times.
    /// </summary>
    private void BagOperation(StringBuilder sb, SetOperation op, bool topLevel)
    {
        var outputs = _q.OutputsOf(op);
        var columns = string.Join(", ", Enumerable.Range(1, outputs.Count).Select(k => "c" + k));
        sb.Append("SELECT ");
        for (int i = 0; i < outputs.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append('c').Append(i + 1).Append(" AS ").Append(topLevel ? QuoteIdentifier(outputs[i].Name) : "c" + (i + 1));
        }
        sb.Append(" FROM (");
        Numbered(op.Left);
        sb.Append(op.Operator == SetOperator.Except ? " EXCEPT " : " INTERSECT ");
        Numbered(op.Right);
        sb.Append(')');

        void Numbered(QueryBody side)
        {
            sb.Append("SELECT ").Append(columns).Append(", ROW_NUMBER() OVER (PARTITION BY ").Append(columns).Append(") AS copy_number FROM (");
            Compound(sb, side, topLevel: false);
            sb.Append(')');
        }
    }

    private void Specification(StringBuilder sb, QuerySpecification q, bool topLevel)
    {
        sb.Append("SELECT ");
        if (q.Distinct) sb.Append("DISTINCT ");
        var outputs = _q.OutputsOf(q);
        if (topLevel && _image is { } img)
        {
            sb.Append(img.Alias).Append('.').Append(QuoteIdentifier(img.Image.Column)).Append(" AS row_binary2");
            outputs = [];
        }
        for (int i = 0; i < outputs.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            var o = outputs[i];
            bool daliOut = topLevel && o.Type.Xtype is "point" or "circle" or "polygon";
            if (daliOut) sb.Append("adql_dali(");
            if (o.Expression is { } e) Expr(sb, e);
            else Binding(sb, o.Column!);
            if (daliOut) sb.Append(')');
            sb.Append(" AS ").Append(topLevel ? QuoteIdentifier(o.Name) : "c" + (i + 1));
        }
        sb.Append(" FROM ");
        for (int i = 0; i < q.From.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            From(sb, q.From[i]);
        }
        if (q.Where is { } where)
        {
            sb.Append(" WHERE ");
            if (Conjuncts(where).Any(c => NativeCone(c) is not null))
            {
                // Cones on an indexed position are tested with SQLite's own math, not through geometry values.
                sb.AppendJoin(" AND ", Conjuncts(where).Select(c =>
                {
                    if (NativeCone(c) is { } native) return native;
                    var part = new StringBuilder("(");
                    Cond(part, c);
                    return part.Append(')').ToString();
                }));
            }
            else Cond(sb, where);
            foreach (var hint in SpatialHints(where)) sb.Append(" AND ").Append(hint);
        }
        if (q.GroupBy.Count > 0)
        {
            sb.Append(" GROUP BY ");
            for (int i = 0; i < q.GroupBy.Count; i++)
            {
                if (i > 0) sb.Append(", ");
                if (q.GroupBy[i] is ColumnReference c && _q.BindingOf(c) is OutputBinding ob)
                {
                    var o = ob.Output;
                    if (o.Expression is { } e) Expr(sb, e); else Binding(sb, o.Column!);
                }
                else Expr(sb, q.GroupBy[i]);
            }
        }
        if (q.Having is { } having) { sb.Append(" HAVING "); Cond(sb, having); }
    }

    /// <summary>
    /// The stored rows a query specification can read instead of its columns: one table with row images, selected
    /// whole (<c>*</c>, <c>t.*</c> or every column named in order), without DISTINCT, grouping or DALI geometry
    /// conversions. WHERE, ORDER BY, TOP and OFFSET stay as they are.
    /// </summary>
    private (RowImageSource Image, string Alias)? RowImageOf(QuerySpecification q)
    {
        if (_options.RowImages.Count == 0 || q.Distinct || q.GroupBy.Count > 0 || q.Having is not null) return null;
        if (q.From is not [TableReference t] || _q.SourceOf(t) is not TableSource ts) return null;
        var image = _options.RowImages.FirstOrDefault(r => r.Table.Equals(ts.Table.QualifiedName, StringComparison.OrdinalIgnoreCase));
        var outputs = _q.OutputsOf(q);
        if (image is null || outputs.Count != image.Columns.Count) return null;
        for (int i = 0; i < outputs.Count; i++)
        {
            var o = outputs[i];
            if (o.Type.Xtype is "point" or "circle" or "polygon" || o.Unit is not null) return null;
            var binding = o.Column ?? (o.Expression is ColumnReference c ? _q.BindingOf(c) : null);
            if (binding is not SourceColumnBinding sc || !ReferenceEquals(sc.Source, ts)
                || !sc.Column.SqlName.Equals(image.Columns[i], StringComparison.OrdinalIgnoreCase)) return null;
        }
        return (image, ts.SqlAlias);
    }

    private void OutputValue(StringBuilder sb, SelectOutput o)
    {
        if (o.Expression is { } e) Expr(sb, e); else Binding(sb, o.Column!);
    }

    // ------------------------------------------------------------------ FROM

    /// <summary>
    /// A declared table, or — when some of its rows are hidden — a subquery without them. SQLite flattens the
    /// subquery into the outer query, so the spatial index is still used for cones.
    /// </summary>
    private void TableName(StringBuilder sb, TableSource ts)
    {
        int index = -1;
        for (int i = 0; i < _options.HiddenRows.Count; i++)
            if (_options.HiddenRows[i].Table.Equals(ts.Table.QualifiedName, StringComparison.OrdinalIgnoreCase) && _options.HiddenRows[i].Values.Count > 0) { index = i; break; }
        if (index < 0) { sb.Append(QuoteIdentifier(ts.Table.SqlName)); return; }
        var hidden = _options.HiddenRows[index];
        sb.Append("(SELECT * FROM ").Append(QuoteIdentifier(ts.Table.SqlName))
          .Append(" WHERE lower(").Append(QuoteIdentifier(hidden.Column)).Append(") NOT IN (");
        for (int k = 0; k < hidden.Values.Count; k++)
        {
            // One parameter per value and filter, shared by every reference to the table (SQLite binds a name once).
            var name = $"$hidden_{index}_{k}";
            if (k > 0) sb.Append(", ");
            sb.Append(name);
            if (!_parameters.Exists(p => p.Name == name)) _parameters.Add((name, hidden.Values[k].ToLowerInvariant()));
        }
        sb.Append("))");
    }

    private void From(StringBuilder sb, FromItem item)
    {
        NestingGuard.Check(item.Position);
        switch (item)
        {
            case TableReference t:
            {
                var source = _q.SourceOf(t);
                switch (source)
                {
                    case TableSource ts: TableName(sb, ts); break;
                    case QuerySource qs: sb.Append(qs.CteSqlName); break;
                }
                sb.Append(" AS ").Append(source.SqlAlias);
                break;
            }
            case DerivedTable d:
                sb.Append('(');
                Statement(sb, d.Query, topLevel: false);
                sb.Append(") AS ").Append(_q.SourceOf(d).SqlAlias);
                break;
            case Join j:
            {
                var left = j.Left;
                var right = j.Right;
                string keyword;
                switch (j.Kind)
                {
                    case JoinKind.Cross: keyword = " CROSS JOIN "; break;
                    case JoinKind.Inner: keyword = " JOIN "; break;
                    case JoinKind.Left: keyword = " LEFT JOIN "; break;
                    case JoinKind.Right when _options.SqliteVersion >= new Version(3, 39):
                        keyword = " RIGHT JOIN "; break;
                    case JoinKind.Right:
                        // a RIGHT JOIN b ≡ b LEFT JOIN a: the select list is explicit, so column order is kept.
                        (left, right) = (right, left);
                        keyword = " LEFT JOIN "; break;
                    default:
                        if (_options.SqliteVersion < new Version(3, 39))
                            throw new AdqlUnsupportedException($"FULL OUTER JOIN is not supported by this server's SQLite {_options.SqliteVersion} (needs 3.39)", j.Position);
                        keyword = " FULL JOIN "; break;
                }
                JoinOperand(sb, left);
                sb.Append(keyword);
                JoinOperand(sb, right);
                if (j.Kind == JoinKind.Cross) break;
                sb.Append(" ON ");
                var merged = _q.JoinColumns[j];
                if (j.On is { } on) Cond(sb, on);
                else if (merged.Count == 0) sb.Append('1');
                else
                    for (int i = 0; i < merged.Count; i++)
                    {
                        if (i > 0) sb.Append(" AND ");
                        Binding(sb, merged[i].Left);
                        sb.Append(" = ");
                        Binding(sb, merged[i].Right);
                    }
                break;
            }
        }
    }

    private void JoinOperand(StringBuilder sb, FromItem item)
    {
        if (item is Join) { sb.Append('('); From(sb, item); sb.Append(')'); }
        else From(sb, item);
    }

    private void Binding(StringBuilder sb, ColumnBinding b)
    {
        switch (b)
        {
            case SourceColumnBinding s:
                bool dali = s.Column.Type.Xtype is "point" or "circle" or "polygon" && s.Source is TableSource;
                if (dali) sb.Append("adql_from_dali(");
                sb.Append(s.Source.SqlAlias).Append('.').Append(QuoteIdentifier(s.Column.SqlName));
                if (dali) sb.Append(", '").Append(s.Column.Type.Xtype).Append("')");
                break;
            case MergedColumnBinding m when m.Kind == JoinKind.Full:
                sb.Append("COALESCE(");
                Binding(sb, m.Left);
                sb.Append(", ");
                Binding(sb, m.Right);
                sb.Append(')');
                break;
            case MergedColumnBinding m:
                Binding(sb, m.Kind == JoinKind.Right ? m.Right : m.Left);
                break;
            case OutputBinding o:
                if (o.Output.Expression is { } e) Expr(sb, e); else Binding(sb, o.Output.Column!);
                break;
        }
    }

    // ------------------------------------------------------------------ conditions

    private void Cond(StringBuilder sb, Condition c)
    {
        NestingGuard.Check(c.Position);
        switch (c)
        {
            case AndCondition a: sb.Append('('); Cond(sb, a.Left); sb.Append(" AND "); Cond(sb, a.Right); sb.Append(')'); break;
            case OrCondition o: sb.Append('('); Cond(sb, o.Left); sb.Append(" OR "); Cond(sb, o.Right); sb.Append(')'); break;
            case NotCondition n: sb.Append("(NOT "); Cond(sb, n.Operand); sb.Append(')'); break;
            case Comparison cmp:
                sb.Append('(');
                Expr(sb, cmp.Left);
                sb.Append(cmp.Operator.Text());
                Expr(sb, cmp.Right);
                sb.Append(')');
                break;
            case Between b:
                sb.Append('(');
                Expr(sb, b.Value);
                sb.Append(b.Negated ? " NOT BETWEEN " : " BETWEEN ");
                Expr(sb, b.Low);
                sb.Append(" AND ");
                Expr(sb, b.High);
                sb.Append(')');
                break;
            case InList i:
                sb.Append('(');
                Expr(sb, i.Value);
                sb.Append(i.Negated ? " NOT IN (" : " IN (");
                for (int k = 0; k < i.Values.Count; k++)
                {
                    if (k > 0) sb.Append(", ");
                    Expr(sb, i.Values[k]);
                }
                sb.Append("))");
                break;
            case InSubquery i:
                sb.Append('(');
                Expr(sb, i.Value);
                sb.Append(i.Negated ? " NOT IN (" : " IN (");
                Statement(sb, i.Query, topLevel: false);
                sb.Append("))");
                break;
            case Like l when l.CaseInsensitive:
                sb.Append(l.Negated ? "(NOT (lower(" : "((lower(");
                Expr(sb, l.Value);
                sb.Append(") LIKE lower(");
                Expr(sb, l.Pattern);
                sb.Append(")))");
                break;
            case Like l when l.Pattern is StringLiteral pattern:
                // SQLite's LIKE ignores ASCII case; GLOB is case-sensitive and can still use indexes.
                sb.Append(l.Negated ? "(NOT (" : "((");
                Expr(sb, l.Value);
                sb.Append(" GLOB ").Append(QuoteString(LikeToGlob(pattern.Value))).Append("))");
                break;
            case Like l:
                sb.Append(l.Negated ? "(adql_like(" : "(adql_like(");
                Expr(sb, l.Value);
                sb.Append(", ");
                Expr(sb, l.Pattern);
                sb.Append(l.Negated ? ") = 0)" : ") = 1)");
                break;
            case IsNull n:
                sb.Append('(');
                Expr(sb, n.Value);
                sb.Append(n.Negated ? " IS NOT NULL)" : " IS NULL)");
                break;
            case Exists e:
                sb.Append("(EXISTS (");
                Statement(sb, e.Query, topLevel: false);
                sb.Append("))");
                break;
            default: throw new ArgumentException($"unknown condition {c.GetType().Name}");
        }
    }

    internal static string LikeToGlob(string like)
    {
        var sb = new StringBuilder();
        foreach (char ch in like)
            sb.Append(ch switch { '%' => "*", '_' => "?", '*' => "[*]", '?' => "[?]", '[' => "[[]", _ => ch.ToString() });
        return sb.ToString();
    }

    // ------------------------------------------------------------------ expressions

    private void Expr(StringBuilder sb, Expression e)
    {
        NestingGuard.Check(e.Position);
        switch (e)
        {
            case NumericLiteral n: sb.Append(Number(n)); break;
            case StringLiteral s: sb.Append(QuoteString(s.Value)); break;
            case NullLiteral: sb.Append("NULL"); break;
            case ColumnReference c: Binding(sb, _q.BindingOf(c)); break;
            case UnaryExpression u:
                switch (u.Operator)
                {
                    case UnaryOperator.Plus: Expr(sb, u.Operand); break;
                    case UnaryOperator.Minus: sb.Append("(- "); Expr(sb, u.Operand); sb.Append(')'); break;
                    default: sb.Append("(~ "); Expr(sb, u.Operand); sb.Append(')'); break;
                }
                break;
            case BinaryExpression b when b.Operator == BinaryOperator.BitXor:
                // SQLite has no XOR: a ^ b = (a | b) - (a & b).
                sb.Append("(("); Expr(sb, b.Left); sb.Append(" | "); Expr(sb, b.Right);
                sb.Append(") - ("); Expr(sb, b.Left); sb.Append(" & "); Expr(sb, b.Right); sb.Append("))");
                break;
            case BinaryExpression b:
                sb.Append('(');
                Expr(sb, b.Left);
                sb.Append(b.Operator switch
                {
                    BinaryOperator.Multiply => " * ",
                    BinaryOperator.Divide => " / ",
                    BinaryOperator.Add => " + ",
                    BinaryOperator.Subtract => " - ",
                    BinaryOperator.Concat => " || ",
                    BinaryOperator.BitAnd => " & ",
                    _ => " | ",
                });
                Expr(sb, b.Right);
                sb.Append(')');
                break;
            case Aggregate a:
                sb.Append(a.Function.ToString().ToUpperInvariant()).Append('(');
                if (a.Argument is null) sb.Append('*');
                else
                {
                    if (a.Distinct) sb.Append("DISTINCT ");
                    Expr(sb, a.Argument);
                }
                sb.Append(')');
                break;
            case CastExpression c: Cast(sb, c); break;
            case CaseExpression k:
                sb.Append("(CASE");
                if (k.Operand is { } operand) { sb.Append(' '); Expr(sb, operand); }
                foreach (var w in k.Whens)
                {
                    sb.Append(" WHEN ");
                    if (w.Condition is { } cond) Cond(sb, cond); else Expr(sb, w.Value!);
                    sb.Append(" THEN ");
                    Expr(sb, w.Result);
                }
                if (k.Else is { } otherwise) { sb.Append(" ELSE "); Expr(sb, otherwise); }
                sb.Append(" END)");
                break;
            case ScalarSubquery s:
                sb.Append('(');
                Statement(sb, s.Query, topLevel: false);
                sb.Append(')');
                break;
            case FunctionCall f: Function(sb, f); break;
            default: throw new ArgumentException($"unknown expression {e.GetType().Name}");
        }
    }

    private void Cast(StringBuilder sb, CastExpression c)
    {
        switch (c.Type.Name)
        {
            case "SMALLINT" or "INTEGER" or "BIGINT":
                sb.Append("adql_cast_int(");
                Expr(sb, c.Operand);
                sb.Append(", ").Append(c.Type.Name switch { "SMALLINT" => 16, "INTEGER" => 32, _ => 64 }).Append(')');
                break;
            case "REAL" or "DOUBLE PRECISION" when _q.TypeOf(c.Operand).IsString:
                // SQLite's CAST makes 0 of 'abc': a string that is not a number is an error instead.
                sb.Append("adql_cast_real(");
                Expr(sb, c.Operand);
                sb.Append(')');
                break;
            case "REAL" or "DOUBLE PRECISION":
                sb.Append("CAST(");
                Expr(sb, c.Operand);
                sb.Append(" AS REAL)");
                break;
            case "CHAR" or "VARCHAR":
                // CHAR without a length is CHAR(1) (SQL-92), declared char arraysize 1: cut to fit, as SQL's CAST does.
                if ((c.Type.Name == "CHAR" ? c.Type.Length ?? 1 : c.Type.Length) is { } n)
                {
                    sb.Append("substr(CAST(");
                    Expr(sb, c.Operand);
                    sb.Append(" AS TEXT), 1, ").Append(n).Append(')');
                }
                else
                {
                    sb.Append("CAST(");
                    Expr(sb, c.Operand);
                    sb.Append(" AS TEXT)");
                }
                break;
            case "TIMESTAMP":
                sb.Append("adql_timestamp(");
                Expr(sb, c.Operand);
                sb.Append(')');
                break;
            default: // POINT, CIRCLE, POLYGON from DALI strings
                if (_q.TypeOf(c.Operand).IsGeometry) { Expr(sb, c.Operand); break; }
                sb.Append("adql_from_dali(");
                Expr(sb, c.Operand);
                sb.Append(", '").Append(c.Type.Name.ToLowerInvariant()).Append("')");
                break;
        }
    }

    private void Function(StringBuilder sb, FunctionCall f)
    {
        IReadOnlyList<Expression> args = f.Arguments;
        string name;
        switch (f.Name)
        {
            case "ABS": name = "abs"; break;
            case "LOWER": name = "lower"; break;
            case "UPPER": name = "upper"; break;
            case "IN_UNIT":
                // A linear conversion: the factor was worked out by the checker from the two units.
                sb.Append("(CAST(");
                Expr(sb, args[0]);
                sb.Append(" AS REAL) * ").Append(_q.UnitConversions[f].Factor.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).Append(')');
                return;
            case "COALESCE":
                if (args.Count == 1) { Expr(sb, args[0]); return; }
                name = "coalesce";
                break;
            case var udf when f.UserDefined && udf.Equals("ivo_string_agg", StringComparison.OrdinalIgnoreCase):
                // SQLite's own string aggregate: NULLs skipped, NULL for a group without values.
                name = "group_concat";
                break;
            case "POINT" or "CIRCLE" or "BOX" or "POLYGON":
                args = args.Skip(AdqlChecker.CoordSys(f, args.Select(_q.TypeOf).ToList())).ToList();
                name = "adql_" + f.Name.ToLowerInvariant();
                break;
            default:
                name = "adql_" + f.Name.ToLowerInvariant();
                break;
        }
        sb.Append(name).Append('(');
        for (int i = 0; i < args.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            Expr(sb, args[i]);
        }
        sb.Append(')');
    }

    private static string Number(NumericLiteral n)
    {
        if (n.IntegerValue is { } v && n.Kind is NumericKind.Integer or NumericKind.Hexadecimal)
            return v.ToString(CultureInfo.InvariantCulture);
        return Real(n.Value);
    }

    internal static string Real(double d)
    {
        if (double.IsPositiveInfinity(d)) return "9e999";
        if (double.IsNegativeInfinity(d)) return "-9e999";
        if (double.IsNaN(d)) return "NULL";
        var s = d.ToString("R", CultureInfo.InvariantCulture);
        return s.Contains('.') || s.Contains('E') ? s : s + ".0";
    }

    internal static string QuoteString(string s) => "'" + s.Replace("'", "''") + "'";
    internal static string QuoteIdentifier(string s) => "\"" + s.Replace("\"", "\"\"") + "\"";

    // ------------------------------------------------------------------ spatial index

    /// <summary>
    /// Extra conjuncts that let SQLite use spatial_idx for cone conditions at the top level of
    /// WHERE: a box around the cap, ANDed with the exact test the query already has.
    /// </summary>
    private IEnumerable<string> SpatialHints(Condition where)
    {
        foreach (var c in Conjuncts(where))
            if (Cone(c) is { } cone)
            {
                var (source, table, lon, lat, radius, extraRadius) = cone;
                string key = source.SqlAlias + "." + QuoteIdentifier(table.KeyColumn);
                if (extraRadius is null)
                {
                    yield return SqliteCone.IndexCondition(key, SqliteCone.Bounds(lon, lat, radius).Select(Real).ToList());
                }
                else
                {
                    string r = $"({Real(radius)} + {extraRadius})";
                    string Bound(int k) => $"adql_capbox({Real(lon)}, {Real(lat)}, {r}, {k})";
                    yield return SqliteCone.IndexCondition(key, Enumerable.Range(0, 6).Select(Bound).ToList());
                }
            }
    }

    /// <summary>
    /// CONTAINS(POINT(ra, dec), CIRCLE(constant)) = 1 (or INTERSECTS) on an indexed position as a haversine test in
    /// SQLite's native math: per candidate row that is a few native calls instead of building and parsing geometry
    /// values in managed code (the cone query's main cost). Inclusive, with the geometry functions' 1e-10° tolerance.
    /// </summary>
    private string? NativeCone(Condition c)
    {
        if (c is not Comparison { Operator: ComparisonOperator.Equal } cmp) return null;
        var call = cmp.Left as FunctionCall ?? cmp.Right as FunctionCall;
        if (call is null || call.Name is not ("CONTAINS" or "INTERSECTS")) return null;
        if (Cone(c) is not { ExtraRadius: null } cone) return null;
        string alias = cone.Source.SqlAlias;
        string ra = $"{alias}.{QuoteIdentifier(cone.Table.RaColumn)}", dec = $"{alias}.{QuoteIdentifier(cone.Table.DecColumn)}";
        string lon = $"({Real(cone.Lon)})", lat = $"({Real(cone.Lat)})";
        return SqliteCone.DistanceCondition(ra, dec, lon, lat, Real(cone.Radius + SqliteCone.ToleranceDeg));
    }

    private static IEnumerable<Condition> Conjuncts(Condition c) =>
        c is AndCondition a ? Conjuncts(a.Left).Concat(Conjuncts(a.Right)) : [c];

    private (Source Source, SpatialIndexTable Table, double Lon, double Lat, double Radius, string? ExtraRadius)? Cone(Condition c)
    {
        if (c is not Comparison cmp) return null;
        // CONTAINS(...) = 1, 1 = CONTAINS(...), likewise INTERSECTS.
        if (cmp.Operator == ComparisonOperator.Equal)
        {
            var (call, one) = cmp.Left is FunctionCall ? (cmp.Left as FunctionCall, cmp.Right) : (cmp.Right as FunctionCall, cmp.Left);
            if (call is null || Fold(one) != 1) return null;
            if (call.Name == "CONTAINS" && call.Arguments.Count == 2)
                return PointInCircle(call.Arguments[0], call.Arguments[1]);
            if (call.Name == "INTERSECTS" && call.Arguments.Count == 2)
                return PointInCircle(call.Arguments[0], call.Arguments[1]) ?? PointInCircle(call.Arguments[1], call.Arguments[0])
                    ?? RegionCircle(call.Arguments[0], call.Arguments[1]) ?? RegionCircle(call.Arguments[1], call.Arguments[0]);
            return null;
        }
        // DISTANCE(...) < r, <= r; r > DISTANCE(...), r >= DISTANCE(...).
        FunctionCall? distance; Expression limit;
        if (cmp.Operator is ComparisonOperator.Less or ComparisonOperator.LessOrEqual) (distance, limit) = (cmp.Left as FunctionCall, cmp.Right);
        else if (cmp.Operator is ComparisonOperator.Greater or ComparisonOperator.GreaterOrEqual) (distance, limit) = (cmp.Right as FunctionCall, cmp.Left);
        else return null;
        if (distance?.Name != "DISTANCE" || Fold(limit) is not { } r) return null;
        var a = distance.Arguments;
        if (a.Count == 2)
            return PointAndConstant(a[0], a[1], r) ?? PointAndConstant(a[1], a[0], r);
        if (a.Count == 4)
            return Position(a[0], a[1]) is { } p1 && Fold(a[2]) is { } lon && Fold(a[3]) is { } lat ? (p1.Source, p1.Table, lon, lat, r, null)
                : Position(a[2], a[3]) is { } p2 && Fold(a[0]) is { } lon2 && Fold(a[1]) is { } lat2 ? (p2.Source, p2.Table, lon2, lat2, r, null)
                : null;
        return null;
    }

    private (Source, SpatialIndexTable, double, double, double, string?)? PointAndConstant(Expression point, Expression other, double r)
    {
        if (IndexedPoint(point) is not { } p) return null;
        if (ConstantPoint(other) is not { } c) return null;
        return (p.Source, p.Table, c.Lon, c.Lat, r, null);
    }

    private (Source, SpatialIndexTable, double, double, double, string?)? PointInCircle(Expression point, Expression circle)
    {
        if (IndexedPoint(point) is not { } p || ConstantCircle(circle) is not { } c) return null;
        return (p.Source, p.Table, c.Lon, c.Lat, c.Radius, null);
    }

    private (Source, SpatialIndexTable, double, double, double, string?)? RegionCircle(Expression region, Expression circle)
    {
        if (region is not ColumnReference col || _q.BindingOf(col) is not SourceColumnBinding { Source: TableSource ts } b) return null;
        var table = Indexed(ts);
        if (table?.RegionColumn is null || table.RegionDiameterColumn is null || !string.Equals(b.Column.Name, table.RegionColumn, StringComparison.Ordinal)) return null;
        if (ConstantCircle(circle) is not { } c) return null;
        // The region is a circle of diameter s_fov around the position: widen the cap by the largest radius.
        string extra = $"COALESCE((SELECT max({QuoteIdentifier(table.RegionDiameterColumn)}) FROM {QuoteIdentifier(ts.Table.SqlName)}), 0) / 2.0";
        return (ts, table, c.Lon, c.Lat, c.Radius, extra);
    }

    private SpatialIndexTable? Indexed(TableSource ts) =>
        _options.SpatialIndex.FirstOrDefault(t => string.Equals(t.Table, ts.Table.QualifiedName, StringComparison.OrdinalIgnoreCase));

    /// <summary>POINT([sys,] ra, dec) over the position columns of one spatially indexed table.</summary>
    private (Source Source, SpatialIndexTable Table)? IndexedPoint(Expression e)
    {
        if (e is not FunctionCall { Name: "POINT" } f) return null;
        int s = AdqlChecker.CoordSys(f, f.Arguments.Select(_q.TypeOf).ToList());
        return f.Arguments.Count - s == 2 ? Position(f.Arguments[s], f.Arguments[s + 1]) : null;
    }

    private (Source Source, SpatialIndexTable Table)? Position(Expression ra, Expression dec)
    {
        if (ra is not ColumnReference r || dec is not ColumnReference d) return null;
        if (_q.BindingOf(r) is not SourceColumnBinding { Source: TableSource ts } rb || _q.BindingOf(d) is not SourceColumnBinding db) return null;
        if (!ReferenceEquals(rb.Source, db.Source)) return null;
        var table = Indexed(ts);
        if (table is null || rb.Column.Name != table.RaColumn || db.Column.Name != table.DecColumn) return null;
        return (ts, table);
    }

    private (double Lon, double Lat)? ConstantPoint(Expression e)
    {
        if (e is not FunctionCall { Name: "POINT" } f) return null;
        int s = AdqlChecker.CoordSys(f, f.Arguments.Select(_q.TypeOf).ToList());
        if (f.Arguments.Count - s != 2) return null;
        return Fold(f.Arguments[s]) is { } lon && Fold(f.Arguments[s + 1]) is { } lat ? (lon, lat) : null;
    }

    private (double Lon, double Lat, double Radius)? ConstantCircle(Expression e)
    {
        if (e is not FunctionCall { Name: "CIRCLE" } f) return null;
        var args = f.Arguments.Skip(AdqlChecker.CoordSys(f, f.Arguments.Select(_q.TypeOf).ToList())).ToList();
        if (args.Count == 3 && Fold(args[0]) is { } lon && Fold(args[1]) is { } lat && Fold(args[2]) is { } r) return (lon, lat, r);
        if (args.Count == 2 && ConstantPoint(args[0]) is { } p && Fold(args[1]) is { } r2) return (p.Lon, p.Lat, r2);
        return null;
    }

    /// <summary>The value of a constant numeric expression (literals, signs, + - * /), else null.</summary>
    internal static double? Fold(Expression e) => e switch
    {
        NumericLiteral n => n.Value,
        UnaryExpression { Operator: UnaryOperator.Minus } u => -Fold(u.Operand),
        UnaryExpression { Operator: UnaryOperator.Plus } u => Fold(u.Operand),
        BinaryExpression b when Fold(b.Left) is { } l && Fold(b.Right) is { } r => b.Operator switch
        {
            BinaryOperator.Add => l + r,
            BinaryOperator.Subtract => l - r,
            BinaryOperator.Multiply => l * r,
            // SQLite divides integers as integers.
            BinaryOperator.Divide when r != 0 => IsInteger(b.Left) && IsInteger(b.Right) ? Math.Truncate(l / r) : l / r,
            _ => null,
        },
        FunctionCall { Name: "PI", Arguments.Count: 0 } => Math.PI,
        _ => null,
    };

    private static bool IsInteger(Expression e) => e switch
    {
        NumericLiteral n => n.Kind is NumericKind.Integer or NumericKind.Hexadecimal,
        UnaryExpression u => IsInteger(u.Operand),
        BinaryExpression b => IsInteger(b.Left) && IsInteger(b.Right),
        _ => false,
    };
}
