using System.Globalization;
using System.Text;
using VoSpec.Adql.Db;
using VoSpec.Adql.Parsing;
using VoSpec.Adql.Query;

namespace VoSpec.Adql.Translator;

/// <summary>
/// A checked ADQL tree → SQL, the part any SQL database understands: statements, set operations, joins, conditions,
/// expressions, access rights (hidden rows read through a filtered subquery). Every name in the SQL comes from the
/// metadata or is generated (t1, c1, cte1); every literal is re-emitted from its parsed value; so only read-only
/// SELECTs over declared tables and columns can come out. A dialect (<see cref="SqliteTranslator"/>,
/// <see cref="PostgresTranslator"/>) overrides what its database needs: LIKE, casts, functions and geometry, TOP and OFFSET, set operations it
/// lacks, join kinds by version, and the conditions and select lists that use its own indexes and stored rows — the
/// way VOLLT's JDBCTranslator is extended by PostgreSQLTranslator and PgSphereTranslator.
/// </summary>
public abstract class SqlTranslator : AdqlWalker
{
    private readonly IReadOnlyList<HiddenRows> _hiddenRows;
    private readonly string? _publicUrl;
    private readonly IReadOnlyList<RowImageSource> _rowImages;
    // Set when the top-level SELECT reads stored rows (RowImages): its statement, table and alias.
    private SelectStatement? _imageStatement;
    private (RowImageSource Image, string Alias)? _image;

    /// <param name="publicUrl">Put in front of columns stored relative to the public URL; null reads them as stored.</param>
    /// <param name="rowImages">Tables whose stored output rows may answer a query that selects exactly such a row.</param>
    protected SqlTranslator(CheckedQuery q, IReadOnlyList<HiddenRows> hiddenRows, string? publicUrl = null, IReadOnlyList<RowImageSource>? rowImages = null)
    {
        Q = q;
        _hiddenRows = hiddenRows;
        _publicUrl = publicUrl;
        _rowImages = rowImages ?? [];
    }

    /// <summary>Whether the SQL returns each row's stored bytes (one column) instead of the outputs.</summary>
    protected bool ReadsStoredRows => _image is not null;

    /// <summary>The stored rows the outermost SELECT reads, and its table's alias; null when it reads its outputs.</summary>
    protected (RowImageSource Image, string Alias)? StoredRows => _image;

    /// <summary>Whether <paramref name="s"/> is the statement that reads stored rows.</summary>
    protected bool ReadsStoredRowsIn(SelectStatement s) => ReferenceEquals(s, _imageStatement);

    /// <summary>The parameter that holds the public URL in front of relative columns.</summary>
    public const string PublicUrlParameter = "$public_url";

    /// <summary>What names a parameter in the dialect's SQL ($name in SQLite, @name in PostgreSQL).</summary>
    protected virtual string ParameterPrefix => "$";

    /// <summary>The alias a derived table in FROM gets where the dialect needs one (PostgreSQL 15 does); "" or " AS name".</summary>
    protected virtual string DerivedAlias() => "";

    /// <summary>Whether a compound left operand of a set operation is nested (a dialect whose operators differ in precedence).</summary>
    protected virtual bool NestsLeftCompound => false;

    /// <summary>The checked query being translated.</summary>
    protected CheckedQuery Q { get; }

    /// <summary>Named parameters the SQL refers to ($name → value).</summary>
    protected List<(string Name, object? Value)> Parameters { get; } = [];

    /// <summary>The whole query as SQL.</summary>
    protected string Write()
    {
        var sb = new StringBuilder();
        Statement(sb, Q.Root, topLevel: true);
        return sb.ToString();
    }

    // ------------------------------------------------------------------ statements

