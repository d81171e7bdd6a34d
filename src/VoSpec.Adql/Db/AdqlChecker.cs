using VoSpec.Core.Units;
using VoSpec.Adql.Feature;
using VoSpec.Adql.Parsing;
using VoSpec.Adql.Query;
using VoSpec.Core.Schema;
using VoSpec.Core.Sky;

namespace VoSpec.Adql.Db;

/// <summary>
/// Resolves every table, column and function name of a query against the metadata, infers
/// expression types and checks optional features against the service's <see cref="LanguageFeatureSet"/>. Failures are
/// <see cref="AdqlException"/>s naming the culprit and its position.
/// </summary>
public sealed class AdqlChecker
{
    private readonly ITableMetadata _metadata;
    private readonly LanguageFeatureSet _features;
    private readonly CheckedQuery _result;
    private readonly List<(Identifier Name, QuerySource Template, CommonTableExpression Cte)> _ctes = [];
    private int _aliases;

    private AdqlChecker(ITableMetadata metadata, LanguageFeatureSet features, SelectStatement root)
    {
        _metadata = metadata;
        _features = features;
        _result = new CheckedQuery(root);
    }

    /// <param name="features">The optional features the service offers (default: <see cref="AdqlFeatures.All"/>).</param>
    /// <summary>Checks run on this thread so far (the pipeline's tests count them).</summary>
    [ThreadStatic] internal static int RunsOnThisThread;

    public static CheckedQuery Check(SelectStatement query, ITableMetadata metadata, LanguageFeatureSet? features = null)
    {
        RunsOnThisThread++;
        var checker = new AdqlChecker(metadata, features ?? AdqlFeatures.All, query);
        checker.Statement(query, null, top: true);
        return checker._result;
    }

    private sealed class Scope(Scope? parent)
    {
        public Scope? Parent { get; } = parent;
        public List<Source> Sources { get; } = [];
        public List<MergedColumnBinding> Merged { get; } = [];
        public IReadOnlyList<SelectOutput>? Outputs { get; set; }
    }

    private enum Clause { Select, Where, GroupBy, Having, OrderBy, On }

    // ------------------------------------------------------------------ statements

    private IReadOnlyList<SelectOutput> Statement(SelectStatement s, Scope? outer, bool top)
    {
        NestingGuard.Check(s.Position);
        int ctesBefore = _ctes.Count;
        if (s.With.Count > 0)
        {
            if (!top) throw new AdqlException("WITH is only allowed at the start of the whole query", s.With[0].Position);
            _features.Require(AdqlFeatures.CommonTable, "WITH", s.With[0].Position);
            foreach (var cte in s.With)
            {
                if (_ctes.Any(c => c.Name.Matches(cte.Name) || cte.Name.Matches(c.Name)))
                    throw new AdqlResolutionException($"common table '{cte.Name.Name}' is defined twice", cte.Name.Position, cte.Name.Name);
                var outputs = Statement(cte.Query, null, top: false);
                if (cte.Columns.Count > 0 && cte.Columns.Count != outputs.Count)
                    throw new AdqlException($"common table '{cte.Name.Name}' names {cte.Columns.Count} columns but its query has {outputs.Count}", cte.Position);
                var columns = outputs.Select((o, i) => new SourceColumn(
                    cte.Columns.Count > 0 ? cte.Columns[i].Name : o.Name, o.Type, o.Schema, ColumnSqlName(i))).ToList();
                string sqlName = "cte" + (_ctes.Count + 1);
                _result.CteNames[cte] = sqlName;
                _ctes.Add((cte.Name, new QuerySource("", null, cte.Name, columns, sqlName), cte));
            }
        }

        var result = Body(s.Body, outer);
        if (s.Offset is not null) _features.Require(AdqlFeatures.Offset, "OFFSET", s.Position);

        if (s.OrderBy.Count > 0)
        {
            if (s.Body is QuerySpecification spec)
            {
                var scope = SpecScopes[spec];
                foreach (var item in s.OrderBy)
                {
                    if (OutputReference(item, result) is { } byOutput) _result.OrderByOutputs[item] = byOutput;
                    else Expr(item.Expression, scope, Clause.OrderBy);
                }
            }
            else
            {
                foreach (var item in s.OrderBy)
                    _result.OrderByOutputs[item] = OutputReference(item, result)
                        ?? throw new AdqlException("ORDER BY after UNION, EXCEPT or INTERSECT must name an output column or give its position", item.Position);
            }
        }
        _result.Outputs[s] = result;
        return result;
    }

    private readonly Dictionary<QuerySpecification, Scope> SpecScopes = new(ReferenceEqualityComparer.Instance);

    /// <summary>An ORDER BY term naming an output column by position, alias or name.</summary>
    private static OutputBinding? OutputReference(OrderItem item, IReadOnlyList<SelectOutput> outputs)
    {
        if (item.ColumnNumber is { } n)
        {
            if (n > outputs.Count) throw new AdqlException($"ORDER BY {n}: the query has only {outputs.Count} columns", item.Position);
            return new OutputBinding(n - 1, outputs[n - 1]);
        }
        // ORDER BY 0 (or a position past 2^31) is no column: SQLite would refuse it with its own words.
        if (item.Expression is NumericLiteral { Kind: NumericKind.Integer })
            throw new AdqlException($"ORDER BY: a column position must be between 1 and {outputs.Count}", item.Position);
        // SQLite reads a signed integer (ORDER BY -1, +1) as a position too (found by the /spec cond fuzzer).
        var signed = item.Expression;
        while (signed is UnaryExpression { Operator: UnaryOperator.Minus or UnaryOperator.Plus } u) signed = u.Operand;
        if (signed != item.Expression && signed is NumericLiteral { Kind: NumericKind.Integer })
            throw new AdqlException($"ORDER BY: a signed number is not a column position; give one between 1 and {outputs.Count}", item.Position);
        if (item.Expression is ColumnReference { Parts.Count: 1 } c)
        {
            var matches = outputs.Select((o, i) => (o, i)).Where(x => c.Column.Matches(x.o.Name)).ToList();
            // Only an alias (or a unique output name) counts; otherwise resolve as a column of FROM.
            if (matches.Count == 1) return new OutputBinding(matches[0].i, matches[0].o);
        }
        return null;
    }

