namespace VoSpec.Core.Sky;

/// <summary>
/// A unit vector on the sphere and the great-circle arithmetic built on it: one definition for the ADQL geometry
/// functions and SODA's spatial filters, so that a position is "inside" or "on an edge" the same way in both.
/// </summary>
public readonly record struct SkyVector(double X, double Y, double Z)
{
    public static SkyVector FromLonLat(double lon, double lat)
    {
        double l = lon * Math.PI / 180, b = lat * Math.PI / 180, c = Math.Cos(b);
        return new SkyVector(c * Math.Cos(l), c * Math.Sin(l), Math.Sin(b));
    }

    /// <summary>Longitude in [0°, 360°).</summary>
    public double Lon { get { double l = Math.Atan2(Y, X) * 180 / Math.PI; return l < 0 ? l + 360 : l; } }
    public double Lat => Math.Atan2(Z, Math.Sqrt(X * X + Y * Y)) * 180 / Math.PI;
    public double Dot(SkyVector o) => X * o.X + Y * o.Y + Z * o.Z;
    public SkyVector Cross(SkyVector o) => new(Y * o.Z - Z * o.Y, Z * o.X - X * o.Z, X * o.Y - Y * o.X);
    public double Norm => Math.Sqrt(Dot(this));
    public SkyVector Normalized { get { double n = Norm; return new SkyVector(X / n, Y / n, Z / n); } }
    public static SkyVector operator -(SkyVector a, SkyVector b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);
    public static SkyVector operator +(SkyVector a, SkyVector b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);
    public static SkyVector operator *(double k, SkyVector a) => new(k * a.X, k * a.Y, k * a.Z);

    /// <summary>Angle to <paramref name="o"/> in degrees (atan2 form: accurate at all separations).</summary>
    public double AngleTo(SkyVector o) => Math.Atan2(Cross(o).Norm, Dot(o)) * 180 / Math.PI;

    /// <summary>Angular distance (degrees) from p to the minor great-circle arc a–b.</summary>
    public static double DistanceToArc(SkyVector p, SkyVector a, SkyVector b)
    {
        var n = a.Cross(b);
        if (n.Norm < 1e-15) return Math.Min(p.AngleTo(a), p.AngleTo(b));
        n = n.Normalized;
        // Projection of p on the great circle; inside the arc when it lies between a and b.
        var proj = p - p.Dot(n) * n;
        if (proj.Norm > 1e-15)
        {
            proj = proj.Normalized;
            if (a.Cross(proj).Dot(n) >= 0 && proj.Cross(b).Dot(n) >= 0)
                return Math.Abs(90 - p.AngleTo(n));
        }
        return Math.Min(p.AngleTo(a), p.AngleTo(b));
    }

    /// <summary>
    /// Whether p lies inside the polygon with these vertices (great-circle edges): the signed angles its edges subtend
    /// at p sum to ±360°, so either vertex order works; points within 1e-10° of an edge count as inside.
    /// </summary>
    public static bool PolygonContains(IReadOnlyList<SkyVector> vertices, SkyVector p)
    {
        for (int i = 0; i < vertices.Count; i++)
            if (DistanceToArc(p, vertices[i], vertices[(i + 1) % vertices.Count]) <= 1e-10) return true;
        double total = 0;
        for (int i = 0; i < vertices.Count; i++)
        {
            var a = vertices[i];
            var b = vertices[(i + 1) % vertices.Count];
            // Tangent directions from p towards a and b, and the signed angle between them about p.
            var ta = a - p.Dot(a) * p;
            var tb = b - p.Dot(b) * p;
            total += Math.Atan2(p.Dot(ta.Cross(tb)), ta.Dot(tb));
        }
        return Math.Abs(total) > Math.PI;
    }
}
