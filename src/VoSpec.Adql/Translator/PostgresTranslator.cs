using System.Globalization;
using System.Text;
using VoSpec.Adql.Db;
using VoSpec.Adql.Query;
using VoSpec.Adql.Translator.Geometry;

namespace VoSpec.Adql.Translator;

/// <summary>Options of the PostgreSQL dialect: which tables have Q3C-indexed positions (and footprints around them), hidden rows, the public URL, stored rows.</summary>
public sealed record PostgresTranslatorOptions
{
    public IReadOnlyList<SpatialIndexTable> SpatialIndex { get; init; } = SpatialIndexTable.Archive;
    public IReadOnlyList<HiddenRows> HiddenRows { get; init; } = [];
    public string? PublicUrl { get; init; }
    /// <summary>Tables that keep each row's output bytes in a column of their own rows (<see cref="RowImageSource.StoreTable"/> is the table itself).</summary>
    public IReadOnlyList<RowImageSource> RowImages { get; init; } = [];
    public static PostgresTranslatorOptions Default { get; } = new();
}

/// <summary>
/// The PostgreSQL dialect of <see cref="SqlTranslator"/>, with pgSphere for ADQL's geometry (spoint, scircle, spoly;
/// @ for CONTAINS, &amp;&amp; for INTERSECTS, &lt;-&gt; for DISTANCE, in radians inside and degrees outside): cones on an indexed
/// position become Q3C's cone test (q3c_join) on the key its B-tree index is built on, beside pgSphere's exact test (a cone on
/// the footprint: the same key's ranges, widened by the largest footprint), so PostgreSQL answers them from an index; the rest is standard SQL with PostgreSQL's spellings — LIKE without an escape character, ILIKE, # for XOR,
/// numeric results cast back to double precision, and an alias for every derived table. Parameters are @name.
/// Geometry leaves the database as DALI text (points and circles from their numbers, polygons from pgSphere's
/// output in degrees, which the connection sets). A whole-row select (recognised by <see cref="SqlTranslator"/>) reads
/// the row's stored BINARY2 bytes, a column of the row itself.
/// </summary>
public sealed class PostgresTranslator : SqlTranslator
{
    private readonly PostgresTranslatorOptions _options;
    private readonly IndexedCones _cones;
    private int _aliases;

    private PostgresTranslator(CheckedQuery q, PostgresTranslatorOptions options) : base(q, options.HiddenRows, options.PublicUrl, options.RowImages)
    {
        _options = options;
        _cones = new IndexedCones(q, options.SpatialIndex);
    }

    public static TranslatedQuery Translate(CheckedQuery checkedQuery, PostgresTranslatorOptions? options = null)
    {
        var t = new PostgresTranslator(checkedQuery, options ?? PostgresTranslatorOptions.Default);
        var sql = t.Write();
        return new TranslatedQuery(sql, OutputColumn.Of(checkedQuery), checkedQuery.Root.Top) { Checked = checkedQuery, Parameters = t.Parameters, RowImages = t.ReadsStoredRows };
    }

    public static TranslatedQuery Translate(string adql, ITableMetadata metadata, PostgresTranslatorOptions? options = null) =>
        Translate(AdqlChecker.Check(AdqlParser.Parse(adql), metadata), options);

    /// <summary>The pgSphere point of a spatially indexed table's position: what ADQL's geometry and the exact cone test use.</summary>
    public static string Position(string alias, SpatialIndexTable t) =>
        $"spoint(radians({alias}.{QuoteIdentifier(t.RaColumn)}), radians({alias}.{QuoteIdentifier(t.DecColumn)}))";

    /// <summary>
    /// The Q3C key of a spatially indexed table's position: the expression of its B-tree index. A B-tree builds by
    /// sorting, so a bulk load indexes the positions in ~1 µs a row, where a GiST index over pgSphere's point (no sorted build) took ~5.
    /// </summary>
    public static string PositionKey(string alias, SpatialIndexTable t) =>
        $"q3c_ang2ipix({alias}.{QuoteIdentifier(t.RaColumn)}, {alias}.{QuoteIdentifier(t.DecColumn)})";