    private IReadOnlyList<SelectOutput> Body(QueryBody body, Scope? outer)
    {
        NestingGuard.Check(body.Position);
        IReadOnlyList<SelectOutput> result;
        switch (body)
        {
            case QuerySpecification q:
                result = Specification(q, outer);
                break;
            case ParenthesizedQuery p:
                result = Statement(p.Query, outer, top: false);
                break;
            case SetOperation op:
            {
                _features.Require(AdqlFeatures.Sets, op.Operator.ToString().ToUpperInvariant(), op.Position);
                var left = Body(op.Left, outer);
                var right = Body(op.Right, outer);
                if (left.Count != right.Count)
                    throw new AdqlException($"{op.Operator.ToString().ToUpperInvariant()}: the left query has {left.Count} columns, the right one {right.Count}", op.Position);
                result = left.Select((o, i) =>
                {
                    var type = Compatible(o.Type, right[i].Type, op.Position, $"column {i + 1} of {op.Operator.ToString().ToUpperInvariant()}");
                    // The left column's declaration (datatype, arraysize) holds only when the right side fits it: an
                    // int column UNION a long one is long (found by the fuzzer: the writer met a value past int).
                    return o with { Type = type, Schema = type == o.Type ? o.Schema : null, Expression = null, Column = null };
                }).ToList();
                break;
            }
            default:
                throw new ArgumentException($"unknown query body {body.GetType().Name}");
        }
        _result.Outputs[body] = result;
        return result;
    }

    private static AdqlType Compatible(AdqlType a, AdqlType b, TextPosition at, string what)
    {
        if (a.IsNull) return b;
        if (b.IsNull) return a;
        if (a == b) return a;
        if (a.IsNumeric && b.IsNumeric) return AdqlType.Wider(a, b);
        // Strings of different lengths (CAST(x AS CHAR(2)) against a longer column; found by the fuzzer): the result
        // is declared variable-length, else the writer meets a value longer than the declared arraysize.
        if (a.IsString && b.IsString)
            return new AdqlType(a.Datatype == b.Datatype ? a.Datatype : "unicodeChar", "*", a.Xtype == b.Xtype ? a.Xtype : null);
        throw new AdqlException($"{what}: types {a} and {b} do not match", at);
    }

    private IReadOnlyList<SelectOutput> Specification(QuerySpecification q, Scope? outer)
    {
        var scope = new Scope(outer);
        SpecScopes[q] = scope;
        foreach (var item in q.From) AddFrom(item, scope);

        var outputs = new List<SelectOutput>();
        var named = new List<int>(); // indexes whose name is to be generated
        foreach (var item in q.Items)
        {
            switch (item)
            {
                case AllColumns:
                    foreach (var f in q.From)
                        foreach (var b in Expand(f)) outputs.Add(Output(b));
                    break;
                case TableColumns t:
                {
                    var sources = scope.Sources.Where(s => s.Matches(t.Table)).ToList();
                    if (sources.Count == 0)
                        throw new AdqlResolutionException($"unknown table '{Join(t.Table)}' in {Join(t.Table)}.*", t.Position, Join(t.Table));
                    if (sources.Count > 1)
                        throw new AdqlResolutionException($"ambiguous table '{Join(t.Table)}' in {Join(t.Table)}.*", t.Position, Join(t.Table));
                    foreach (var c in sources[0].Columns) outputs.Add(Output(new SourceColumnBinding(sources[0], c)));
                    break;
                }
                case ExpressionItem e:
                {
                    var type = Expr(e.Expression, scope, Clause.Select);
                    ColumnBinding? column = e.Expression is ColumnReference cr ? _result.Columns_[cr] : null;
                    string? name = e.Alias?.Name ?? (column is not null ? ((ColumnReference)e.Expression).Column.Name : null);
                    if (name is null) named.Add(outputs.Count);
                    outputs.Add(new SelectOutput(name ?? "", type, column?.Schema, e.Expression, null)
                    {
                        Unit = e.Expression is FunctionCall { Name: "IN_UNIT" } conv ? _result.UnitConversions[conv].Unit : null,
                    });
                    break;
                }
            }
        }
        foreach (int i in named) outputs[i] = outputs[i] with { Name = GeneratedName(outputs, i) };
        scope.Outputs = outputs;

        if (q.Where is { } where) Cond(where, scope, Clause.Where);
        foreach (var g in q.GroupBy)
        {
            if (g is ColumnReference { Parts.Count: 1 } c && !Resolvable(c, scope)
                && outputs.Select((o, i) => (o, i)).Where(x => c.Column.Matches(x.o.Name)).ToList() is [var only])
            {
                _result.Columns_[c] = new OutputBinding(only.i, only.o);
                _result.Types[c] = only.o.Type;
                continue;
            }
            Expr(g, scope, Clause.GroupBy);
            // A column of an enclosing query is one value per outer row: SQLite cannot group by it ("no such column";
            // found by the fuzzer), and it would group nothing anyway.
            if (g is ColumnReference fromOuter && _result.Columns_.GetValueOrDefault(fromOuter) is SourceColumnBinding sb && !scope.Sources.Contains(sb.Source))
                throw new AdqlException($"GROUP BY {Join(fromOuter.Parts)}: a column of an enclosing query; group by columns of this query's FROM", fromOuter.Position);
        }
        if (q.Having is { } having) Cond(having, scope, Clause.Having);
        _result.Outputs[q] = outputs;
        return outputs;
    }

