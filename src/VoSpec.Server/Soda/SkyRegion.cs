using VoSpec.Core.Faults;
using VoSpec.Core.Sky;

namespace VoSpec.Server.Soda;

/// <summary>
/// A SODA spatial constraint (ICRS degrees), parsed from POS, CIRCLE or POLYGON, and whether a fibre aperture — a
/// small circle — overlaps it. A 1-D spectrum has no spatial axis to cut: the answer keeps or rejects the whole
/// spectrum. The shapes and their overlap tests are Core's (<see cref="SphericalCap"/>, <see cref="SkyRange"/>,
/// <see cref="SkyPolygon"/>); this file only reads SODA's syntax into them.
/// </summary>
public abstract record SkyRegion
{
    /// <summary>Degrees: an aperture this close to the region still overlaps it.</summary>
    private protected const double Tolerance = 1e-12;

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
        return new CircleRegion(new SphericalCap(n[0], n[1], n[2]));
    }

    public static SkyRegion ParseRange(double[] n)
    {
        if (n.Length != 4) throw new UserInputException($"a range is 'lon1 lon2 lat1 lat2' (4 numbers), not {n.Length} numbers");
        double lat1 = Math.Max(n[2], -90), lat2 = Math.Min(n[3], 90);
        if (n[2] > n[3]) throw new UserInputException($"range latitudes {n[2]} > {n[3]}");
        if (double.IsFinite(n[2]) && Math.Abs(n[2]) > 90 || double.IsFinite(n[3]) && Math.Abs(n[3]) > 90)
            throw new UserInputException("range latitudes must lie in [-90, 90]");
        return new RangeRegion(new SkyRange(n[0], n[1], lat1, lat2));
    }

    public static SkyRegion ParsePolygon(double[] n)
    {
        if (n.Length < 6 || n.Length % 2 != 0) throw new UserInputException($"a polygon is 'lon1 lat1 lon2 lat2 …' with at least 3 vertices, not {n.Length} numbers");
        return new PolygonRegion(SkyPolygon.FromLonLat(n));
    }
}

public sealed record CircleRegion(SphericalCap Cap) : SkyRegion
{
    public override bool OverlapsCircle(double ra, double dec, double radius) => Cap.Intersects(new SphericalCap(ra, dec, radius), Tolerance);
}

public sealed record RangeRegion(SkyRange Range) : SkyRegion
{
    public override bool OverlapsCircle(double ra, double dec, double radius) => Range.Intersects(new SphericalCap(ra, dec, radius));
}

public sealed record PolygonRegion(SkyPolygon Polygon) : SkyRegion
{
    public override bool OverlapsCircle(double ra, double dec, double radius) => Polygon.Intersects(new SphericalCap(ra, dec, radius), Tolerance);
}