    /// <summary>
    /// The index half of a cone on the position (centre and radius in degrees): Q3C's q3c_join, four ranges of the
    /// <see cref="PositionKey"/> index, which PostgreSQL reads as a bitmap. Not q3c_radial_query: its fifty ranges
    /// cover the cone more tightly, but planning them took ~1.3 ms a query against ~0.3 (demo cone, 185 rows: 1.9 ms in
    /// all against 1.1). It goes beside the exact pgSphere test, which alone decides, so it is widened by
    /// <see cref="IndexMarginDeg"/> to keep every row that test keeps. The numbers are written into the SQL (finite
    /// doubles), so each statement is planned with its ranges. Null when Q3C cannot take the cone (a negative radius, a
    /// latitude past a pole): the exact test then stands alone.
    /// </summary>
    public static string? ConeIndexTest(string alias, SpatialIndexTable t, double lon, double lat, double radiusDeg) =>
        Q3cCone(lon, lat, radiusDeg) is { } c
            ? $"q3c_join({c.Lon}, {c.Lat}, {alias}.{QuoteIdentifier(t.RaColumn)}, {alias}.{QuoteIdentifier(t.DecColumn)}, {c.Radius})"
            : null;

    /// <summary>
    /// The index half of a cone on the footprint (a circle of diameter <see cref="SpatialIndexTable.RegionDiameterColumn"/>
    /// around the position): the positions' Q3C ranges of the cone widened by the largest footprint's radius, which
    /// one sub-select reads from the diameter's B-tree when the query starts (an InitPlan, once per range bound). Q3C's
    /// q3c_join cannot take it: its radius appears nine times, so PostgreSQL would not inline it around a sub-select.
    /// Null as for <see cref="ConeIndexTest"/>.
    /// </summary>
    public static string? RegionIndexTest(string alias, SpatialIndexTable t, string table, double lon, double lat, double radiusDeg)
    {
        if (Q3cCone(lon, lat, radiusDeg) is not { } c) return null;
        string key = PositionKey(alias, t);
        string radius = $"(SELECT {c.Radius} + coalesce(max({QuoteIdentifier(t.RegionDiameterColumn!)}), 0) / 2 FROM {QuoteIdentifier(table)})";
        var sb = new StringBuilder("(");
        for (int i = 0; i < 8; i += 2)
        {
            if (i > 0) sb.Append(" OR ");
            sb.Append(key).Append(" BETWEEN q3c_nearby_it(").Append(c.Lon).Append(", ").Append(c.Lat).Append(", ").Append(radius).Append(", ").Append(i)
              .Append(") AND q3c_nearby_it(").Append(c.Lon).Append(", ").Append(c.Lat).Append(", ").Append(radius).Append(", ").Append(i + 1).Append(')');
        }
        return sb.Append(')').ToString();
    }

    /// <summary>How much wider (degrees) Q3C's cone is than the exact test's: far above both libraries' rounding, far below any aperture.</summary>
    private const double IndexMarginDeg = 1e-8;

    /// <summary>Q3C's centre (longitude in [0, 360)) and widened radius as float8 literals; null when Q3C cannot take them.</summary>
    private static (string Lon, string Lat, string Radius)? Q3cCone(double lon, double lat, double radiusDeg)
    {
        if (!double.IsFinite(lon) || !(Math.Abs(lat) <= 90) || !(radiusDeg >= 0) || !double.IsFinite(radiusDeg)) return null;
        double normal = lon is >= 0 and < 360 ? lon : ((lon % 360) + 360) % 360;
        return (Float8(normal), Float8(lat), Float8(radiusDeg + IndexMarginDeg));
    }

    /// <summary>The pgSphere circle of the table's region (its aperture around the position): what INTERSECTS tests exactly.</summary>
    public static string Region(string alias, SpatialIndexTable t) =>
        $"scircle({Position(alias, t)}, radians(coalesce({alias}.{QuoteIdentifier(t.RegionDiameterColumn!)}, 0) / 2))";

    protected override string ParameterPrefix => "@";

    /// <summary>Whole rows from the bytes kept in the row itself: one cell a row, read by the same scan as the plain query.</summary>
    protected override void StoredRowsColumn(StringBuilder sb, RowImageSource image, string alias) =>
        sb.Append(alias).Append('.').Append(QuoteIdentifier(image.Column));