    private static SelectOutput Output(ColumnBinding b) =>
        new(b switch
        {
            SourceColumnBinding s => s.Column.Name,
            MergedColumnBinding m => m.Name,
            _ => "col",
        }, b.Type, b.Schema, null, b);

    /// <summary>A unique, non-reserved name for an unnamed expression: its function's name, else col_N.</summary>
    private string GeneratedName(List<SelectOutput> outputs, int index)
    {
        string stem = outputs[index].Expression switch
        {
            Aggregate a => a.Function.ToString().ToLowerInvariant(),
            FunctionCall f => f.Name.ToLowerInvariant(),
            _ => "col",
        };
        string name = stem;
        if (ReservedWords.Contains(name) || stem == "col") name = $"{stem}_{index + 1}";
        for (int k = 2; outputs.Where((o, i) => i != index).Any(o => string.Equals(o.Name, name, StringComparison.OrdinalIgnoreCase)); k++)
            name = $"{stem}_{index + 1}_{k}";
        return name;
    }

    // ------------------------------------------------------------------ FROM

    private void AddFrom(FromItem item, Scope scope)
    {
        NestingGuard.Check(item.Position);
        switch (item)
        {
            case TableReference t:
            {
                var source = ResolveTable(t);
                if (source.Alias is { } alias && scope.Sources.Any(s => s.Alias is { } other && (alias.Matches(other) || other.Matches(alias))))
                    throw new AdqlResolutionException($"table alias '{alias.Name}' is used twice", alias.Position, alias.Name);
                scope.Sources.Add(source);
                _result.Sources[t] = source;
                break;
            }
            case DerivedTable d:
            {
                // A derived table sees no columns of its siblings (no LATERAL), only outer queries'.
                var outputs = Statement(d.Query, scope.Parent, top: false);
                var source = new QuerySource(NextAlias(), d.Alias, null,
                    outputs.Select((o, i) => new SourceColumn(o.Name, o.Type, o.Schema, ColumnSqlName(i))).ToList(), null);
                scope.Sources.Add(source);
                _result.Sources[d] = source;
                break;
            }
            case Join j:
            {
                AddFrom(j.Left, scope);
                AddFrom(j.Right, scope);
                var merged = new List<MergedColumnBinding>();
                if (j.Natural || j.Using.Count > 0)
                {
                    var left = Expand(j.Left).ToList();
                    var right = Expand(j.Right).ToList();
                    IEnumerable<Identifier> names = j.Natural
                        ? left.Select(NameOf).Where(n => right.Any(r => string.Equals(NameOf(r), n, StringComparison.OrdinalIgnoreCase)))
                              .Select(n => new Identifier(n, false) { Position = j.Position })
                        : j.Using;
                    foreach (var name in names)
                    {
                        var l = left.Where(b => name.Matches(NameOf(b))).ToList();
                        var r = right.Where(b => name.Matches(NameOf(b))).ToList();
                        if (l.Count != 1 || r.Count != 1)
                            throw new AdqlResolutionException(
                                $"join column '{name.Name}' must appear exactly once on each side of the join (left {l.Count}, right {r.Count})", name.Position, name.Name);
                        var m = new MergedColumnBinding(NameOf(l[0]), j.Kind, l[0], r[0]);
                        merged.Add(m);
                        scope.Merged.Add(m);
                    }
                }
                _result.JoinColumns[j] = merged;
                if (j.Kind is JoinKind.Right or JoinKind.Full) { /* the translator decides whether SQLite can do it */ }
                if (j.On is { } on) Cond(on, scope, Clause.On);
                break;
            }
        }
    }

    private static string NameOf(ColumnBinding b) => b switch
    {
        SourceColumnBinding s => s.Column.Name,
        MergedColumnBinding m => m.Name,
        OutputBinding o => o.Output.Name,
        _ => "",
    };

    /// <summary>The columns a FROM item contributes to *, in order; USING/NATURAL columns once, first.</summary>
    private IEnumerable<ColumnBinding> Expand(FromItem item)
    {
        switch (item)
        {
            case Join j:
            {
                var merged = _result.JoinColumns.TryGetValue(j, out var m) ? m : [];
                foreach (var c in merged) yield return c;
                foreach (var b in Expand(j.Left)) if (!merged.Any(x => Equals(x.Left, b))) yield return b;
                foreach (var b in Expand(j.Right)) if (!merged.Any(x => Equals(x.Right, b))) yield return b;
                break;
            }
            default:
            {
                var source = _result.Sources[item];
                foreach (var c in source.Columns) yield return new SourceColumnBinding(source, c);
                break;
            }
        }
    }

    private Source ResolveTable(TableReference t)
    {
        var name = t.Name;
        string text = Join(name);
        if (name.Count == 1)
        {
            var cte = _ctes.LastOrDefault(c => name[0].Matches(c.Name));
            if (cte.Template is not null)
                return new QuerySource(NextAlias(), t.Alias, cte.Name, cte.Template.Columns, cte.Template.CteSqlName);
        }
        if (name.Count > 2)
            throw new AdqlResolutionException($"unknown table '{text}' (this service has no catalogs: write schema.table)", t.Position, text);
        var matches = _metadata.Tables.Where(tab => name.Count == 2
            ? name[0].Matches(tab.Schema) && name[1].Matches(tab.Name)
            : name[0].Matches(tab.Name)).ToList();
        // A bare name never reaches uploads: those are only TAP_UPLOAD.name.
        if (name.Count == 1) matches = matches.Where(m => !string.Equals(m.Schema, TableMetadata.UploadSchema, StringComparison.OrdinalIgnoreCase)).ToList();
        if (matches.Count == 0)
            throw new AdqlResolutionException($"unknown table '{text}'", t.Position, text);
        if (matches.Count > 1)
            throw new AdqlResolutionException($"ambiguous table '{text}': write one of {string.Join(", ", matches.Select(m => m.QualifiedName))}", t.Position, text);
        return new TableSource(NextAlias(), t.Alias, matches[0]);
    }

