using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using VoSpec.Adql.Translator.Geometry;
using VoSpec.Core.Sky;

namespace VoSpec.Adql.Translator;

/// <summary>
/// The SQL functions translated ADQL calls: ADQL's math (SQLite here may lack them), exact
/// spherical geometry on STC-S values, output in DALI form, checked casts. Register them on every
/// connection that runs translated queries.
/// </summary>
public static class SqliteAdqlFunctions
{
    public static void Register(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var c = connection;
        const double D2R = Math.PI / 180;

        // Math: double in, double out, NULL in → NULL out; NaN (e.g. LOG(-1)) becomes NULL in SQLite.
        Unary(c, "adql_ceiling", Math.Ceiling);
        Unary(c, "adql_floor", Math.Floor);
        Unary(c, "adql_degrees", x => x / D2R);
        Unary(c, "adql_radians", x => x * D2R);
        Unary(c, "adql_exp", Math.Exp);
        Unary(c, "adql_log", Math.Log);
        Unary(c, "adql_log10", Math.Log10);
        Unary(c, "adql_sqrt", Math.Sqrt);
        Unary(c, "adql_sin", Math.Sin);
        Unary(c, "adql_cos", Math.Cos);
        Unary(c, "adql_tan", Math.Tan);
        Unary(c, "adql_asin", Math.Asin);
        Unary(c, "adql_acos", Math.Acos);
        Unary(c, "adql_atan", Math.Atan);
        Unary(c, "adql_cot", x => 1 / Math.Tan(x));
        Binary(c, "adql_atan2", Math.Atan2);
        Binary(c, "adql_power", Math.Pow);
        Binary(c, "adql_mod", (x, y) => x % y);
        c.CreateFunction("adql_pi", () => Math.PI, isDeterministic: true);
        c.CreateFunction("adql_rand", () => Random.Shared.NextDouble());
        c.CreateFunction("adql_rand", (double? seed) => seed is null ? Random.Shared.NextDouble() : new Random(unchecked((int)(long)seed.Value)).NextDouble());
        c.CreateFunction("adql_round", (double? x) => x is null ? null : Round(x.Value, 0), isDeterministic: true);
        c.CreateFunction("adql_round", (double? x, long? n) => x is null ? null : Round(x.Value, (int)Math.Clamp(n ?? 0, -300, 300)), isDeterministic: true);
        c.CreateFunction("adql_truncate", (double? x) => x is null ? null : Truncate(x.Value, 0), isDeterministic: true);
        c.CreateFunction("adql_truncate", (double? x, long? n) => x is null ? null : Truncate(x.Value, (int)Math.Clamp(n ?? 0, -300, 300)), isDeterministic: true);

        // Checked casts and case-sensitive LIKE for non-literal patterns.
        c.CreateFunction("adql_cast_int", (object? x, long bits) => CastInteger(x, (int)bits), isDeterministic: true);
        c.CreateFunction("adql_cast_real", (object? x) => CastReal(x), isDeterministic: true);
        c.CreateFunction("adql_timestamp", (object? x) => Timestamp(x), isDeterministic: true);
        c.CreateFunction("adql_like", (string? value, string? pattern) => value is null || pattern is null ? (long?)null : LikeRegex(pattern).IsMatch(value) ? 1 : 0, isDeterministic: true);

        // Geometry: values travel as STC-S strings.
        c.CreateFunction("adql_point", (double? lon, double? lat) => lon is null || lat is null ? null : Safe(() => SphereShape.Point(lon.Value, lat.Value).ToStcs()), isDeterministic: true);
        c.CreateFunction("adql_circle", (double? lon, double? lat, double? r) => lon is null || lat is null || r is null ? null : Safe(() => SphereShape.Circle(lon.Value, lat.Value, r.Value).ToStcs()), isDeterministic: true);
        c.CreateFunction("adql_circle", (string? p, double? r) => p is null || r is null ? null : Safe(() => { var q = Point(p); return SphereShape.Circle(q.Lon, q.Lat, r.Value).ToStcs(); }), isDeterministic: true);
        c.CreateFunction("adql_box", (double? lon, double? lat, double? w, double? h) => lon is null || lat is null || w is null || h is null ? null : Safe(() => SphereShape.Box(lon.Value, lat.Value, w.Value, h.Value).ToStcs()), isDeterministic: true);
        c.CreateFunction("adql_box", (string? p, double? w, double? h) => p is null || w is null || h is null ? null : Safe(() => { var q = Point(p); return SphereShape.Box(q.Lon, q.Lat, w.Value, h.Value).ToStcs(); }), isDeterministic: true);
        c.CreateFunction("adql_polygon", (object?[] args) => Polygon(args), isDeterministic: true);
        c.CreateFunction("adql_region", (string? s) => s is null ? null : Safe(() => SphereShape.Parse(s).ToStcs()), isDeterministic: true);
        c.CreateFunction("adql_from_dali", (string? s, string xtype) => string.IsNullOrWhiteSpace(s) ? null : Safe(() => SphereShape.FromDali(s, xtype).ToStcs()), isDeterministic: true);
        c.CreateFunction("adql_dali", (string? s) => s is null ? null : Safe(() => SphereShape.Parse(s).ToDali()), isDeterministic: true);
        c.CreateFunction("adql_contains", (string? a, string? b) => a is null || b is null ? (long?)null : Safe(() => SphereShape.Contains(SphereShape.Parse(a), SphereShape.Parse(b)) ? 1L : 0L), isDeterministic: true);
        c.CreateFunction("adql_intersects", (string? a, string? b) => a is null || b is null ? (long?)null : Safe(() => SphereShape.Intersects(SphereShape.Parse(a), SphereShape.Parse(b)) ? 1L : 0L), isDeterministic: true);
        c.CreateFunction("adql_distance", (string? a, string? b) => a is null || b is null ? (double?)null : Safe(() => Point(a).V.AngleTo(Point(b).V)), isDeterministic: true);
        c.CreateFunction("adql_distance", (double? lon1, double? lat1, double? lon2, double? lat2) =>
            lon1 is null || lat1 is null || lon2 is null || lat2 is null ? (double?)null
            : Safe(() => SphereShape.Point(lon1.Value, lat1.Value).V.AngleTo(SphereShape.Point(lon2.Value, lat2.Value).V)), isDeterministic: true);
        c.CreateFunction("adql_area", (string? g) => g is null ? (double?)null : Safe(() => SphereShape.Parse(g).Area), isDeterministic: true);
        c.CreateFunction("adql_centroid", (string? g) => g is null ? null : Safe(() => SphereShape.Parse(g).Centroid.ToStcs()), isDeterministic: true);
        c.CreateFunction("adql_coord1", (string? p) => p is null ? (double?)null : Safe(() => Point(p).Lon), isDeterministic: true);
        c.CreateFunction("adql_coord2", (string? p) => p is null ? (double?)null : Safe(() => Point(p).Lat), isDeterministic: true);
        c.CreateFunction("adql_coordsys", (string? g) => g is null ? null : "ICRS", isDeterministic: true);
        // The declared user-defined functions (AdqlFeatures, features-udf); ivo_string_agg is SQLite's group_concat.
        c.CreateFunction("adql_ivo_hasword", (string? haystack, string? needle) => haystack is null || needle is null ? (long?)null : HasWord(haystack, needle) ? 1L : 0L, isDeterministic: true);
        c.CreateFunction("adql_ivo_nocasematch", (string? value, string? pattern) => value is null || pattern is null ? (long?)null
            : LikeRegex(pattern.ToLowerInvariant()).IsMatch(value.ToLowerInvariant()) ? 1L : 0L, isDeterministic: true);
        c.CreateFunction("adql_ivo_interval_overlaps", (double? l1, double? h1, double? l2, double? h2) =>
            l1 is null || h1 is null || l2 is null || h2 is null ? (long?)null : h1.Value >= l2.Value && h2.Value >= l1.Value ? 1L : 0L, isDeterministic: true);
        c.CreateFunction("adql_ivo_healpix_index", (long? order, double? ra, double? dec) =>
            order is null || ra is null || dec is null ? (long?)null : Safe(() => Healpix.NestedIndex(HealpixOrder(order.Value), ra.Value, dec.Value)), isDeterministic: true);
        c.CreateFunction("adql_ivo_healpix_index", (long? order, string? p) =>
            order is null || p is null ? (long?)null : Safe(() => { var q = Point(p); return Healpix.NestedIndex(HealpixOrder(order.Value), q.Lon, q.Lat); }), isDeterministic: true);

        // Bounds of the R*Tree box around a cap whose radius is only known when the query runs.
        c.CreateFunction("adql_capbox", (double lon, double lat, double r, long k) =>
        {
            var b = new SphericalCap(lon, lat, r).BoundingBox();
            return k switch { 0 => b.X0, 1 => b.X1, 2 => b.Y0, 3 => b.Y1, 4 => b.Z0, _ => b.Z1 };
        }, isDeterministic: true);
    }