    protected void Statement(StringBuilder sb, SelectStatement s, bool topLevel)
    {
        NestingGuard.Check(s.Position);
        if (s.With.Count > 0)
        {
            sb.Append("WITH ");
            for (int i = 0; i < s.With.Count; i++)
            {
                var cte = s.With[i];
                if (i > 0) sb.Append(", ");
                int n = Q.OutputsOf(cte.Query).Count;
                sb.Append(Q.CteNames[cte]).Append('(').AppendJoin(", ", Enumerable.Range(1, n).Select(k => "c" + k)).Append(") AS (");
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
                if (s.OrderBy.Count == 0) UnorderedScan(sb, s, spec);
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
            if (Q.OrderByOutputs.TryGetValue(item, out var output))
            {
                // A SELECT that reads stored rows has one column: sort by what the output is, not by its position.
                if (ReferenceEquals(s, _imageStatement)) OutputValue(sb, output.Output);
                else sb.Append(output.Index + 1);
            }
            else Expr(sb, item.Expression);
            if (item.Descending) sb.Append(" DESC");
        }
    }

    /// <summary>A set operation. Compound operators are taken as all left-associative with equal precedence (as in
    /// SQLite), so a compound right operand is nested as a subquery.</summary>
    protected void Compound(StringBuilder sb, QueryBody body, bool topLevel)
    {
        NestingGuard.Check(body.Position);
        switch (body)
        {
            case SetOperation op when op.All && op.Operator != SetOperator.Union:
                BagOperation(sb, op, topLevel);
                break;
            case SetOperation op:
                if (NestsLeftCompound && op.Left is SetOperation) { sb.Append("SELECT * FROM ("); Compound(sb, op.Left, topLevel); sb.Append(')').Append(DerivedAlias()); }
                else Compound(sb, op.Left, topLevel);
                sb.Append(op.Operator switch { SetOperator.Union => op.All ? " UNION ALL " : " UNION ", SetOperator.Except => " EXCEPT ", _ => " INTERSECT " });
                if (op.Right is SetOperation) { sb.Append("SELECT * FROM ("); Compound(sb, op.Right, topLevel); sb.Append(')').Append(DerivedAlias()); }
                else Compound(sb, op.Right, topLevel);
                break;
            case QuerySpecification spec when spec.Top is null:
                Specification(sb, spec, topLevel);
                break;
            case QuerySpecification spec:
                sb.Append("SELECT * FROM (");
                Specification(sb, spec, topLevel);
                Limit(sb, spec.Top, null);
                sb.Append(')').Append(DerivedAlias());
                break;
            case ParenthesizedQuery p:
                sb.Append("SELECT * FROM (");
                Statement(sb, p.Query, topLevel);
                sb.Append(')').Append(DerivedAlias());
                break;
        }
    }

    private void Specification(StringBuilder sb, QuerySpecification q, bool topLevel)
    {
        sb.Append("SELECT ");
        if (q.Distinct) sb.Append("DISTINCT ");
        var outputs = Q.OutputsOf(q);
        if (topLevel && _image is { } img) { StoredRowsColumn(sb, img.Image, img.Alias); sb.Append(" AS row_binary2"); outputs = []; }
        for (int i = 0; i < outputs.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            var o = outputs[i];
            // Geometries leave the database in the DALI form the output writers take.
            if (topLevel && o.Type.Xtype is "point" or "circle" or "polygon") GeometryOutput(sb, o);
            else OutputValue(sb, o);
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
            Where(sb, where);
        }
        if (q.GroupBy.Count > 0)
        {
            sb.Append(" GROUP BY ");
            for (int i = 0; i < q.GroupBy.Count; i++)
            {
                if (i > 0) sb.Append(", ");
                if (q.GroupBy[i] is ColumnReference c && Q.BindingOf(c) is OutputBinding ob)
                {
                    var o = ob.Output;
                    if (o.Expression is { } e) Expr(sb, e); else Binding(sb, o.Column!);
                }
                else Expr(sb, q.GroupBy[i]);
            }
        }
        if (q.Having is { } having) { sb.Append(" HAVING "); Cond(sb, having); }
    }

    protected void OutputValue(StringBuilder sb, SelectOutput o)
    {
        if (o.Expression is { } e) Expr(sb, e); else Binding(sb, o.Column!);
    }

    // ------------------------------------------------------------------ FROM

    /// <summary>
    /// A declared table, or — when some of its rows are hidden — a subquery without them. A database that flattens the
    /// subquery into the outer query (SQLite does) still uses its spatial index for cones.
    /// </summary>
    private void TableName(StringBuilder sb, TableSource ts)
    {
        int index = -1;
        for (int i = 0; i < _hiddenRows.Count; i++)
            if (_hiddenRows[i].Table.Equals(ts.Table.QualifiedName, StringComparison.OrdinalIgnoreCase) && _hiddenRows[i].Values.Count > 0) { index = i; break; }
        if (index < 0) { sb.Append(QuoteIdentifier(ts.Table.SqlName)); return; }
        var hidden = _hiddenRows[index];
        sb.Append("(SELECT * FROM ").Append(QuoteIdentifier(ts.Table.SqlName))
          .Append(" WHERE lower(").Append(QuoteIdentifier(hidden.Column)).Append(") NOT IN (");
        for (int k = 0; k < hidden.Values.Count; k++)
        {
            // One parameter per value and filter, shared by every reference to the table (a name is bound once).
            var name = $"{ParameterPrefix}hidden_{index}_{k}";
            if (k > 0) sb.Append(", ");
            sb.Append(name);
            if (!Parameters.Exists(p => p.Name == name)) Parameters.Add((name, hidden.Values[k].ToLowerInvariant()));
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
                var source = Q.SourceOf(t);
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
                sb.Append(") AS ").Append(Q.SourceOf(d).SqlAlias);
                break;
            case Join j:
            {
                var (left, keyword, right) = JoinOperator(j);
                JoinOperand(sb, left);
                sb.Append(keyword);
                JoinOperand(sb, right);
                if (j.Kind == JoinKind.Cross) break;
                sb.Append(" ON ");
                var merged = Q.JoinColumns[j];
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

    protected void Binding(StringBuilder sb, ColumnBinding b)
    {
        switch (b)
        {
            case SourceColumnBinding s when s.Column.Type.Xtype is "point" or "circle" or "polygon" && s.Source is TableSource:
                GeometryColumn(sb, s);
                break;
            case SourceColumnBinding { Source: TableSource, Column.Schema.PublicUrlRelative: true } s when _publicUrl is not null:
                // Stored relative (datalink/links?ID=…): the URL this server answers on goes in front, as a parameter.
                string url = ParameterPrefix + PublicUrlParameter[1..];
                if (!Parameters.Exists(p => p.Name == url)) Parameters.Add((url, _publicUrl));
                sb.Append('(').Append(url).Append(" || ").Append(s.Source.SqlAlias).Append('.').Append(QuoteIdentifier(s.Column.SqlName)).Append(')');
                break;
            case SourceColumnBinding s:
                sb.Append(s.Source.SqlAlias).Append('.').Append(QuoteIdentifier(s.Column.SqlName));
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

    // ------------------------------------------------------------------ conditions and expressions

    protected override bool Parenthesized(Condition c, int context) => true;

    // Every operation in parentheses; XOR is written by the dialect whole.
    protected override bool Parenthesized(Expression e, int context) =>
        e is BinaryExpression { Operator: not BinaryOperator.BitXor } or CaseExpression;

    protected override void Subquery(StringBuilder sb, SelectStatement query) => Statement(sb, query, topLevel: false);

    protected override void Column(StringBuilder sb, ColumnReference c) => Binding(sb, Q.BindingOf(c));

    protected override void Number(StringBuilder sb, NumericLiteral n) => sb.Append(NumberText(n));

    protected override void Unary(StringBuilder sb, UnaryExpression u)
    {
        switch (u.Operator)
        {
            case UnaryOperator.Plus: Expr(sb, u.Operand); break;
            case UnaryOperator.Minus: sb.Append("(- "); Expr(sb, u.Operand); sb.Append(')'); break;
            default: sb.Append("(~ "); Expr(sb, u.Operand); sb.Append(')'); break;
        }
    }

    protected override void Binary(StringBuilder sb, BinaryExpression b)
    {
        if (b.Operator == BinaryOperator.BitXor) BitXor(sb, b);
        else base.Binary(sb, b);
    }

    protected override void Aggregate(StringBuilder sb, Aggregate a)
    {
        sb.Append(a.Function.ToString().ToUpperInvariant()).Append('(');
        if (a.Argument is null) sb.Append('*');
        else
        {
            if (a.Distinct) sb.Append("DISTINCT ");
            Expr(sb, a.Argument);
        }
        sb.Append(')');
    }

    private string NumberText(NumericLiteral n)
    {
        if (n.IntegerValue is { } v && n.Kind is NumericKind.Integer or NumericKind.Hexadecimal)
            return v.ToString(CultureInfo.InvariantCulture);
        return RealLiteral(n.Value);
    }

    /// <summary>A double as an SQL literal that reads back as the same value.</summary>
    protected virtual string RealLiteral(double d)
    {
        if (double.IsNaN(d)) return "NULL";
        var s = d.ToString("R", CultureInfo.InvariantCulture);
        return s.Contains('.') || s.Contains('E') ? s : s + ".0";
    }

    /// <summary>
    /// CAST to CHAR(n) or VARCHAR(n) as the dialect's text type: cut to fit, as SQL's CAST does; CHAR without a length is
    /// CHAR(1) (SQL-92), as declared (char, arraysize 1).
    /// </summary>
    protected void CastToText(StringBuilder sb, CastExpression c, string textType)
    {
        if ((c.Type.Name == "CHAR" ? c.Type.Length ?? 1 : c.Type.Length) is { } n)
        {
            sb.Append("substr(CAST(");
            Expr(sb, c.Operand);
            sb.Append(" AS ").Append(textType).Append("), 1, ").Append(n).Append(')');
        }
        else
        {
            sb.Append("CAST(");
            Expr(sb, c.Operand);
            sb.Append(" AS ").Append(textType).Append(')');
        }
    }

    protected static string QuoteString(string s) => "'" + s.Replace("'", "''") + "'";
    protected static string QuoteIdentifier(string s) => "\"" + s.Replace("\"", "\"\"") + "\"";

    // ------------------------------------------------------------------ what a dialect decides

    /// <summary>
    /// The stored rows a query specification can read instead of its columns: one table with row images, selected
    /// whole (<c>*</c>, <c>t.*</c> or every column named in order), without DISTINCT, grouping or DALI geometry
    /// conversions. WHERE, ORDER BY, TOP and OFFSET stay as they are. The same recognition for every dialect; each
    /// writes where its bytes are (<see cref="StoredRowsColumn"/>).
    /// </summary>
    private (RowImageSource Image, string Alias)? RowImageOf(QuerySpecification q)
    {
        if (_rowImages.Count == 0 || q.Distinct || q.GroupBy.Count > 0 || q.Having is not null) return null;
        if (q.From is not [TableReference t] || Q.SourceOf(t) is not TableSource ts) return null;
        var image = _rowImages.FirstOrDefault(r => r.Table.Equals(ts.Table.QualifiedName, StringComparison.OrdinalIgnoreCase));
        var outputs = Q.OutputsOf(q);
        if (image is null || outputs.Count != image.Columns.Count) return null;
        for (int i = 0; i < outputs.Count; i++)
        {
            var o = outputs[i];
            if (o.Type.Xtype is "point" or "circle" or "polygon" || o.Unit is not null) return null;
            var binding = o.Column ?? (o.Expression is ColumnReference c ? Q.BindingOf(c) : null);
            if (binding is not SourceColumnBinding sc || !ReferenceEquals(sc.Source, ts)
                || !sc.Column.SqlName.Equals(image.Columns[i], StringComparison.OrdinalIgnoreCase)) return null;
        }
        return (image, ts.SqlAlias);
    }

    /// <summary>The one output of a SELECT that reads stored rows: the row's bytes of <paramref name="image"/> (read as <paramref name="alias"/>).</summary>
    protected virtual void StoredRowsColumn(StringBuilder sb, RowImageSource image, string alias) =>
        throw new NotSupportedException($"{GetType().Name} reads no stored rows");

    /// <summary>What a statement without ORDER BY may append to keep the order its plain form would have.</summary>
    protected virtual void UnorderedScan(StringBuilder sb, SelectStatement s, QuerySpecification q) { }

    /// <summary>The WHERE condition (after " WHERE "); a dialect adds what lets its indexes work.</summary>
    protected virtual void Where(StringBuilder sb, Condition where) => Cond(sb, where);

    /// <summary>
    /// TOP (of a query specification) and OFFSET (of a statement), after the rest of it; nothing when both are absent.
    /// </summary>
    protected abstract void Limit(StringBuilder sb, long? top, long? offset);

    /// <summary>EXCEPT ALL and INTERSECT ALL (UNION ALL is written with the other compound operators).</summary>
    protected virtual void BagOperation(StringBuilder sb, SetOperation op, bool topLevel)
    {
        Compound(sb, op.Left, topLevel);
        sb.Append(op.Operator == SetOperator.Except ? " EXCEPT ALL " : " INTERSECT ALL ");
        if (op.Right is SetOperation) { sb.Append("SELECT * FROM ("); Compound(sb, op.Right, topLevel); sb.Append(')').Append(DerivedAlias()); }
        else Compound(sb, op.Right, topLevel);
    }

    /// <summary>A join's operands, in the order to write them, and its SQL keyword (with spaces).</summary>
    protected virtual (FromItem Left, string Keyword, FromItem Right) JoinOperator(Join j) => (j.Left, j.Kind switch
    {
        JoinKind.Cross => " CROSS JOIN ", JoinKind.Inner => " JOIN ", JoinKind.Left => " LEFT JOIN ", JoinKind.Right => " RIGHT JOIN ", _ => " FULL JOIN ",
    }, j.Right);

    /// <summary>A geometry column of a table (stored in DALI form) as the dialect's geometry value.</summary>
    protected abstract void GeometryColumn(StringBuilder sb, SourceColumnBinding column);

    /// <summary>A geometry output of the outermost query, as the DALI text the output writers take.</summary>
    protected abstract void GeometryOutput(StringBuilder sb, SelectOutput output);

    /// <summary>The bitwise exclusive or, which standard SQL lacks.</summary>
    protected abstract void BitXor(StringBuilder sb, BinaryExpression xor);
}