    private string NextAlias() => "t" + ++_aliases;
    private static string ColumnSqlName(int index) => "c" + (index + 1);
    private static string Join(IEnumerable<Identifier> parts) => string.Join(".", parts.Select(p => p.Name));

    // ------------------------------------------------------------------ names

    private bool Resolvable(ColumnReference c, Scope scope)
    {
        try { Resolve(c, scope); return true; }
        catch (AdqlResolutionException) { return false; }
    }

    private ColumnBinding Resolve(ColumnReference c, Scope scope)
    {
        var column = c.Column;
        var qualifier = c.Qualifier;
        string text = Join(c.Parts);
        for (var s = scope; s is not null; s = s.Parent)
        {
            if (qualifier.Count == 0)
            {
                var merged = s.Merged.LastOrDefault(m => column.Matches(m.Name));
                if (merged is not null) return merged;
                var found = s.Sources.SelectMany(src => src.Columns.Where(col => column.Matches(col.Name)).Select(col => new SourceColumnBinding(src, col))).ToList();
                if (found.Count == 1) return found[0];
                if (found.Count > 1)
                    throw new AdqlResolutionException($"ambiguous column '{column.Name}': it is in {string.Join(" and ", found.Select(f => f.Source.Describe()))}", c.Position, column.Name);
            }
            else
            {
                var sources = s.Sources.Where(src => src.Matches(qualifier)).ToList();
                if (sources.Count > 1)
                    throw new AdqlResolutionException($"ambiguous table '{Join(qualifier)}' in column reference {text}", c.Position, Join(qualifier));
                if (sources.Count == 1)
                {
                    var col = sources[0].Columns.Where(x => column.Matches(x.Name)).ToList();
                    if (col.Count == 1) return new SourceColumnBinding(sources[0], col[0]);
                    if (col.Count > 1)
                        throw new AdqlResolutionException($"ambiguous column '{text}'", c.Position, text);
                    throw new AdqlResolutionException($"unknown column '{column.Name}' in table {sources[0].Describe()}", column.Position, column.Name);
                }
            }
        }
        if (qualifier.Count > 0)
            throw new AdqlResolutionException($"unknown table '{Join(qualifier)}' in column reference {text}", c.Position, Join(qualifier));
        throw new AdqlResolutionException($"unknown column '{column.Name}'", c.Position, column.Name);
    }

    // ------------------------------------------------------------------ conditions and expressions

    private void Cond(Condition c, Scope scope, Clause clause)
    {
        NestingGuard.Check(c.Position);
        switch (c)
        {
            case AndCondition a: Cond(a.Left, scope, clause); Cond(a.Right, scope, clause); break;
            case OrCondition o: Cond(o.Left, scope, clause); Cond(o.Right, scope, clause); break;
            case NotCondition n: Cond(n.Operand, scope, clause); break;
            case Comparison cmp:
            {
                var l = Expr(cmp.Left, scope, clause);
                var r = Expr(cmp.Right, scope, clause);
                Compatible(l, r, cmp.Position, "comparison");
                if ((l.IsGeometry || r.IsGeometry) && cmp.Operator is not (ComparisonOperator.Equal or ComparisonOperator.NotEqual))
                    throw new AdqlException("geometries can only be compared with = or <>", cmp.Position);
                break;
            }
            case Between b: Expr(b.Value, scope, clause); Expr(b.Low, scope, clause); Expr(b.High, scope, clause); break;
            case InList i:
                Expr(i.Value, scope, clause);
                foreach (var v in i.Values) Expr(v, scope, clause);
                break;
            case InSubquery i:
                Expr(i.Value, scope, clause);
                if (Statement(i.Query, scope, top: false).Count != 1)
                    throw new AdqlException("the subquery of IN must return exactly one column", i.Query.Position);
                break;
            case Like l:
                if (l.CaseInsensitive) _features.Require(AdqlFeatures.String, "ILIKE", l.Position);
                RequireString(Expr(l.Value, scope, clause), l.Value, "LIKE");
                RequireString(Expr(l.Pattern, scope, clause), l.Pattern, "LIKE");
                break;
            case IsNull n: Expr(n.Value, scope, clause); break;
            case Exists e: Statement(e.Query, scope, top: false); break;
            default: throw new ArgumentException($"unknown condition {c.GetType().Name}");
        }
    }

    private static void RequireString(AdqlType t, Expression e, string what)
    {
        if (!t.IsString && !t.IsNull) throw new AdqlException($"{what} needs a string, not {t}", e.Position);
    }