    private static void Unary(SqliteConnection c, string name, Func<double, double> f) =>
        c.CreateFunction(name, (double? x) => x is null ? (double?)null : f(x.Value), isDeterministic: true);

    private static void Binary(SqliteConnection c, string name, Func<double, double, double> f) =>
        c.CreateFunction(name, (double? x, double? y) => x is null || y is null ? (double?)null : f(x.Value, y.Value), isDeterministic: true);

    private static double? Round(double x, int n)
    {
        double scale = Math.Pow(10, n);
        return n >= 0 ? Math.Round(x * scale, MidpointRounding.AwayFromZero) / scale : Math.Round(x / Math.Pow(10, -n), MidpointRounding.AwayFromZero) * Math.Pow(10, -n);
    }

    private static double? Truncate(double x, int n)
    {
        double scale = Math.Pow(10, n);
        return Math.Truncate(x * scale) / scale;
    }

    private static int HealpixOrder(long order) =>
        order is >= 0 and <= Healpix.MaxOrder ? (int)order : throw new InvalidSkyGeometryException($"HEALPix order {order} is outside 0 to {Healpix.MaxOrder}");

    /// <summary>
    /// Whether the words of <paramref name="needle"/> occur in <paramref name="haystack"/> one after the other as whole
    /// words, ignoring case; a word is a run of letters and digits, everything else separates words.
    /// </summary>
    internal static bool HasWord(string haystack, string needle)
    {
        var words = Words(needle);
        if (words.Count == 0) return false;
        var hay = Words(haystack);
        for (int i = 0; i + words.Count <= hay.Count; i++)
        {
            int k = 0;
            while (k < words.Count && string.Equals(hay[i + k], words[k], StringComparison.OrdinalIgnoreCase)) k++;
            if (k == words.Count) return true;
        }
        return false;

        static List<string> Words(string s)
        {
            var list = new List<string>();
            int start = -1;
            for (int i = 0; i <= s.Length; i++)
            {
                bool letter = i < s.Length && char.IsLetterOrDigit(s[i]);
                if (letter && start < 0) start = i;
                else if (!letter && start >= 0) { list.Add(s[start..i]); start = -1; }
            }
            return list;
        }
    }