    protected override string DerivedAlias() => " AS q" + (++_aliases).ToString(CultureInfo.InvariantCulture);

    /// <summary>PostgreSQL binds INTERSECT tighter than UNION and EXCEPT; ADQL's chains are read left to right.</summary>
    protected override bool NestsLeftCompound => true;

    protected override void Limit(StringBuilder sb, long? top, long? offset)
    {
        if (top is { } t) sb.Append(" LIMIT ").Append(t);
        if (offset is { } o) sb.Append(" OFFSET ").Append(o);
    }

    protected override string RealLiteral(double d) => d switch
    {
        double.PositiveInfinity => "'Infinity'::float8",
        double.NegativeInfinity => "'-Infinity'::float8",
        double.NaN => "NULL",
        // A bare 1.5 is numeric in PostgreSQL: results must stay double precision, as ADQL declares them.
        _ => d.ToString("R", CultureInfo.InvariantCulture) + "::float8",
    };

    protected override void BitXor(StringBuilder sb, BinaryExpression b)
    {
        sb.Append('(');
        Expr(sb, b.Left, 10);
        sb.Append(" # ");
        Expr(sb, b.Right, 10);
        sb.Append(')');
    }

    protected override void Like(StringBuilder sb, Like like)
    {
        // ADQL has no escape character; PostgreSQL's LIKE would take a backslash as one.
        sb.Append(like.Negated ? "(NOT (" : "((");
        Expr(sb, like.Value);
        sb.Append(like.CaseInsensitive ? " ILIKE " : " LIKE ");
        Expr(sb, like.Pattern);
        sb.Append(" ESCAPE ''))");
    }

    protected override void Aggregate(StringBuilder sb, Aggregate a)
    {
        // AVG of integers and SUM of bigints are numeric in PostgreSQL: back to the type the result declares.
        var cast = a.Function.ToString().ToUpperInvariant() switch
        {
            "AVG" => "double precision",
            "SUM" when a.Argument is { } arg && Q.TypeOf(arg).IsInteger => "bigint",
            "SUM" => "double precision",
            _ => null,
        };
        if (cast is null) { base.Aggregate(sb, a); return; }
        sb.Append("CAST(");
        base.Aggregate(sb, a);
        sb.Append(" AS ").Append(cast).Append(')');
    }

    // ------------------------------------------------------------------ casts

    protected override void Cast(StringBuilder sb, CastExpression c)
    {
        var operand = Q.TypeOf(c.Operand);
        switch (c.Type.Name)
        {
            case "SMALLINT" or "INTEGER" or "BIGINT":
                // Towards zero, as SQLite's integer cast does (PostgreSQL's rounds).
                sb.Append("CAST(");
                if (operand.IsNumeric && !operand.IsInteger) { sb.Append("trunc("); Expr(sb, c.Operand); sb.Append(')'); }
                else Expr(sb, c.Operand);
                sb.Append(" AS ").Append(c.Type.Name.ToLowerInvariant()).Append(')');
                break;
            case "REAL" or "DOUBLE PRECISION" when operand.IsString:
                // A string that is not a number is an error that says so (vospec_double).
                sb.Append("vospec_double(");
                Expr(sb, c.Operand);
                sb.Append(')');
                break;
            case "REAL" or "DOUBLE PRECISION":
                sb.Append("CAST(");
                Expr(sb, c.Operand);
                sb.Append(" AS double precision)");
                break;
            case "CHAR" or "VARCHAR":
                CastToText(sb, c, "text");
                break;
            case "TIMESTAMP":
                sb.Append("to_char(CAST(");
                Expr(sb, c.Operand);
                sb.Append(" AS timestamp), 'YYYY-MM-DD\"T\"HH24:MI:SS')");
                break;
            default: // POINT, CIRCLE, POLYGON from DALI strings
                if (operand.IsGeometry) { Expr(sb, c.Operand); break; }
                FromDali(sb, () => Expr(sb, c.Operand), c.Type.Name.ToLowerInvariant());
                break;
        }
    }

    // ------------------------------------------------------------------ geometry

    private static string Num(double d) => Float8(d);

