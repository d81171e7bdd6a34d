namespace VoSpec.Core.Sky;

/// <summary>
/// A unit vector on the sphere and the vector arithmetic every sky shape is built on (<see cref="SkyArc"/>,
/// <see cref="SphericalCap"/>, <see cref="SkyPolygon"/>, <see cref="SkyRange"/>): the one sky vector type, so that
/// ADQL, SODA, SSA, /spec and the spatial index measure angles the same way.
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

    /// <summary>Angle to <paramref name="o"/> in radians (atan2 form: accurate at all separations).</summary>
    public double RadiansTo(SkyVector o) => Math.Atan2(Cross(o).Norm, Dot(o));

    /// <summary>Angle to <paramref name="o"/> in degrees.</summary>
    public double AngleTo(SkyVector o) => RadiansTo(o) * 180 / Math.PI;

    /// <summary>The components and the position; the generated form would recurse through <see cref="Normalized"/>.</summary>
    public override string ToString() => FormattableString.Invariant($"({X:R}, {Y:R}, {Z:R}) = lon {Lon:R}, lat {Lat:R}");
}