    private static void RequireNumeric(AdqlType t, Expression e, string what)
    {
        if (t.IsNumeric || t.IsNull) return;
        // ADQL 2.1 takes SQL-92's typing: no implicit conversion from a character string to a number.
        if (e is StringLiteral s)
            throw new AdqlException($"{what} needs a number, not the string '{s.Value.Replace("'", "''")}': ADQL does not turn strings into numbers implicitly; write a number, or CAST('{s.Value.Replace("'", "''")}' AS DOUBLE PRECISION)", e.Position);
        throw new AdqlException($"{what} needs a number, not {t}" + (t.IsString ? "; convert it with CAST(… AS DOUBLE PRECISION) or CAST(… AS INTEGER)" : ""), e.Position);
    }

    private static void RequireGeometry(AdqlType t, Expression e, string what)
    {
        if (!t.IsGeometry && !t.IsNull) throw new AdqlException($"{what} needs a geometry (POINT, CIRCLE, POLYGON, REGION…), not {t}", e.Position);
    }

    private AdqlType Expr(Expression e, Scope scope, Clause clause, bool inAggregate = false)
    {
        NestingGuard.Check(e.Position);
        var t = ExprCore(e, scope, clause, inAggregate);
        _result.Types[e] = t;
        return t;
    }

    private AdqlType ExprCore(Expression e, Scope scope, Clause clause, bool inAggregate)
    {
        switch (e)
        {
            case NumericLiteral n:
                return n.Kind switch
                {
                    NumericKind.Integer or NumericKind.Hexadecimal => n.IntegerValue is { } v ? (v is >= int.MinValue and <= int.MaxValue ? AdqlType.Int : AdqlType.Long) : AdqlType.Double,
                    _ => AdqlType.Double,
                };
            case StringLiteral:
                return AdqlType.String;
            case NullLiteral:
                return AdqlType.Null;
            case ColumnReference c:
            {
                var b = Resolve(c, scope);
                _result.Columns_[c] = b;
                return b.Type;
            }
            case UnaryExpression u:
            {
                var t = Expr(u.Operand, scope, clause, inAggregate);
                RequireNumeric(t, u.Operand, u.Operator == UnaryOperator.BitNot ? "~" : "a sign");
                if (u.Operator == UnaryOperator.BitNot && !t.IsInteger && !t.IsNull) throw new AdqlException("~ needs an integer", u.Position);
                return t.IsNull ? AdqlType.Double : t;
            }
            case BinaryExpression b:
            {
                var l = Expr(b.Left, scope, clause, inAggregate);
                var r = Expr(b.Right, scope, clause, inAggregate);
                switch (b.Operator)
                {
                    case BinaryOperator.Concat:
                        if (l.IsGeometry || r.IsGeometry) throw new AdqlException("|| needs strings", b.Position);
                        return AdqlType.String;
                    case BinaryOperator.BitAnd or BinaryOperator.BitOr or BinaryOperator.BitXor:
                        if (!(l.IsInteger || l.IsNull)) throw new AdqlException("bitwise operators need integers", b.Left.Position);
                        if (!(r.IsInteger || r.IsNull)) throw new AdqlException("bitwise operators need integers", b.Right.Position);
                        return AdqlType.Long;
                    default:
                        RequireNumeric(l, b.Left, "arithmetic");
                        RequireNumeric(r, b.Right, "arithmetic");
                        // SQLite computes integers in 64 bits: mjd * mjd is past int (found by the fuzzer).
                        var t = AdqlType.Wider(l, r);
                        return t.IsInteger ? AdqlType.Long : t;
                }
            }
            case Aggregate a:
            {
                if (inAggregate) throw new AdqlException("aggregate functions cannot be nested", a.Position);
                if (clause is Clause.Where or Clause.GroupBy or Clause.On)
                    throw new AdqlException($"aggregate function {a.Function.ToString().ToUpperInvariant()} is not allowed in {clause switch { Clause.Where => "WHERE", Clause.GroupBy => "GROUP BY", _ => "ON" }}", a.Position);
                if (a.Argument is null) return AdqlType.Long;
                var t = Expr(a.Argument, scope, clause, inAggregate: true);
                switch (a.Function)
                {
                    case AggregateFunction.Count: return AdqlType.Long;
                    case AggregateFunction.Avg: RequireNumeric(t, a.Argument, "AVG"); return AdqlType.Double;
                    case AggregateFunction.Sum: RequireNumeric(t, a.Argument, "SUM"); return t.IsInteger ? AdqlType.Long : AdqlType.Double;
                    default:
                        if (t.IsGeometry) throw new AdqlException($"{a.Function.ToString().ToUpperInvariant()} of a geometry", a.Argument.Position);
                        return t;
                }
            }
            case CastExpression c:
            {
                _features.Require(AdqlFeatures.Type, "CAST", c.Position);
                var t = Expr(c.Operand, scope, clause, inAggregate);
                var target = CastResult(c.Type);
                if (target.IsGeometry && !(t.IsString || t.IsNull || t == target))
                    throw new AdqlException($"CAST to {c.Type.Name} needs a DALI string, not {t}", c.Operand.Position);
                if (!target.IsGeometry && t.IsGeometry)
                    throw new AdqlException($"cannot CAST a geometry to {c.Type}", c.Operand.Position);
                return target;
            }
            case CaseExpression k:
            {
                if (k.Operand is { } operand) Expr(operand, scope, clause, inAggregate);
                AdqlType? result = null;
                foreach (var w in k.Whens)
                {
                    if (w.Condition is { } cond) Cond(cond, scope, clause);
                    else Expr(w.Value!, scope, clause, inAggregate);
                    var rt = Expr(w.Result, scope, clause, inAggregate);
                    result = result is null ? rt : Compatible(result, rt, w.Result.Position, "CASE results");
                }
                if (k.Else is { } otherwise)
                    result = Compatible(result!, Expr(otherwise, scope, clause, inAggregate), otherwise.Position, "CASE results");
                return result!;
            }
            case ScalarSubquery s:
            {
                var outputs = Statement(s.Query, scope, top: false);
                if (outputs.Count != 1) throw new AdqlException("a subquery used as a value must return exactly one column", s.Position);
                return outputs[0].Type;
            }
            case FunctionCall f:
                return Function(f, scope, clause, inAggregate);
            default:
                throw new ArgumentException($"unknown expression {e.GetType().Name}");
        }
    }

    internal static AdqlType CastResult(CastType t) => t.Name switch
    {
        "SMALLINT" => AdqlType.Short,
        "INTEGER" => AdqlType.Int,
        "BIGINT" => AdqlType.Long,
        "REAL" => AdqlType.Float,
        "DOUBLE PRECISION" => AdqlType.Double,
        "CHAR" => new AdqlType("char", (t.Length ?? 1).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        "VARCHAR" => new AdqlType("char", t.Length is { } n ? n + "*" : "*"),
        "TIMESTAMP" => AdqlType.Timestamp,
        "POINT" => AdqlType.Point,
        "CIRCLE" => AdqlType.Circle,
        "POLYGON" => AdqlType.Polygon,
        _ => throw new AdqlUnsupportedException($"CAST to {t.Name} is not supported", t.Position),
    };

    private AdqlType Function(FunctionCall f, Scope scope, Clause clause, bool inAggregate)
    {
        if (f.UserDefined)
        {
            if (!_features.IsUserDefined(f.Name))
                throw new AdqlResolutionException($"unknown function '{f.Name}'", f.Position, f.Name);
            return UserDefinedFunction(f, scope, clause, inAggregate);
        }
        if (AdqlFeatures.TypeOfFunction(f.Name) is { } feature)
            _features.Require(feature, f.Name, f.Position);

        var args = f.Arguments;
        var types = args.Select(a => Expr(a, scope, clause, inAggregate)).ToList();
        void Arity(int min, int max)
        {
            if (args.Count < min || args.Count > max)
                throw new AdqlException($"{f.Name} takes {(min == max ? min.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{min} to {max}")} argument{(max == 1 ? "" : "s")}, not {args.Count}", f.Position);
        }
        void Numbers(int from = 0, int? to = null)
        {
            for (int i = from; i < (to ?? args.Count); i++) RequireNumeric(types[i], args[i], f.Name);
        }

        switch (f.Name)
        {
            case "ABS" or "CEILING" or "DEGREES" or "EXP" or "FLOOR" or "LOG" or "LOG10" or "RADIANS" or "SQRT"
                or "SIN" or "COS" or "TAN" or "ASIN" or "ACOS" or "ATAN" or "COT":
                Arity(1, 1); Numbers();
                return f.Name == "ABS" && types[0].IsInteger ? types[0] : AdqlType.Double;
            case "MOD" or "POWER" or "ATAN2":
                Arity(2, 2); Numbers(); return AdqlType.Double;
            case "PI":
                Arity(0, 0); return AdqlType.Double;
            case "RAND":
                Arity(0, 1); Numbers(); return AdqlType.Double;
            case "ROUND" or "TRUNCATE":
                Arity(1, 2); Numbers();
                if (args.Count == 2 && !(types[1].IsInteger || types[1].IsNull))
                    throw new AdqlException($"the second argument of {f.Name} must be an integer", args[1].Position);
                return AdqlType.Double;
            case "LOWER" or "UPPER":
                Arity(1, 1); RequireString(types[0], args[0], f.Name); return AdqlType.String;
            case "COALESCE":
            {
                if (args.Count < 1) Arity(1, int.MaxValue);
                var t = types[0];
                for (int i = 1; i < args.Count; i++) t = Compatible(t, types[i], args[i].Position, "COALESCE arguments");
                return t;
            }
            case "IN_UNIT":
            {
                Arity(2, 2); Numbers(0, 1);
                if (args[1] is not StringLiteral target)
                    throw new AdqlException("the second argument of IN_UNIT must be a unit as a string literal, e.g. 'nm'", args[1].Position);
                string from = UnitOf(args[0])
                    ?? throw new AdqlException("IN_UNIT needs a column with a declared unit (or another IN_UNIT) as its first argument", args[0].Position);
                try
                {
                    var source = VoUnit.Parse(from);
                    var wanted = VoUnit.Parse(target.Value);
                    _result.UnitConversions[f] = new UnitConversion(wanted.Text, source.FactorTo(wanted));
                }
                catch (FormatException ex)
                {
                    throw new AdqlException($"IN_UNIT: {ex.Message}", args[1].Position);
                }
                return AdqlType.Double;
            }
            case "POINT":
            {
                int s = CoordSys(f, types);
                Arity(2 + s, 2 + s); Numbers(s); Literal(f, s); return AdqlType.Point;
            }
            case "CIRCLE":
            {
                int s = CoordSys(f, types);
                if (args.Count - s == 2) { RequirePoint(types[s], args[s], "CIRCLE"); Numbers(s + 1); }
                else { Arity(3 + s, 3 + s); Numbers(s); }
                Literal(f, s);
                return AdqlType.Circle;
            }
            case "BOX":
            {
                int s = CoordSys(f, types);
                if (args.Count - s == 3) { RequirePoint(types[s], args[s], "BOX"); Numbers(s + 1); }
                else { Arity(4 + s, 4 + s); Numbers(s); }
                Literal(f, s);
                return AdqlType.Polygon;
            }
            case "POLYGON":
            {
                int s = CoordSys(f, types);
                int n = args.Count - s;
                bool points = n > 0 && types[s].Xtype == "point";
                if (points)
                {
                    if (n < 3) throw new AdqlException("POLYGON needs at least 3 vertices", f.Position);
                    for (int i = s; i < args.Count; i++) RequirePoint(types[i], args[i], "POLYGON");
                }
                else
                {
                    if (n < 6 || n % 2 != 0) throw new AdqlException($"POLYGON needs at least 3 vertices as lon, lat pairs (got {n} numbers)", f.Position);
                    Numbers(s);
                }
                Literal(f, s);
                return AdqlType.Polygon;
            }
            case "REGION":
                Arity(1, 1);
                if (args[0] is not StringLiteral) throw new AdqlException("REGION takes a string literal", args[0].Position);
                try { _ = Translator.Geometry.SphereShape.Parse(((StringLiteral)args[0]).Value); }
                catch (FormatException ex) { throw new AdqlException($"REGION: {ex.Message}", args[0].Position); }
                catch (InvalidSkyGeometryException ex) { throw new AdqlException($"REGION: {ex.Message}", args[0].Position); }
                return AdqlType.Region;
            case "CENTROID":
                Arity(1, 1); RequireGeometry(types[0], args[0], f.Name); return AdqlType.Point;
            case "AREA":
                Arity(1, 1); RequireGeometry(types[0], args[0], f.Name); return AdqlType.Double;
            case "COORD1" or "COORD2":
                Arity(1, 1); RequirePoint(types[0], args[0], f.Name); return AdqlType.Double;
            case "COORDSYS":
                Arity(1, 1); RequireGeometry(types[0], args[0], f.Name); return AdqlType.String;
            case "CONTAINS" or "INTERSECTS":
                Arity(2, 2); RequireGeometry(types[0], args[0], f.Name); RequireGeometry(types[1], args[1], f.Name); return AdqlType.Int;
            case "DISTANCE":
                if (args.Count == 2) { RequirePoint(types[0], args[0], f.Name); RequirePoint(types[1], args[1], f.Name); }
                else
                {
                    Arity(4, 4); Numbers();
                    for (int i = 0; i < 4; i += 2)
                        if (ConstantFolding.Fold(args[i]) is { } lon && ConstantFolding.Fold(args[i + 1]) is { } lat)
                        {
                            try { SkyRules.CheckPosition(lon, lat); }
                            catch (InvalidSkyGeometryException e) { throw new AdqlException($"DISTANCE: {e.Message}", args[i].Position); }
                        }
                }
                return AdqlType.Double;
            default:
                throw new AdqlResolutionException($"unknown function '{f.Name}'", f.Position, f.Name);
        }
    }

    /// <summary>The declared user-defined functions (<see cref="AdqlFeatures"/>, features-udf): arity and argument types.</summary>
    private AdqlType UserDefinedFunction(FunctionCall f, Scope scope, Clause clause, bool inAggregate)
    {
        string name = f.Name.ToLowerInvariant();
        var args = f.Arguments;
        bool aggregate = name == "ivo_string_agg";
        if (aggregate)
        {
            if (inAggregate) throw new AdqlException("aggregate functions cannot be nested", f.Position);
            if (clause is Clause.Where or Clause.GroupBy or Clause.On)
                throw new AdqlException($"aggregate function {f.Name} is not allowed in {clause switch { Clause.Where => "WHERE", Clause.GroupBy => "GROUP BY", _ => "ON" }}", f.Position);
        }
        var types = args.Select(a => Expr(a, scope, clause, inAggregate || aggregate)).ToList();
        void Arity(int n)
        {
            if (args.Count != n) throw new AdqlException($"{f.Name} takes {n} arguments, not {args.Count}", f.Position);
        }
        switch (name)
        {
            case "ivo_hasword" or "ivo_nocasematch":
                Arity(2); RequireString(types[0], args[0], f.Name); RequireString(types[1], args[1], f.Name);
                return AdqlType.Int;
            case "ivo_interval_overlaps":
                Arity(4);
                for (int i = 0; i < 4; i++) RequireNumeric(types[i], args[i], f.Name);
                return AdqlType.Int;
            case "ivo_string_agg":
                Arity(2);
                if (types[0].IsGeometry) throw new AdqlException($"{f.Name} needs a string or a number, not {types[0]}", args[0].Position);
                RequireString(types[1], args[1], f.Name);
                return AdqlType.String;
            case "ivo_healpix_index":
                if (args.Count == 2) RequirePoint(types[1], args[1], f.Name);
                else { Arity(3); RequireNumeric(types[1], args[1], f.Name); RequireNumeric(types[2], args[2], f.Name); }
                if (!(types[0].IsInteger || types[0].IsNull)) throw new AdqlException($"the first argument of {f.Name} is the HEALPix order, an integer", args[0].Position);
                if (args[0] is NumericLiteral { IntegerValue: { } order } && order > MaxHealpixOrder)
                    throw new AdqlException($"{f.Name}: HEALPix order {order} is outside 0 to {MaxHealpixOrder}", args[0].Position);
                return AdqlType.Long;
            default:
                throw new AdqlResolutionException($"unknown function '{f.Name}'", f.Position, f.Name);
        }
    }

    /// <summary>The deepest HEALPix order whose indexes fit 64 bits (nside = 2^29).</summary>
    public const int MaxHealpixOrder = 29;

    /// <summary>
    /// A geometry constructor whose coordinates are constants is checked now against the sky rules (finite, |lat| ≤ 90°,
    /// radius in [0°, 180°], a polygon with an area), so that a query never runs, silently empty, on a shape that makes
    /// no sense. Constructors over columns are checked row by row when the query runs.
    /// </summary>
    private static void Literal(FunctionCall f, int skip)
    {
        var args = f.Arguments.Skip(skip).ToList();
        var numbers = new List<double>();
        foreach (var a in args)
        {
            if (ConstantFolding.Fold(a) is { } v) numbers.Add(v);
            else if (a is FunctionCall { Name: "POINT" } p && ConstantPoint(p) is { } point) { numbers.Add(point.Lon); numbers.Add(point.Lat); }
            else
            {
                // Some coordinates are not constant: a constant radius can still be checked alone.
                if (f.Name is "CIRCLE" && ConstantFolding.Fold(args[^1]) is { } r) Check(() => SkyRules.CheckRadius(r));
                return;
            }
        }
        Check(() =>
        {
            switch (f.Name)
            {
                case "POINT": SkyRules.CheckPosition(numbers[0], numbers[1]); break;
                case "CIRCLE": SkyRules.CheckCircle(numbers[0], numbers[1], numbers[2]); break;
                case "BOX": SkyRules.CheckBox(numbers[0], numbers[1], numbers[2], numbers[3]); break;
                case "POLYGON": SkyRules.CheckPolygon(numbers); break;
            }
        });

        void Check(Action check)
        {
            try { check(); }
            catch (InvalidSkyGeometryException e) { throw new AdqlException($"{f.Name}: {e.Message}", f.Position); }
        }
    }

    private static (double Lon, double Lat)? ConstantPoint(FunctionCall p)
    {
        int s = p.Arguments.Count == 3 ? 1 : 0;
        return p.Arguments.Count - s == 2 && ConstantFolding.Fold(p.Arguments[s]) is { } lon && ConstantFolding.Fold(p.Arguments[s + 1]) is { } lat
            ? (lon, lat) : null;
    }

    /// <summary>
    /// The unit of an expression IN_UNIT may convert: a column's declared unit, or the target of an
    /// inner IN_UNIT. Other expressions have no unit we could vouch for.
    /// </summary>
    private string? UnitOf(Expression e) => e switch
    {
        ColumnReference c => _result.Columns_[c].Schema?.Unit is { Length: > 0 } u ? u : null,
        FunctionCall { Name: "IN_UNIT" } inner => _result.UnitConversions[inner].Unit,
        _ => null,
    };

    /// <summary>1 when a geometry constructor starts with a coordinate-system literal (ignored), else 0.</summary>
    internal static int CoordSys(FunctionCall f, IReadOnlyList<AdqlType> types)
    {
        var args = f.Arguments;
        if (args.Count == 0) return 0;
        if (args[0] is StringLiteral) return 1;
        if (args[0] is not NullLiteral) return 0;
        return f.Name switch
        {
            "POINT" => args.Count == 3 ? 1 : 0,
            "CIRCLE" => args.Count == 4 || (args.Count == 3 && types[1].Xtype == "point") ? 1 : 0,
            "BOX" => args.Count == 5 || (args.Count == 4 && types[1].Xtype == "point") ? 1 : 0,
            "POLYGON" => args.Count % 2 == 1 || (args.Count > 1 && types[1].Xtype == "point") ? 1 : 0,
            _ => 0,
        };
    }

    private static void RequirePoint(AdqlType t, Expression e, string what)
    {
        if (t.Xtype != "point" && !t.IsNull)
            throw new AdqlException($"{what} needs a POINT here, not {t}", e.Position);
    }

    internal static readonly HashSet<string> ReservedWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "absolute", "action", "add", "all", "allocate", "alter", "and", "any", "are", "as", "asc", "assertion", "at",
        "authorization", "avg", "begin", "between", "bit", "bit_length", "both", "by", "cascade", "cascaded", "case", "cast",
        "catalog", "char", "character", "char_length", "character_length", "check", "close", "coalesce", "collate",
        "collation", "column", "commit", "connect", "connection", "constraint", "constraints", "continue", "convert",
        "corresponding", "count", "create", "cross", "current", "current_date", "current_time", "current_timestamp",
        "current_user", "cursor", "date", "day", "deallocate", "decimal", "declare", "default", "deferrable", "deferred",
        "delete", "desc", "describe", "descriptor", "diagnostics", "disconnect", "distinct", "domain", "double", "drop",
        "else", "end", "end-exec", "escape", "except", "exception", "exec", "execute", "exists", "external", "extract", "false",
        "fetch", "first", "float", "for", "foreign", "found", "from", "full", "get", "global", "go", "goto", "grant", "group",
        "having", "hour", "identity", "immediate", "in", "indicator", "initially", "inner", "input", "insensitive", "insert",
        "int", "integer", "intersect", "interval", "into", "is", "isolation", "join", "key", "language", "last", "leading",
        "left", "level", "like", "local", "lower", "match", "max", "min", "minute", "module", "month", "names", "national",
        "natural", "nchar", "next", "no", "not", "null", "nullif", "numeric", "octet_length", "of", "on", "only", "open",
        "option", "or", "order", "outer", "output", "overlaps", "pad", "partial", "position", "precision", "prepare",
        "preserve", "primary", "prior", "privileges", "procedure", "public", "read", "real", "references", "relative",
        "restrict", "revoke", "right", "rollback", "rows", "schema", "scroll", "second", "section", "select", "session",
        "session_user", "set", "size", "smallint", "some", "space", "sql", "sqlcode", "sqlerror", "sqlstate", "substring",
        "sum", "system_user", "table", "temporary", "then", "time", "timestamp", "timezone_hour", "timezone_minute", "to",
        "trailing", "transaction", "translate", "translation", "trim", "true", "union", "unique", "unknown", "update",
        "upper", "usage", "user", "using", "value", "values", "varchar", "varying", "view", "when", "whenever", "where",
        "with", "work", "write", "year", "zone",
        "abs", "acos", "asin", "atan", "atan2", "ceiling", "cos", "cot", "degrees", "exp", "floor", "log", "log10", "mod",
        "pi", "power", "radians", "rand", "round", "sin", "sqrt", "tan", "truncate", "area", "box", "centroid", "circle",
        "contains", "coord1", "coord2", "coordsys", "distance", "intersects", "point", "polygon", "region", "bigint",
        "ilike", "in_unit", "offset", "top",
    };
}