    /// <summary>A finite double as a PostgreSQL float8 literal (round-trip digits).</summary>
    public static string Float8(double d) => d.ToString("R", CultureInfo.InvariantCulture) + "::float8";

    /// <summary>A DALI text value (points, circles, polygons of uploads or CASTs) as a pgSphere value.</summary>
    private static void FromDali(StringBuilder sb, Action value, string xtype)
    {
        switch (xtype)
        {
            case "point":
                sb.Append("spoint(radians(split_part(btrim(");
                value();
                sb.Append("), ' ', 1)::float8), radians(split_part(btrim(");
                value();
                sb.Append("), ' ', 2)::float8))");
                break;
            case "circle":
                sb.Append("scircle(spoint(radians(split_part(btrim(");
                value();
                sb.Append("), ' ', 1)::float8), radians(split_part(btrim(");
                value();
                sb.Append("), ' ', 2)::float8)), radians(split_part(btrim(");
                value();
                sb.Append("), ' ', 3)::float8))");
                break;
            default:
                // "a b c d …" → {(ad,bd),(cd,dd),…}: pairs of numbers in degrees, pgSphere's own polygon text.
                sb.Append("CAST('{' || rtrim(regexp_replace(btrim(");
                value();
                sb.Append("), '(\\S+)\\s+(\\S+)\\s*', '(\\1d,\\2d),', 'g'), ',') || '}' AS spoly)");
                break;
        }
    }

    protected override void GeometryColumn(StringBuilder sb, SourceColumnBinding s) =>
        FromDali(sb, () => sb.Append(s.Source.SqlAlias).Append('.').Append(QuoteIdentifier(s.Column.SqlName)), s.Column.Type.Xtype!);

    protected override void GeometryOutput(StringBuilder sb, SelectOutput o)
    {
        switch (o.Type.Xtype)
        {
            case "point":
                sb.Append("(SELECT degrees(long(g.p))::text || ' ' || degrees(lat(g.p))::text FROM (SELECT ");
                OutputValue(sb, o);
                sb.Append(" AS p) AS g)");
                break;
            case "circle":
                sb.Append("(SELECT degrees(long(center(g.c)))::text || ' ' || degrees(lat(center(g.c)))::text || ' ' || degrees(radius(g.c))::text FROM (SELECT ");
                OutputValue(sb, o);
                sb.Append(" AS c) AS g)");
                break;
            default:
                // pgSphere writes polygons as {(ad , bd),…} in degrees (set per connection): the numbers are the DALI form.
                sb.Append("btrim(regexp_replace(CAST(");
                OutputValue(sb, o);
                sb.Append(" AS text), '[^0-9eE.+-]+', ' ', 'g'))");
                break;
        }
    }

    /// <summary>A geometry argument: ObsCore's s_region is its pgSphere footprint; a constant REGION is parsed here.</summary>
    private void Geometry(StringBuilder sb, Expression e)
    {
        if (e is ColumnReference c && Q.BindingOf(c) is SourceColumnBinding { Source: TableSource ts } b
            && string.Equals(b.Column.Type.Xtype, "adql:REGION", StringComparison.OrdinalIgnoreCase))
        {
            var table = _options.SpatialIndex.FirstOrDefault(t => t.Table.Equals(ts.Table.QualifiedName, StringComparison.OrdinalIgnoreCase));
            if (table?.RegionColumn != b.Column.Name)
                throw new AdqlUnsupportedException($"{b.Column.Name} is an STC-S region; on PostgreSQL only ObsCore's s_region takes part in geometry", c.Position);
            sb.Append(Region(ts.SqlAlias, table));
            return;
        }
        Expr(sb, e);
    }

    /// <summary>A geometry argument of CONTAINS or INTERSECTS: a constant shape (compound ones included) or an expression.</summary>
    private sealed record GeoOperand(SphereShape? Shape, Expression? Expr, bool IsPoint);

    private GeoOperand Operand(Expression e, FunctionCall f)
    {
        if (e is FunctionCall { Name: "REGION" } r && r.Arguments[0] is StringLiteral text)
            return Make(Parse(text.Value, f));
        return new GeoOperand(null, e, Q.TypeOf(e).Xtype == "point");

        static GeoOperand Make(SphereShape shape) => new(shape, null, shape is PointShape);
    }