    private static PointShape Point(string s) => SphereShape.Parse(s) as PointShape ?? throw new FormatException($"not a point: '{s}'");

    private static T Safe<T>(Func<T> f)
    {
        try { return f(); }
        catch (FormatException e) { throw new InvalidOperationException("ADQL geometry: " + e.Message, e); }
        catch (InvalidSkyGeometryException e) { throw new InvalidOperationException("ADQL geometry: " + e.Message, e); }
    }

    private static string? Polygon(object?[] args)
    {
        if (args.Any(a => a is null)) return null;
        return Safe<string?>(() =>
        {
            if (args[0] is string)
            {
                var numbers = new List<double>();
                foreach (var a in args) { var p = Point((string)a!); numbers.Add(p.Lon); numbers.Add(p.Lat); }
                return SphereShape.Polygon(numbers).ToStcs();
            }
            return SphereShape.Polygon(args.Select(a => Convert.ToDouble(a, CultureInfo.InvariantCulture)).ToList()).ToStcs();
        });
    }

    private static long? CastInteger(object? x, int bits)
    {
        if (x is null) return null;
        double v;
        switch (x)
        {
            case long l: v = l; if (bits == 64) return l; break;
            case double d: v = Math.Truncate(d); break;
            case string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var p): v = Math.Truncate(p); break;
            default: throw new InvalidOperationException($"CAST: '{x}' is not a number");
        }
        double max = bits switch { 16 => short.MaxValue, 32 => int.MaxValue, _ => 9.223372036854775807E18 };
        double min = bits switch { 16 => short.MinValue, 32 => int.MinValue, _ => -9.223372036854775808E18 };
        if (double.IsNaN(v) || v > max || v < min)
            throw new InvalidOperationException($"CAST: {x} does not fit a {bits}-bit integer");
        return (long)v;
    }

    private static double? CastReal(object? x) => x switch
    {
        null => null,
        long l => l,
        double d => d,
        string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) => v,
        _ => throw new InvalidOperationException($"CAST: '{x}' is not a number"),
    };

    private static readonly string[] s_timestampFormats =
        ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd"];

    private static string? Timestamp(object? x)
    {
        if (x is null) return null;
        var s = Convert.ToString(x, CultureInfo.InvariantCulture)!.Trim().TrimEnd('Z');
        if (!DateTime.TryParseExact(s, s_timestampFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
            throw new InvalidOperationException($"CAST: '{x}' is not a DALI timestamp (YYYY-MM-DDThh:mm:ss)");
        return t.ToString(t.Millisecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss" : "yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture);
    }

    private static readonly Dictionary<string, Regex> s_likeCache = new();

    private static Regex LikeRegex(string pattern)
    {
        lock (s_likeCache)
        {
            if (s_likeCache.TryGetValue(pattern, out var r)) return r;
            var sb = new StringBuilder("^");
            foreach (char ch in pattern)
                sb.Append(ch switch { '%' => ".*", '_' => ".", _ => Regex.Escape(ch.ToString()) });
            r = new Regex(sb.Append('$').ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant);
            if (s_likeCache.Count > 1000) s_likeCache.Clear();
            s_likeCache[pattern] = r;
            return r;
        }
    }

    /// <summary>The SQLite library's version (e.g. 3.35.5): decides whether RIGHT and FULL joins exist.</summary>
    public static Version SqliteVersion => s_version.Value;

    private static readonly Lazy<Version> s_version = new(() =>
    {
        using var conn = new SqliteConnection("Data Source=:memory:");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT sqlite_version()";
        return Version.Parse((string)cmd.ExecuteScalar()!);
    });
}
