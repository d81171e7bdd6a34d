namespace VoSpec.Core.Sky;

/// <summary>
/// A cone on the sky (centre and radius in degrees): ADQL's CIRCLE, SODA's CIRCLE, SSA's POS/SIZE, a /spec radial
/// query. Its predicates against points, caps and polygons, and the box bounding it in unit-vector space (the query box
/// of the R*Tree over positions' unit vectors), are defined here once for all of them.
/// </summary>
public readonly record struct SphericalCap(double Ra, double Dec, double RadiusDeg)
{
    public readonly record struct Box(double X0, double X1, double Y0, double Y1, double Z0, double Z1);

    /// <summary>A tiny margin: the R*Tree stores 32-bit floats (rounded outward) and we never want a false miss.</summary>
    private const double Margin = 1e-7;

    public SkyVector Centre => SkyVector.FromLonLat(Ra, Dec);

    /// <summary>The area in steradians.</summary>
    public double SolidAngle => 2 * Math.PI * (1 - Math.Cos(RadiusDeg * Math.PI / 180));

    /// <summary>Whether p lies in the cap; within <paramref name="tolerance"/> degrees of its rim counts as inside.</summary>
    public bool Contains(SkyVector p, double tolerance) => p.AngleTo(Centre) <= RadiusDeg + tolerance;

    /// <summary>Whether <paramref name="inner"/> lies wholly in this cap (rim tolerance in degrees).</summary>
    public bool Contains(SphericalCap inner, double tolerance) => inner.Centre.AngleTo(Centre) + inner.RadiusDeg <= RadiusDeg + tolerance;

    /// <summary>
    /// Whether <paramref name="polygon"/> lies wholly in this cap. Under a hemisphere a cap is convex, so its vertices
    /// decide; a larger cap is not, and then every edge's farthest point must be inside.
    /// </summary>
    public bool Contains(SkyPolygon polygon, double tolerance)
    {
        var c = Centre;
        double r = RadiusDeg;
        return r < 90
            ? polygon.Vertices.All(v => v.AngleTo(c) <= r + tolerance)
            : polygon.Edges.All(e => e.MaxDistanceTo(c) <= r + tolerance);
    }

    /// <summary>Whether this cap and <paramref name="other"/> share a point (rims closer than <paramref name="tolerance"/> degrees count).</summary>
    public bool Intersects(SphericalCap other, double tolerance) => Centre.AngleTo(other.Centre) <= RadiusDeg + other.RadiusDeg + tolerance;

    /// <summary>
    /// Over the cap {p : p·c ≥ cos r}, coordinate k ranges over c_k·cos r ± sqrt(1−c_k²)·sin r, clipped to
    /// [−1, 1]; when the cap reaches that axis' pole the bound is exactly ±1.
    /// </summary>
    public Box BoundingBox()
    {
        var (cx, cy, cz) = Centre;
        double r = Math.Min(Math.Max(RadiusDeg, 0), 180) * Math.PI / 180;
        double cr = Math.Cos(r), sr = Math.Sin(r);
        (double, double) Range(double c)
        {
            double s = Math.Sqrt(Math.Max(0, 1 - c * c));
            double lo = c * cr - s * sr, hi = c * cr + s * sr;
            if (r >= Math.Acos(Math.Clamp(c, -1, 1))) hi = 1;
            if (r >= Math.Acos(Math.Clamp(-c, -1, 1))) lo = -1;
            return (Math.Max(-1, lo - Margin), Math.Min(1, hi + Margin));
        }
        var (x0, x1) = Range(cx); var (y0, y1) = Range(cy); var (z0, z1) = Range(cz);
        return new Box(x0, x1, y0, y1, z0, z1);
    }
}