    /// <summary>
    /// CONTAINS (or INTERSECTS) as a condition. pgSphere has no compound regions: a Union, Intersection or Not is taken
    /// apart into OR, AND and NOT of its parts in exactly the cases that follow from them (as the SQLite functions
    /// decide, <see cref="SphereShape.Contains"/>), and refused with the same words otherwise.
    /// </summary>
    private void Predicate(StringBuilder sb, bool contains, GeoOperand a, GeoOperand b, FunctionCall f)
    {
        var (ca, cb) = (a.Shape as CompoundShape, b.Shape as CompoundShape);
        if (ca is null && cb is null)
        {
            sb.Append('(');
            Simple(sb, a);
            sb.Append(contains ? " @ " : " && ");
            Simple(sb, b);
            sb.Append(')');
            return;
        }
        GeoOperand Part(SphereShape s) => new(s, null, s is PointShape);
        void All(string op, IEnumerable<(GeoOperand, GeoOperand)> pairs, bool c)
        {
            sb.Append('(');
            bool first = true;
            foreach (var (x, y) in pairs)
            {
                if (!first) sb.Append(op);
                first = false;
                Predicate(sb, c, x, y, f);
            }
            sb.Append(')');
        }
        void Not(GeoOperand x, GeoOperand y, bool c) { sb.Append("(NOT "); Predicate(sb, c, x, y, f); sb.Append(')'); }
        if (contains)
        {
            if (a.IsPoint && cb is { Operator: "Union" }) All(" OR ", cb.Parts.Select(p => (a, Part(p))), true);
            else if (a.IsPoint && cb is { Operator: "Not" }) Not(a, Part(cb.Parts[0]), true);
            else if (ca is { Operator: "Union" }) All(" AND ", ca.Parts.Select(p => (Part(p), b)), true);
            else if (cb is { Operator: "Intersection" }) All(" AND ", cb.Parts.Select(p => (a, Part(p))), true);
            else if (cb is { Operator: "Not" }) Not(a, Part(cb.Parts[0]), false);
            else throw Undecidable("CONTAINS", a, b, f);
            return;
        }
        if (a.IsPoint) Predicate(sb, true, a, b, f);
        else if (b.IsPoint) Predicate(sb, true, b, a, f);
        else if (ca is { Operator: "Union" }) All(" OR ", ca.Parts.Select(p => (Part(p), b)), false);
        else if (cb is { Operator: "Union" }) All(" OR ", cb.Parts.Select(p => (a, Part(p))), false);
        else if (ca is { Operator: "Not" }) Not(b, Part(ca.Parts[0]), true);
        else if (cb is { Operator: "Not" }) Not(a, Part(cb.Parts[0]), true);
        else throw Undecidable("INTERSECTS", a, b, f);
    }

    private AdqlException Undecidable(string predicate, GeoOperand a, GeoOperand b, FunctionCall f)
    {
        string Kind(GeoOperand o) => o.Shape?.Kind ?? Q.TypeOf(o.Expr!).Xtype ?? "region";
        return new AdqlException($"{predicate}({Kind(a)}, {Kind(b)}) cannot be decided exactly; with a compound region (Union, Intersection, Not) use a POINT on the other side, a Union inside or around a simple shape, or a simple shape inside an Intersection or a Not", f.Position);
    }

    private void Simple(StringBuilder sb, GeoOperand o)
    {
        if (o.Shape is { } shape) sb.Append(Literal(shape));
        else Geometry(sb, o.Expr!);
    }

    /// <summary>A constant shape as a pgSphere literal.</summary>
    private static string Literal(SphereShape shape) => shape switch
    {
        PointShape p => $"spoint(radians({Num(p.Lon)}), radians({Num(p.Lat)}))",
        CircleShape { Radius: > 90 } c => throw new AdqlUnsupportedException(string.Create(CultureInfo.InvariantCulture,
            $"a circle of radius {c.Radius}° is not supported on PostgreSQL (pgSphere's circles reach 90°): use its complement, NOT a circle around the antipode"), default),
        CircleShape c => $"scircle(spoint(radians({Num(c.Lon)}), radians({Num(c.Lat)})), radians({Num(c.Radius)}))",
        PolygonShape p => "CAST('{" + string.Join(",", p.Corners.Select(v => string.Create(CultureInfo.InvariantCulture, $"({v.Lon:R}d,{v.Lat:R}d)"))) + "}' AS spoly)",
        _ => throw new AdqlUnsupportedException($"a {shape.Kind} region is not supported on PostgreSQL", default),
    };

