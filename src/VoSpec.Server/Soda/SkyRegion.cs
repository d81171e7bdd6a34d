using VoSpec.Core.Faults;
using VoSpec.Core.Sky;

namespace VoSpec.Server.Soda;

/// <summary>
/// A SODA spatial constraint (ICRS degrees) and whether a fibre aperture — a small circle — overlaps it.
/// A 1-D spectrum has no spatial axis to cut: the answer keeps or rejects the whole spectrum.
/// </summary>
public abstract record SkyRegion
{
    public abstract bool OverlapsCircle(double ra, double dec, double radius);

    /// <summary>POS: CIRCLE lon lat r | RANGE lon1 lon2 lat1 lat2 | POLYGON lon1 lat1 … (keywords in any case).</summary>
    public static SkyRegion ParsePos(string text)
    {
        var parts = text.Trim().Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
        var rest = parts.Length > 1 ? parts[1] : "";
        return parts[0].ToUpperInvariant() switch
        {
            "CIRCLE" => ParseCircle(SodaRequest.Numbers("POS", rest)),
            "RANGE" => ParseRange(SodaRequest.Numbers("POS", rest)),
            "POLYGON" => ParsePolygon(SodaRequest.Numbers("POS", rest)),
            _ => throw new UserInputException($"POS must start with CIRCLE, RANGE or POLYGON, not '{parts[0]}'"),
        };
    }

    public static SkyRegion ParseCircle(double[] n)
    {
        if (n.Length != 3) throw new UserInputException($"a circle is 'lon lat radius' (3 numbers), not {n.Length} numbers");
        SkyRules.CheckCircle(n[0], n[1], n[2], allowZero: false);
        return new CircleRegion(n[0], n[1], n[2]);
    }

    public static SkyRegion ParseRange(double[] n)
    {
        if (n.Length != 4) throw new UserInputException($"a range is 'lon1 lon2 lat1 lat2' (4 numbers), not {n.Length} numbers");
        double lat1 = Math.Max(n[2], -90), lat2 = Math.Min(n[3], 90);
        if (n[2] > n[3]) throw new UserInputException($"range latitudes {n[2]} > {n[3]}");
        if (double.IsFinite(n[2]) && Math.Abs(n[2]) > 90 || double.IsFinite(n[3]) && Math.Abs(n[3]) > 90)
            throw new UserInputException("range latitudes must lie in [-90, 90]");
        return new RangeRegion(n[0], n[1], lat1, lat2);
    }

    public static SkyRegion ParsePolygon(double[] n)
    {
        if (n.Length < 6 || n.Length % 2 != 0) throw new UserInputException($"a polygon is 'lon1 lat1 lon2 lat2 …' with at least 3 vertices, not {n.Length} numbers");
        SkyRules.CheckPolygon(n);
        var v = new Vec[n.Length / 2];
        for (int i = 0; i < v.Length; i++) v[i] = Vec.FromLonLat(n[2 * i], n[2 * i + 1]);
        return new PolygonRegion(v);
    }
}

public sealed record CircleRegion(double Ra, double Dec, double Radius) : SkyRegion
{
    public override bool OverlapsCircle(double ra, double dec, double radius) =>
        Vec.FromLonLat(Ra, Dec).AngleTo(Vec.FromLonLat(ra, dec)) <= Radius + radius + 1e-12;
}

/// <summary>Longitudes lon1..lon2 (wrapping through 0 when lon1 &gt; lon2; ±Inf = all) and latitudes lat1..lat2.</summary>
public sealed record RangeRegion(double Lon1, double Lon2, double Lat1, double Lat2) : SkyRegion
{
    public override bool OverlapsCircle(double ra, double dec, double radius)
    {
        if (dec + radius < Lat1 || dec - radius > Lat2) return false;
        if (double.IsInfinity(Lon1) || double.IsInfinity(Lon2) || Lon2 - Lon1 >= 360) return true;
        // Half-width of the aperture in longitude at its declination (everything near a pole matches).
        double c = Math.Cos(Math.Min(89.999, Math.Abs(dec) + radius) * Math.PI / 180);
        double dLon = Math.Min(180, radius / c);
        double lo = Norm(Lon1), hi = Norm(Lon2), x = Norm(ra);
        double width = lo <= hi ? hi - lo : hi + 360 - lo;
        double offset = Norm(x - lo);
        return offset <= width + dLon || offset >= 360 - dLon;
    }

    private static double Norm(double lon) => ((lon % 360) + 360) % 360;
}

public sealed record PolygonRegion(IReadOnlyList<Vec> Vertices) : SkyRegion
{
    public override bool OverlapsCircle(double ra, double dec, double radius)
    {
        var p = Vec.FromLonLat(ra, dec);
        if (Contains(p)) return true;
        for (int i = 0; i < Vertices.Count; i++)
            if (Vec.DistanceToArc(p, Vertices[i], Vertices[(i + 1) % Vertices.Count]) <= radius + 1e-12) return true;
        return false;
    }

    /// <summary>Inside when the signed angles the edges subtend at p sum to ±360° (either orientation accepted).</summary>
    private bool Contains(Vec p)
    {
        double total = 0;
        for (int i = 0; i < Vertices.Count; i++)
        {
            var a = Vertices[i];
            var b = Vertices[(i + 1) % Vertices.Count];
            // Tangent directions from p towards a and b, and the signed angle between them about p.
            var ta = a - p.Dot(a) * p;
            var tb = b - p.Dot(b) * p;
            total += Math.Atan2(ta.Cross(tb).Dot(p), ta.Dot(tb));
        }
        return Math.Abs(total) > Math.PI;
    }
}

/// <summary>A unit vector on the sphere.</summary>
public readonly record struct Vec(double X, double Y, double Z)
{
    public static Vec FromLonLat(double lon, double lat)
    {
        double l = lon * Math.PI / 180, b = lat * Math.PI / 180, c = Math.Cos(b);
        return new Vec(c * Math.Cos(l), c * Math.Sin(l), Math.Sin(b));
    }

    public double Dot(Vec o) => X * o.X + Y * o.Y + Z * o.Z;
    public Vec Cross(Vec o) => new(Y * o.Z - Z * o.Y, Z * o.X - X * o.Z, X * o.Y - Y * o.X);
    public double Norm => Math.Sqrt(Dot(this));
    public static Vec operator -(Vec a, Vec b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);
    public static Vec operator *(double k, Vec a) => new(k * a.X, k * a.Y, k * a.Z);

    /// <summary>Angle in degrees (atan2 form: accurate for small separations).</summary>
    public double AngleTo(Vec o) => Math.Atan2(Cross(o).Norm, Dot(o)) * 180 / Math.PI;

    /// <summary>Angular distance (degrees) from p to the minor great-circle arc a–b.</summary>
    public static double DistanceToArc(Vec p, Vec a, Vec b)
    {
        var n = a.Cross(b);
        double nn = n.Norm;
        if (nn < 1e-15) return Math.Min(p.AngleTo(a), p.AngleTo(b));
        n = (1 / nn) * n;
        var proj = p - p.Dot(n) * n;
        if (proj.Norm > 1e-15 && a.Cross(proj).Dot(n) >= 0 && proj.Cross(b).Dot(n) >= 0)
            return Math.Abs(90 - p.AngleTo(n));
        return Math.Min(p.AngleTo(a), p.AngleTo(b));
    }
}
