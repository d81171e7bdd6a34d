using System.Globalization;
using Microsoft.OData;
using Microsoft.OData.UriParser;
using Microsoft.Spatial;
using VoSpec.Adql.Query;

namespace VoSpec.Server.OData;

/// <summary>
/// The OData library's semantic tree of <c>$filter</c> and <c>$orderby</c> as ADQL nodes, the same tree TAP's parser makes,
/// so that the checker, the translator, the hidden-row rules, the query budget and the spatial index apply as to any
/// ADQL query; nothing is evaluated in memory. What has no ADQL counterpart is refused with the name of the construct.
/// geo.distance(position, POINT) is DISTANCE(POINT(ra, dec), POINT(...)) in degrees (compared lt/le with a number, the
/// cone the spatial index answers); geo.intersects(position, POLYGON) is CONTAINS(POINT(ra, dec), POLYGON(...)) = 1.
/// </summary>
public sealed class ODataToAdql(ODataSet set)
{
    public Condition Condition(SingleValueNode node) => node switch
    {
        BinaryOperatorNode { OperatorKind: BinaryOperatorKind.And } b => new AndCondition(Condition(b.Left), Condition(b.Right)),
        BinaryOperatorNode { OperatorKind: BinaryOperatorKind.Or } b => new OrCondition(Condition(b.Left), Condition(b.Right)),
        UnaryOperatorNode { OperatorKind: UnaryOperatorKind.Not } u => new NotCondition(Condition(u.Operand)),
        ConvertNode c => Condition(c.Source),
        BinaryOperatorNode b when Comparison(b.OperatorKind) is { } op => Compare(op, b.Left, b.Right),
        SingleValueFunctionCallNode f => Predicate(f),
        InNode i => new InList(Expression(i.Left), Constants(i.Right), false),
        ConstantNode { Value: bool v } => v ? Always : new NotCondition(Always),
        _ => throw Unsupported(node),
    };

    private static readonly Condition Always = new Comparison(ComparisonOperator.Equal, Integer(1), Integer(1));

    private Condition Compare(ComparisonOperator op, SingleValueNode left, SingleValueNode right)
    {
        // x eq null, x ne null
        if (IsNull(right) || IsNull(left))
        {
            var value = IsNull(right) ? left : right;
            return op switch
            {
                ComparisonOperator.Equal => new IsNull(Expression(value), false),
                ComparisonOperator.NotEqual => new IsNull(Expression(value), true),
                _ => throw new ODataException("null can only be compared with eq or ne"),
            };
        }
        // contains(x, 'a') eq true, startswith(...) ne false
        if (Boolean(right) is { } rb && op is ComparisonOperator.Equal or ComparisonOperator.NotEqual)
            return rb == (op == ComparisonOperator.Equal) ? Condition(left) : new NotCondition(Condition(left));
        return new Comparison(op, Expression(left), Expression(right));
    }

    private static bool IsNull(SingleValueNode n) => Unwrap(n) is ConstantNode { Value: null };
    private static bool? Boolean(SingleValueNode n) => Unwrap(n) is ConstantNode { Value: bool b } ? b : null;
    private static SingleValueNode Unwrap(SingleValueNode n) => n is ConvertNode c ? Unwrap(c.Source) : n;

    private static ComparisonOperator? Comparison(BinaryOperatorKind kind) => kind switch
    {
        BinaryOperatorKind.Equal => ComparisonOperator.Equal,
        BinaryOperatorKind.NotEqual => ComparisonOperator.NotEqual,
        BinaryOperatorKind.GreaterThan => ComparisonOperator.Greater,
        BinaryOperatorKind.GreaterThanOrEqual => ComparisonOperator.GreaterOrEqual,
        BinaryOperatorKind.LessThan => ComparisonOperator.Less,
        BinaryOperatorKind.LessThanOrEqual => ComparisonOperator.LessOrEqual,
        _ => null,
    };

    private Condition Predicate(SingleValueFunctionCallNode f)
    {
        var args = f.Parameters.Cast<SingleValueNode>().ToList();
        switch (f.Name)
        {
            case "contains" or "startswith" or "endswith":
                if (Unwrap(args[1]) is not ConstantNode { Value: string text })
                    throw new ODataException($"{f.Name}'s second argument must be a string literal");
                if (text.AsSpan().IndexOfAny('%', '_') >= 0)
                    throw new ODataException($"{f.Name}: the text may not contain % or _ (ADQL's LIKE wildcards, which have no escape)");
                var pattern = f.Name switch { "contains" => "%" + text + "%", "startswith" => text + "%", _ => "%" + text };
                return new Like(Expression(args[0]), new StringLiteral(pattern), false, false);
            case "geo.intersects":
                return new Comparison(ComparisonOperator.Equal,
                    new FunctionCall("CONTAINS", NodeList.Of<Expression>(Expression(args[0]), Expression(args[1]))), Integer(1));
            default:
                throw Unsupported(f);
        }
    }