    protected override void Function(StringBuilder sb, FunctionCall f)
    {
        var args = f.Arguments;
        switch (f.Name)
        {
            case "POINT" or "CIRCLE" or "BOX" or "POLYGON":
                ShapeConstructor(sb, f, args.Skip(AdqlChecker.CoordSys(f, args.Select(Q.TypeOf).ToList())).ToList());
                return;
            case "REGION":
                if (args[0] is not StringLiteral text)
                    throw new AdqlUnsupportedException("REGION takes a constant STC-S string on this server", f.Position);
                sb.Append(Literal(Parse(text.Value, f)));
                return;
            case "CONTAINS" or "INTERSECTS":
                sb.Append("CAST((");
                Predicate(sb, f.Name == "CONTAINS", Operand(args[0], f), Operand(args[1], f), f);
                sb.Append(") AS integer)");
                return;
            case "DISTANCE" when args.Count == 4:
                sb.Append("degrees(spoint(radians(");
                Expr(sb, args[0]); sb.Append("), radians("); Expr(sb, args[1]);
                sb.Append(")) <-> spoint(radians(");
                Expr(sb, args[2]); sb.Append("), radians("); Expr(sb, args[3]);
                sb.Append(")))");
                return;
            case "DISTANCE":
                sb.Append("degrees(");
                Geometry(sb, args[0]);
                sb.Append(" <-> ");
                Geometry(sb, args[1]);
                sb.Append(')');
                return;
            case "AREA":
                sb.Append("(area(");
                Geometry(sb, args[0]);
                sb.Append(") * 3282.806350011744)"); // (180/π)² square degrees per steradian
                return;
            case "CENTROID":
                if (Q.TypeOf(args[0]).Xtype == "polygon")
                    throw new AdqlUnsupportedException("CENTROID of a polygon is not supported on PostgreSQL (pgSphere has none)", f.Position);
                sb.Append("center(");
                Geometry(sb, args[0]);
                sb.Append(')');
                return;
            case "COORD1" or "COORD2":
                sb.Append(f.Name == "COORD1" ? "degrees(long(" : "degrees(lat(");
                Geometry(sb, args[0]);
                sb.Append("))");
                return;
            case "COORDSYS":
                sb.Append("CASE WHEN ");
                Geometry(sb, args[0]);
                sb.Append(" IS NULL THEN NULL ELSE 'ICRS' END");
                return;
            case "IN_UNIT":
                sb.Append("(CAST(");
                Expr(sb, args[0]);
                sb.Append(" AS double precision) * ").Append(Num(Q.UnitConversions[f].Factor)).Append(')');
                return;
        }
        if (f.UserDefined)
        {
            UserDefined(sb, f);
            return;
        }
        string name = f.Name switch
        {
            "LOG" => "ln", "LOG10" => "log", "RAND" => "random", "TRUNCATE" => "trunc", "CEILING" => "ceil",
            _ => f.Name.ToLowerInvariant(),
        };
        switch (f.Name)
        {
            case "ROUND" or "TRUNCATE" when args.Count == 2:
                // Digits after the point are a numeric function in PostgreSQL.
                sb.Append("CAST(").Append(name).Append("(CAST(");
                Expr(sb, args[0]);
                sb.Append(" AS numeric), ");
                Expr(sb, args[1]);
                sb.Append(") AS double precision)");
                return;
            case "MOD":
                sb.Append("CAST(mod(CAST(");
                Expr(sb, args[0]);
                sb.Append(" AS numeric), CAST(");
                Expr(sb, args[1]);
                sb.Append(" AS numeric)) AS double precision)");
                return;
            case "RAND":
                sb.Append("random()");
                return;
            case "COALESCE" when args.Count == 1:
                Expr(sb, args[0]);
                return;
        }
        sb.Append(name).Append('(');
        for (int i = 0; i < args.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            // Math on integers (SQRT(4), LOG(n)…) is math on doubles, as ADQL declares the result.
            bool real = f.Name is not ("ABS" or "LOWER" or "UPPER" or "COALESCE" or "ROUND" or "TRUNCATE" or "CEILING" or "FLOOR");
            if (real && Q.TypeOf(args[i]).IsInteger) { sb.Append("CAST("); Expr(sb, args[i]); sb.Append(" AS double precision)"); }
            else Expr(sb, args[i]);
        }
        sb.Append(')');
    }

