using VoSpec.Core.Faults;
using VoSpec.Core.Sky;
using Vec = VoSpec.Core.Sky.SkyVector;

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

    private bool Contains(Vec p) => Vec.PolygonContains(Vertices, p);
}
