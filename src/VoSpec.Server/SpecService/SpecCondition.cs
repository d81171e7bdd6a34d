using System.Globalization;
using VoSpec.Core.Faults;
using VoSpec.Core.Sky;

namespace VoSpec.Server.SpecService;

/// <summary>
/// A query call's cond, rewritten into ADQL at the token level: q3c_radial_query(ra, dec, RA, DEC, R) becomes
/// CONTAINS(POINT(ra, dec), CIRCLE(RA, DEC, R)) = 1; q3c_poly_query(ra, dec, ARRAY[...]) becomes
/// CONTAINS(POINT(ra, dec), POLYGON(...)) = 1, ANDed with a circle around the polygon so that the spatial index
/// is used; a trailing ORDER BY, LIMIT n and OFFSET m are split off (ADQL has TOP, not LIMIT). The tokens then go
/// to the ADQL parser and checker; nothing of cond reaches SQL as text.
/// </summary>
public sealed record SpecCondition(IReadOnlyList<CondToken> Where, IReadOnlyList<CondToken> OrderBy, long? Limit, long? Offset)
{
    /// <summary>Functions cond may call: the Q3C pair (rewritten) and ADQL's own.</summary>
    private static readonly HashSet<string> Functions = new(StringComparer.OrdinalIgnoreCase)
    {
        "ABS", "CEILING", "DEGREES", "EXP", "FLOOR", "LOG", "LOG10", "MOD", "PI", "POWER", "RADIANS", "SQRT", "ROUND", "TRUNCATE",
        "ACOS", "ASIN", "ATAN", "ATAN2", "COS", "COT", "SIN", "TAN", "LOWER", "UPPER", "COALESCE",
        "CONTAINS", "INTERSECTS", "POINT", "CIRCLE", "POLYGON", "BOX", "DISTANCE", "COORD1", "COORD2",
    };
    /// <summary>Keywords that may stand before '(' in a condition.</summary>
    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase) { "AND", "OR", "NOT", "IN", "BETWEEN", "LIKE", "ILIKE", "IS", "CAST", "AS" };
    /// <summary>Words that would make cond more than a condition on one table.</summary>
    private static readonly HashSet<string> Forbidden = new(StringComparer.OrdinalIgnoreCase)
    {
        "SELECT", "FROM", "WHERE", "UNION", "EXCEPT", "INTERSECT", "JOIN", "WITH", "EXISTS", "GROUP", "HAVING", "TOP", "INTO",
    };

    public static SpecCondition Parse(string? cond)
    {
        var tokens = cond is null ? [] : CondLexer.Tokenize(cond);
        var rewritten = Rewrite(tokens);
        return SplitClauses(rewritten);
    }

    private static List<CondToken> Rewrite(List<CondToken> tokens)
    {
        var output = new List<CondToken>(tokens.Count);
        int depth = 0;
        for (int i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            bool call = i + 1 < tokens.Count && tokens[i + 1].IsSymbol("(");
            if (t.Kind == CondTokenKind.Identifier)
            {
                if (Forbidden.Contains(t.Text))
                    throw new UserInputException($"cond: {t.Text.ToUpperInvariant()} is not allowed (cond is a condition on the catalog's own columns; subqueries and other tables are not offered)");
                if (t.Is("q3c_radial_query") || t.Is("q3c_poly_query"))
                {
                    if (!call) throw new UserInputException($"cond: {t.Text} must be followed by its arguments in parentheses");
                    int close = Matching(tokens, i + 1);
                    var args = SplitArguments(tokens, i + 2, close);
                    output.AddRange(t.Is("q3c_radial_query") ? Radial(args) : Polygon(args));
                    i = close;
                    continue;
                }
                if (call && !Functions.Contains(t.Text) && !Keywords.Contains(t.Text))
                    throw new UserInputException($"cond: function {t.Text} is not offered (use q3c_radial_query, q3c_poly_query or ADQL functions such as {string.Join(", ", Functions.Take(6))}…)");
            }
            if (t.IsSymbol("[") || t.IsSymbol("]"))
                throw new UserInputException("cond: brackets are only allowed in q3c_poly_query's ARRAY[...]");
            if (t.IsSymbol("(")) depth++;
            if (t.IsSymbol(")") && --depth < 0) throw new UserInputException("cond: unbalanced parentheses (a ')' without its '(')");
            output.Add(t);
        }
        if (depth != 0) throw new UserInputException("cond: unbalanced parentheses (a '(' is never closed)");
        return output;
    }

    /// <summary>Index of the ')' matching the '(' at <paramref name="open"/>.</summary>
    private static int Matching(List<CondToken> tokens, int open)
    {
        int depth = 0;
        for (int k = open; k < tokens.Count; k++)
        {
            if (tokens[k].IsSymbol("(") || tokens[k].IsSymbol("[")) depth++;
            else if ((tokens[k].IsSymbol(")") || tokens[k].IsSymbol("]")) && --depth == 0) return k;
        }
        throw new UserInputException("cond: unbalanced parentheses (a '(' is never closed)");
    }

    private static List<List<CondToken>> SplitArguments(List<CondToken> tokens, int start, int end)
    {
        var args = new List<List<CondToken>> { new() };
        int depth = 0;
        for (int k = start; k < end; k++)
        {
            var t = tokens[k];
            if (t.IsSymbol("(") || t.IsSymbol("[")) depth++;
            if (t.IsSymbol(")") || t.IsSymbol("]")) depth--;
            if (depth == 0 && t.IsSymbol(",")) { args.Add([]); continue; }
            args[^1].Add(t);
        }
        return args;
    }

    private static IEnumerable<CondToken> Radial(List<List<CondToken>> args)
    {
        if (args.Count != 5) throw new UserInputException($"cond: q3c_radial_query takes 5 arguments (ra, dec, RA, DEC, RADIUS), not {args.Count}");
        var ra = Column(args[0], "q3c_radial_query");
        var dec = Column(args[1], "q3c_radial_query");
        double a = Number(args[2], "q3c_radial_query centre RA"), d = Number(args[3], "q3c_radial_query centre Dec"), r = Number(args[4], "q3c_radial_query radius");
        try { SkyRules.CheckCircle(a, d, r); }
        catch (InvalidSkyGeometryException e) { throw new UserInputException($"cond: q3c_radial_query: {e.Message}"); }
        return Contains(ra, dec, "CIRCLE", [a, d, r]);
    }

    private static IEnumerable<CondToken> Polygon(List<List<CondToken>> args)
    {
        if (args.Count != 3) throw new UserInputException($"cond: q3c_poly_query takes 3 arguments (ra, dec, ARRAY[...]), not {args.Count}");
        var ra = Column(args[0], "q3c_poly_query");
        var dec = Column(args[1], "q3c_poly_query");
        var array = args[2];
        if (array.Count < 2 || !array[0].Is("ARRAY") || !array[1].IsSymbol("[") || !array[^1].IsSymbol("]"))
            throw new UserInputException("cond: q3c_poly_query's third argument must be ARRAY[ra1, dec1, ra2, dec2, ...]");
        // Numbers, possibly grouped as (ra, dec) tuples: parentheses and commas are separators here.
        var numbers = new List<double>();
        for (int k = 2; k < array.Count - 1; k++)
        {
            var t = array[k];
            if (t.IsSymbol(",") || t.IsSymbol("(") || t.IsSymbol(")")) continue;
            int sign = 1;
            if (t.IsSymbol("-") || t.IsSymbol("+")) { sign = t.Text == "-" ? -1 : 1; t = k + 1 < array.Count - 1 ? array[++k] : default; }
            if (t.Kind != CondTokenKind.Number) throw new UserInputException($"cond: q3c_poly_query's ARRAY may hold only numbers, not '{t.Text}'");
            numbers.Add(sign * double.Parse(t.Text, NumberStyles.Float, CultureInfo.InvariantCulture));
        }
        if (numbers.Count % 2 != 0 || numbers.Count < 6)
            throw new UserInputException($"cond: q3c_poly_query needs at least 3 vertices as ra, dec pairs ({numbers.Count} numbers given)");
        SkyPolygon polygon;
        try { polygon = SkyPolygon.FromLonLat(numbers); }
        catch (InvalidSkyGeometryException e) { throw new UserInputException($"cond: q3c_poly_query: {e.Message}"); }
        var exact = Contains(ra, dec, "POLYGON", numbers);
        if (polygon.BoundingCap() is not { } cap) return exact;
        // The cap holds the polygon: an index-friendly prefilter.
        return [Sym("("), .. Contains(ra, dec, "CIRCLE", [cap.Ra, cap.Dec, cap.RadiusDeg]), new(CondTokenKind.Identifier, "AND"), .. exact, Sym(")")];
    }

    private static IEnumerable<CondToken> Contains(CondToken ra, CondToken dec, string shape, IEnumerable<double> numbers)
    {
        yield return new(CondTokenKind.Identifier, "CONTAINS");
        yield return Sym("(");
        yield return new(CondTokenKind.Identifier, "POINT");
        yield return Sym("(");
        yield return ra;
        yield return Sym(",");
        yield return dec;
        yield return Sym(")");
        yield return Sym(",");
        yield return new(CondTokenKind.Identifier, shape);
        yield return Sym("(");
        bool first = true;
        foreach (var n in numbers)
        {
            if (!first) yield return Sym(",");
            first = false;
            if (n < 0) yield return Sym("-");
            yield return new(CondTokenKind.Number, Math.Abs(n).ToString("R", CultureInfo.InvariantCulture));
        }
        yield return Sym(")");
        yield return Sym(")");
        yield return Sym("=");
        yield return new(CondTokenKind.Number, "1");
    }

    private static CondToken Sym(string s) => new(CondTokenKind.Symbol, s);

    private static CondToken Column(List<CondToken> arg, string function)
    {
        if (arg.Count != 1 || arg[0].Kind is not (CondTokenKind.Identifier or CondTokenKind.DelimitedIdentifier))
            throw new UserInputException($"cond: {function}'s first two arguments must be the catalog's position columns (e.g. ra, dec)");
        return arg[0];
    }

    private static double Number(List<CondToken> arg, string what)
    {
        int sign = 1, k = 0;
        if (arg.Count == 2 && (arg[0].IsSymbol("-") || arg[0].IsSymbol("+"))) { sign = arg[0].Text == "-" ? -1 : 1; k = 1; }
        if (arg.Count != k + 1 || arg[k].Kind != CondTokenKind.Number)
            throw new UserInputException($"cond: {what} must be a number, not '{CondLexer.ToAdql(arg)}'");
        return sign * double.Parse(arg[k].Text, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>where [ORDER BY items] [LIMIT n] [OFFSET m], split at the first of those keywords outside parentheses.</summary>
    private static SpecCondition SplitClauses(List<CondToken> tokens)
    {
        int depth = 0, split = tokens.Count;
        for (int k = 0; k < tokens.Count; k++)
        {
            if (tokens[k].IsSymbol("(")) depth++;
            else if (tokens[k].IsSymbol(")")) depth--;
            else if (depth == 0 && (tokens[k].Is("ORDER") || tokens[k].Is("LIMIT") || tokens[k].Is("OFFSET"))) { split = k; break; }
        }
        var where = tokens[..split];
        var order = new List<CondToken>();
        long? limit = null, offset = null;
        int i = split;
        if (i < tokens.Count && tokens[i].Is("ORDER"))
        {
            if (i + 1 >= tokens.Count || !tokens[i + 1].Is("BY")) throw new UserInputException("cond: ORDER must be followed by BY");
            i += 2;
            depth = 0;
            while (i < tokens.Count && !(depth == 0 && (tokens[i].Is("LIMIT") || tokens[i].Is("OFFSET"))))
            {
                if (tokens[i].IsSymbol("(")) depth++;
                if (tokens[i].IsSymbol(")")) depth--;
                order.Add(tokens[i++]);
            }
            if (order.Count == 0) throw new UserInputException("cond: ORDER BY needs at least one column");
        }
        while (i < tokens.Count)
        {
            var word = tokens[i];
            if (!(word.Is("LIMIT") && limit is null || word.Is("OFFSET") && offset is null))
                throw new UserInputException($"cond: unexpected '{word.Text}' after the condition (only ORDER BY, LIMIT n and OFFSET m may follow)");
            if (i + 1 >= tokens.Count || tokens[i + 1].Kind != CondTokenKind.Number
                || !long.TryParse(tokens[i + 1].Text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                throw new UserInputException($"cond: {word.Text.ToUpperInvariant()} must be followed by a non-negative integer");
            if (word.Is("LIMIT")) limit = n; else offset = n;
            i += 2;
        }
        return new SpecCondition(where, order, limit, offset);
    }
}