    private static SphereShape Parse(string stcs, FunctionCall f)
    {
        try { return SphereShape.Parse(stcs); }
        catch (FormatException e) { throw new AdqlException(e.Message, f.Position); }
    }

    private void ShapeConstructor(StringBuilder sb, FunctionCall f, IReadOnlyList<Expression> args)
    {
        // A shape of constants is made here, exactly as SQLite's functions make it (BOX as its four corners).
        var constants = args.Select(a => Q.TypeOf(a).IsNumeric ? ConstantFolding.Fold(a) : null).ToList();
        if (constants.All(c => c is not null))
        {
            var v = constants.Select(c => c!.Value).ToList();
            SphereShape shape;
            try
            {
                shape = f.Name switch
                {
                    "POINT" => SphereShape.Point(v[0], v[1]),
                    "CIRCLE" => SphereShape.Circle(v[0], v[1], v[2]),
                    "BOX" => SphereShape.Box(v[0], v[1], v[2], v[3]),
                    _ => SphereShape.Polygon(v),
                };
            }
            catch (Exception e) when (e is FormatException or ArgumentException) { throw new AdqlException(e.Message, f.Position); }
            sb.Append(Literal(shape));
            return;
        }
        switch (f.Name)
        {
            case "POINT" when args.Count == 2:
                // pgSphere would fold a latitude beyond the poles silently: vospec_lat refuses it, as SQLite's functions do.
                sb.Append("spoint(radians("); Expr(sb, args[0]); sb.Append("), radians(vospec_lat("); Expr(sb, args[1]); sb.Append(")))");
                return;
            case "CIRCLE" when args.Count == 3:
                sb.Append("scircle(spoint(radians("); Expr(sb, args[0]); sb.Append("), radians("); Expr(sb, args[1]);
                sb.Append(")), radians("); Expr(sb, args[2]); sb.Append("))");
                return;
            case "CIRCLE" when args.Count == 2:
                sb.Append("scircle("); Expr(sb, args[0]); sb.Append(", radians("); Expr(sb, args[1]); sb.Append("))");
                return;
            case "POLYGON" when args.All(a => Q.TypeOf(a).IsNumeric):
                sb.Append("CAST('{' || ");
                for (int i = 0; i + 1 < args.Count; i += 2)
                {
                    if (i > 0) sb.Append(" || ',' || ");
                    sb.Append("'(' || CAST("); Expr(sb, args[i]); sb.Append(" AS text) || 'd,' || CAST(");
                    Expr(sb, args[i + 1]); sb.Append(" AS text) || 'd)'");
                }
                sb.Append(" || '}' AS spoly)");
                return;
            default:
                throw new AdqlUnsupportedException($"{f.Name} with these arguments is not supported on PostgreSQL: give its corners as numbers", f.Position);
        }
    }

