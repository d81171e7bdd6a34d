using System.Globalization;
using System.Text;
using VoSpec.Core.Sky;

namespace VoSpec.Adql.Translator.Geometry;

/// <summary>
/// A geometry value: point, circle or polygon (BOX becomes a polygon). Serialised between SQLite
/// functions as STC-S ("Point ICRS 10 20"); results are written in DALI array form ("10 20"). The geometry itself —
/// distances, containment, overlaps — is Core's (<see cref="SphericalCap"/>, <see cref="SkyPolygon"/>); this file
/// adds ADQL's reading and writing of shapes and its compound regions.
/// </summary>
internal abstract record SphereShape
{
    private const double Epsilon = 1e-10; // degrees: "on the boundary" counts as inside

    public abstract string Kind { get; }
    public abstract IEnumerable<double> Numbers { get; }

    public virtual string ToStcs()
    {
        var sb = new StringBuilder(Kind).Append(" ICRS");
        foreach (var n in Numbers) sb.Append(' ').Append(n.ToString("R", CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    public virtual string ToDali() => string.Join(" ", Numbers.Select(n => n.ToString("R", CultureInfo.InvariantCulture)));

    /// <summary>Deepest nesting of Union/Intersection/Not accepted in one STC-S string.</summary>
    public const int MaxCompoundDepth = 20;

    /// <summary>
    /// Parses STC-S: Point/Position, Circle, Box, Polygon ([frame] [refpos] [flavor] numbers…) and the compound
    /// Union, Intersection ([frame] ( region region … )) and Not ([frame] ( region )), nested up to
    /// <see cref="MaxCompoundDepth"/> levels. Every value is checked against <see cref="SkyRules"/>.
    /// </summary>
    public static SphereShape Parse(string text)
    {
        // A query's constant polygon or compound region comes back for every row: parse and check it once per thread.
        var cache = t_parsed ??= new (string?, SphereShape?)[2];
        foreach (var (cachedText, cachedShape) in cache)
            if (cachedText is not null && string.Equals(cachedText, text, StringComparison.Ordinal)) return cachedShape!;
        var shape = ParseUncached(text);
        if (shape is PolygonShape or CompoundShape)
        {
            cache[t_next] = (text, shape);
            t_next = (t_next + 1) % cache.Length;
        }
        return shape;
    }

    [ThreadStatic] private static (string? Text, SphereShape? Shape)[]? t_parsed;
    [ThreadStatic] private static int t_next;

    private static SphereShape ParseUncached(string text)
    {
        var tokens = Tokens(text);
        if (tokens.Count == 0) throw new FormatException("empty geometry");
        int i = 0;
        var shape = ParseRegion(tokens, ref i, text, 0);
        if (i < tokens.Count) throw new FormatException($"unexpected '{tokens[i]}' in geometry '{text}'");
        return shape;
    }

    private static List<string> Tokens(string text)
    {
        var tokens = new List<string>();
        int start = -1;
        for (int k = 0; k <= text.Length; k++)
        {
            char c = k < text.Length ? text[k] : ' ';
            if (char.IsWhiteSpace(c) || c is '(' or ')')
            {
                if (start >= 0) { tokens.Add(text[start..k]); start = -1; }
                if (c is '(' or ')') tokens.Add(c.ToString());
            }
            else if (start < 0) start = k;
        }
        return tokens;
    }

    private static SphereShape ParseRegion(List<string> tokens, ref int i, string text, int depth)
    {
        if (i >= tokens.Count) throw new FormatException($"geometry '{text}' ends where a region was expected");
        string kind = tokens[i++].ToUpperInvariant();
        if (kind is "UNION" or "INTERSECTION" or "NOT")
        {
            if (depth >= MaxCompoundDepth) throw new FormatException($"STC-S regions nested more than {MaxCompoundDepth} levels deep");
            while (i < tokens.Count && tokens[i] != "(") { if (tokens[i] == ")") break; i++; } // frame, refpos, flavor
            if (i >= tokens.Count || tokens[i] != "(") throw new FormatException($"{Title(kind)} needs its regions in parentheses: '{text}'");
            i++;
            var parts = new List<SphereShape>();
            while (i < tokens.Count && tokens[i] != ")") parts.Add(ParseRegion(tokens, ref i, text, depth + 1));
            if (i >= tokens.Count) throw new FormatException($"unclosed parenthesis in geometry '{text}'");
            i++;
            if (kind == "NOT" ? parts.Count != 1 : parts.Count < 2)
                throw new FormatException(kind == "NOT" ? $"Not takes exactly one region, not {parts.Count}" : $"{Title(kind)} needs at least two regions, not {parts.Count}");
            return new CompoundShape(Title(kind), parts);
        }
        var numbers = new List<double>();
        while (i < tokens.Count && tokens[i] is not ("(" or ")"))
        {
            string t = tokens[i];
            if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) { numbers.Add(v); i++; }
            else if (numbers.Count > 0) break; // the next region of a compound
            else if (t.ToUpperInvariant() is "UNION" or "INTERSECTION" or "NOT" or "POINT" or "POSITION" or "CIRCLE" or "BOX" or "POLYGON")
                throw new FormatException($"unexpected '{t}' in geometry '{text}'");
            else i++; // frame, refpos, flavor
        }
        return kind switch
        {
            "POINT" or "POSITION" when numbers.Count == 2 => Point(numbers[0], numbers[1]),
            "CIRCLE" when numbers.Count == 3 => Circle(numbers[0], numbers[1], numbers[2]),
            "BOX" when numbers.Count == 4 => Box(numbers[0], numbers[1], numbers[2], numbers[3]),
            "POLYGON" when numbers.Count >= 6 && numbers.Count % 2 == 0 => Polygon(numbers),
            "POINT" or "POSITION" or "CIRCLE" or "BOX" or "POLYGON" => throw new FormatException($"wrong count of numbers ({numbers.Count}) for {Title(kind)} in '{text}'"),
            _ => throw new FormatException($"not a point, circle, box, polygon, union, intersection or not: '{text}'"),
        };
    }

    private static string Title(string upper) => upper[0] + upper[1..].ToLowerInvariant();

    /// <summary>Parses a DALI array of the given xtype ("10 20" for a point).</summary>
    public static SphereShape FromDali(string text, string xtype)
    {
        var numbers = new List<double>();
        foreach (var t in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            numbers.Add(double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw new FormatException($"not a DALI {xtype}: '{text}'"));
        return xtype switch
        {
            "point" when numbers.Count == 2 => Point(numbers[0], numbers[1]),
            "circle" when numbers.Count == 3 => Circle(numbers[0], numbers[1], numbers[2]),
            "polygon" when numbers.Count >= 6 && numbers.Count % 2 == 0 => Polygon(numbers),
            _ => throw new FormatException($"not a DALI {xtype}: '{text}'"),
        };
    }

    /// <summary>A point, checked (<see cref="SkyRules.CheckPosition"/>).</summary>
    public static PointShape Point(double lon, double lat)
    {
        SkyRules.CheckPosition(lon, lat);
        return new PointShape(lon, lat);
    }

    public static CircleShape Circle(double lon, double lat, double radius)
    {
        SkyRules.CheckCircle(lon, lat, radius);
        return new CircleShape(lon, lat, radius);
    }

    public static PolygonShape Box(double lon, double lat, double width, double height)
    {
        SkyRules.CheckBox(lon, lat, width, height);
        double w = width / 2, h = height / 2;
        return Polygon([lon - w, lat - h, lon + w, lat - h, lon + w, lat + h, lon - w, lat + h]);
    }

    public static PolygonShape Polygon(IReadOnlyList<double> lonLat)
    {
        var sky = SkyPolygon.FromLonLat(lonLat);
        var v = new List<(double, double)>();
        for (int i = 0; i + 1 < lonLat.Count; i += 2) v.Add((lonLat[i], lonLat[i + 1]));
        return new PolygonShape(v, sky);
    }

    public abstract PointShape Centroid { get; }
    public abstract double Area { get; }

    // ---------------------------------------------------------------- predicates

    /// <summary>a lies within b (boundary included).</summary>
    public static bool Contains(SphereShape a, SphereShape b) => (a, b) switch
    {
        // Compound regions: only the cases that follow exactly from their parts; the rest are refused, never guessed.
        (PointShape p, CompoundShape { Operator: "Union" } u) => u.Parts.Any(x => Contains(p, x)),
        (PointShape p, CompoundShape { Operator: "Not" } n) => !Contains(p, n.Parts[0]),
        (CompoundShape { Operator: "Union" } u, _) => u.Parts.All(x => Contains(x, b)),
        (_, CompoundShape { Operator: "Intersection" } i) => i.Parts.All(x => Contains(a, x)),
        (_, CompoundShape { Operator: "Not" } n) => !Intersects(a, n.Parts[0]),
        (CompoundShape c, _) => throw CompoundNotSupported("CONTAINS", c, b),
        (_, CompoundShape c) => throw CompoundNotSupported("CONTAINS", a, c),
        (PointShape p, PointShape q) => p.V.AngleTo(q.V) <= Epsilon,
        (PointShape p, CircleShape c) => c.Cap.Contains(p.V, Epsilon),
        (PointShape p, PolygonShape g) => g.Sky.Contains(p.V),
        (CircleShape c, CircleShape d) => d.Cap.Contains(c.Cap, Epsilon),
        (CircleShape c, PolygonShape g) => g.Sky.Contains(c.Cap, Epsilon),
        (PolygonShape g, CircleShape c) => c.Cap.Contains(g.Sky, Epsilon),
        (PolygonShape g, PolygonShape h) => h.Sky.Contains(g.Sky),
        (CircleShape c, PointShape p) => c.Radius <= Epsilon && c.Cap.Centre.AngleTo(p.V) <= Epsilon,
        _ => false,
    };

    public static bool Intersects(SphereShape a, SphereShape b) => (a, b) switch
    {
        (PointShape, _) => Contains(a, b),
        (_, PointShape) => Contains(b, a),
        (CompoundShape { Operator: "Union" } u, _) => u.Parts.Any(x => Intersects(x, b)),
        (_, CompoundShape { Operator: "Union" } u) => u.Parts.Any(x => Intersects(a, x)),
        (CompoundShape { Operator: "Not" } n, _) => !Contains(b, n.Parts[0]),
        (_, CompoundShape { Operator: "Not" } n) => !Contains(a, n.Parts[0]),
        (CompoundShape c, _) => throw CompoundNotSupported("INTERSECTS", c, b),
        (_, CompoundShape c) => throw CompoundNotSupported("INTERSECTS", a, c),
        (CircleShape c, CircleShape d) => c.Cap.Intersects(d.Cap, Epsilon),
        (CircleShape c, PolygonShape g) => g.Sky.Intersects(c.Cap, Epsilon),
        (PolygonShape g, CircleShape c) => g.Sky.Intersects(c.Cap, Epsilon),
        (PolygonShape g, PolygonShape h) => g.Sky.Intersects(h.Sky),
        _ => false,
    };

    private static FormatException CompoundNotSupported(string predicate, SphereShape a, SphereShape b) =>
        new($"{predicate}({a.Kind}, {b.Kind}) cannot be decided exactly; with a compound region (Union, Intersection, Not) use a POINT on the other side, a Union inside or around a simple shape, or a simple shape inside an Intersection or a Not");
}

internal sealed record PointShape(double Lon, double Lat) : SphereShape
{
    public SkyVector V => SkyVector.FromLonLat(Lon, Lat);
    public override string Kind => "Point";
    public override IEnumerable<double> Numbers => [Lon, Lat];
    public override PointShape Centroid => this;
    public override double Area => 0;
}

internal sealed record CircleShape(double Lon, double Lat, double Radius) : SphereShape
{
    public SphericalCap Cap => new(Lon, Lat, Radius);
    public override string Kind => "Circle";
    public override IEnumerable<double> Numbers => [Lon, Lat, Radius];
    public override PointShape Centroid => new(Lon, Lat);
    public override double Area => Cap.SolidAngle * Math.Pow(180 / Math.PI, 2);
}

/// <summary>A polygon: its corners as given (for output) and the Core polygon they make.</summary>
internal sealed record PolygonShape(IReadOnlyList<(double Lon, double Lat)> Corners, SkyPolygon Sky) : SphereShape
{
    public override string Kind => "Polygon";
    public override IEnumerable<double> Numbers => Corners.SelectMany(c => new[] { c.Lon, c.Lat });

    public override PointShape Centroid
    {
        get
        {
            var c = Sky.Centroid;
            return new PointShape(c.Lon, c.Lat);
        }
    }

    /// <summary>Spherical area in square degrees.</summary>
    public override double Area => Sky.SolidAngle * Math.Pow(180 / Math.PI, 2);
}

/// <summary>
/// An STC-S Union, Intersection or Not of other regions. It exists for CONTAINS and INTERSECTS (with a point on the
/// other side every case is exact); it has no DALI form, centroid or area.
/// </summary>
internal sealed record CompoundShape(string Operator, IReadOnlyList<SphereShape> Parts) : SphereShape
{
    public override string Kind => Operator;
    public override IEnumerable<double> Numbers => throw new FormatException($"a {Operator} region has no DALI form");
    public override string ToStcs() => $"{Operator} ICRS ({string.Join(" ", Parts.Select(p => p.ToStcs()))})";
    public override string ToDali() => throw new FormatException($"a {Operator} region has no DALI form (select it as REGION, or test it with CONTAINS/INTERSECTS)");
    public override PointShape Centroid => throw new FormatException($"CENTROID of a {Operator} region is not supported");
    public override double Area => throw new FormatException($"AREA of a {Operator} region is not supported");
}