    public Expression Expression(SingleValueNode node) => node switch
    {
        ConvertNode c => Expression(c.Source),
        ConstantNode c => Constant(c.Value),
        SingleValuePropertyAccessNode p when p.Property.Name == ODataSet.Position => Point(Column(set.Ra), Column(set.Dec)),
        SingleValuePropertyAccessNode p => Column(p.Property.Name),
        UnaryOperatorNode { OperatorKind: UnaryOperatorKind.Negate } u => new UnaryExpression(UnaryOperator.Minus, Expression(u.Operand)),
        BinaryOperatorNode b when Arithmetic(b.OperatorKind) is { } op => new BinaryExpression(op, Expression(b.Left), Expression(b.Right)),
        BinaryOperatorNode { OperatorKind: BinaryOperatorKind.Modulo } b => Call("MOD", b.Left, b.Right),
        SingleValueFunctionCallNode f => Function(f),
        _ => throw Unsupported(node),
    };

    private static BinaryOperator? Arithmetic(BinaryOperatorKind kind) => kind switch
    {
        BinaryOperatorKind.Add => BinaryOperator.Add,
        BinaryOperatorKind.Subtract => BinaryOperator.Subtract,
        BinaryOperatorKind.Multiply => BinaryOperator.Multiply,
        BinaryOperatorKind.Divide => BinaryOperator.Divide,
        _ => null,
    };

    private Expression Function(SingleValueFunctionCallNode f)
    {
        var args = f.Parameters.Cast<SingleValueNode>().ToArray();
        return f.Name switch
        {
            "tolower" => Call("LOWER", args),
            "toupper" => Call("UPPER", args),
            "round" => Call("ROUND", args),
            "floor" => Call("FLOOR", args),
            "ceiling" => Call("CEILING", args),
            "geo.distance" => Call("DISTANCE", args),
            _ => throw Unsupported(f),
        };
    }

    private FunctionCall Call(string name, params SingleValueNode[] args) => new(name, args.Select(Expression).ToNodeList());

    private static Expression Constant(object? value) => value switch
    {
        null => new NullLiteral(),
        string s => new StringLiteral(s),
        int or long or short or byte or sbyte => Integer(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        double d when double.IsFinite(d) => Real(d),
        float f when float.IsFinite(f) => Real(f),
        decimal m => Real((double)m),
        GeographyPoint p => Point(Real(p.Longitude), Real(p.Latitude)),
        GeographyPolygon p => Polygon(p),
        _ => throw new ODataException($"a literal of type {value.GetType().Name} has no ADQL counterpart here"),
    };

    private static Expression Polygon(GeographyPolygon p)
    {
        var ring = p.Rings.Count == 1 ? p.Rings[0].Points : throw new ODataException("a polygon must have exactly one ring");
        var points = ring.Count > 1 && ring[0].Latitude == ring[^1].Latitude && ring[0].Longitude == ring[^1].Longitude ? ring.Take(ring.Count - 1) : ring;
        var args = new List<Expression> { new StringLiteral("ICRS") };
        foreach (var q in points) { args.Add(Real(q.Longitude)); args.Add(Real(q.Latitude)); }
        return new FunctionCall("POLYGON", args.ToNodeList());
    }

    private static FunctionCall Point(Expression lon, Expression lat) => new("POINT", NodeList.Of(new StringLiteral("ICRS"), lon, lat));

    public static ColumnReference Column(string name) => new(NodeList.Of(new Identifier(name, false)));

    private static Expression Integer(long v) =>
        v < 0 ? new UnaryExpression(UnaryOperator.Minus, new NumericLiteral((-(Int128)v).ToString(CultureInfo.InvariantCulture), NumericKind.Integer))
              : new NumericLiteral(v.ToString(CultureInfo.InvariantCulture), NumericKind.Integer);

    private static Expression Real(double v)
    {
        var text = Math.Abs(v).ToString("R", CultureInfo.InvariantCulture);
        if (!text.Contains('.') && !text.Contains('E')) text += ".0";
        var literal = new NumericLiteral(text.Replace("E", "e"), text.Contains('E') ? NumericKind.Approximate : NumericKind.Decimal);
        return v < 0 || (v == 0 && double.IsNegative(v)) ? new UnaryExpression(UnaryOperator.Minus, literal) : literal;
    }

    private NodeList<Expression> Constants(CollectionNode node) => node is CollectionConstantNode c
        ? c.Collection.Select(n => Constant(n.Value)).ToNodeList()
        : throw new ODataException("in takes a list of literals");

    private static ODataException Unsupported(QueryNode node) => new(node switch
    {
        SingleValueFunctionCallNode f => $"the function {f.Name} is not supported here (supported: contains, startswith, endswith, tolower, toupper, round, floor, ceiling, geo.distance, geo.intersects)",
        _ => $"{node.Kind} is not supported in this feed's $filter",
    });
}