    /// <summary>The ivo_* functions the capabilities declare, in PostgreSQL's own terms.</summary>
    private void UserDefined(StringBuilder sb, FunctionCall f)
    {
        var args = f.Arguments;
        switch (f.Name.ToLowerInvariant())
        {
            case "ivo_string_agg":
                sb.Append("string_agg(CAST("); Expr(sb, args[0]); sb.Append(" AS text), "); Expr(sb, args[1]); sb.Append(')');
                return;
            case "ivo_interval_overlaps":
                sb.Append("CAST(("); Expr(sb, args[1]); sb.Append(" >= "); Expr(sb, args[2]); sb.Append(" AND ");
                Expr(sb, args[3]); sb.Append(" >= "); Expr(sb, args[0]); sb.Append(") AS integer)");
                return;
            case "ivo_nocasematch":
                sb.Append("CAST(("); Expr(sb, args[0]); sb.Append(" ILIKE "); Expr(sb, args[1]); sb.Append(" ESCAPE '') AS integer)");
                return;
            case "ivo_hasword":
                // Word boundaries around the words of the needle, case-insensitive (regular-expression characters escaped).
                sb.Append("CAST(("); Expr(sb, args[0]);
                sb.Append(" ~* ('\\m' || regexp_replace("); Expr(sb, args[1]);
                sb.Append(", '([.*+?^${}()|\\[\\]\\\\])', '\\\\\\1', 'g') || '\\M')) AS integer)");
                return;
            case "ivo_healpix_index":
                sb.Append("healpix_nest(CAST("); Expr(sb, args[0]); sb.Append(" AS integer), ");
                if (args.Count == 3) { sb.Append("spoint(radians("); Expr(sb, args[1]); sb.Append("), radians("); Expr(sb, args[2]); sb.Append(")))"); }
                else { Geometry(sb, args[1]); sb.Append(')'); }
                return;
            default:
                throw new AdqlUnsupportedException($"{f.Name} is not supported on PostgreSQL", f.Position);
        }
    }

    // ------------------------------------------------------------------ spatial index

    /// <summary>
    /// WHERE with the spatial indexes: a cone on an indexed position becomes Q3C's cone test on its B-tree-indexed key
    /// beside the exact "point @ circle" (inclusive, with the geometry functions' 1e-10° tolerance), or the widened
    /// ranges beside "footprint &amp;&amp; circle" for the region (<see cref="RegionIndexTest"/>);
    /// DISTANCE comparisons keep their strictness with the distance operator beside the index test.
    /// </summary>
    protected override void Where(StringBuilder sb, Condition where)
    {
        var conjuncts = IndexedCones.Conjuncts(where).ToList();
        for (int i = 0; i < conjuncts.Count; i++)
        {
            if (i > 0) sb.Append(" AND ");
            var c = conjuncts[i];
            if (_cones.Cone(c) is not { } cone) { sb.Append('('); Cond(sb, c); sb.Append(')'); continue; }
            string alias = cone.Source.SqlAlias;
            string circle(double r) => $"scircle(spoint(radians({Num(cone.Lon)}), radians({Num(cone.Lat)})), radians({Num(r)}))";
            if (cone.OnRegion)
            {
                sb.Append('(');
                if (RegionIndexTest(alias, cone.Table, ((TableSource)cone.Source).Table.SqlName, cone.Lon, cone.Lat, cone.Radius) is { } regionIndex)
                    sb.Append(regionIndex).Append(" AND ");
                sb.Append(Region(alias, cone.Table)).Append(" && ").Append(circle(cone.Radius)).Append(')');
                continue;
            }
            if (cone.Radius >= 180) { sb.Append("(true)"); continue; }
            if (cone.Radius > 90)
            {
                // Wider than pgSphere's circles: within r of the centre is at least 180° − r from its antipode.
                double antiLon = cone.Lon + 180, antiLat = -cone.Lat;
                sb.Append("((").Append(Position(alias, cone.Table)).Append(" <-> spoint(radians(").Append(Num(antiLon)).Append("), radians(").Append(Num(antiLat))
                  .Append("))) >= radians(").Append(Num(180 - cone.Radius - SqliteCone.ToleranceDeg)).Append("))");
                continue;
            }
            bool strictDistance = c is Comparison { Operator: ComparisonOperator.Less or ComparisonOperator.Greater };
            bool distance = c is Comparison cmp && (cmp.Left as FunctionCall ?? cmp.Right as FunctionCall)?.Name == "DISTANCE";
            string pos = Position(alias, cone.Table);
            double radius = distance ? cone.Radius : cone.Radius + SqliteCone.ToleranceDeg;
            sb.Append('(');
            if (ConeIndexTest(alias, cone.Table, cone.Lon, cone.Lat, radius) is { } index) sb.Append(index).Append(" AND ");
            sb.Append(pos).Append(" @ ").Append(circle(radius));
            if (strictDistance) sb.Append(" AND ").Append(pos).Append(" <-> spoint(radians(").Append(Num(cone.Lon)).Append("), radians(").Append(Num(cone.Lat)).Append(")) < radians(").Append(Num(cone.Radius)).Append(')');
            sb.Append(')');
        }
    }
}
