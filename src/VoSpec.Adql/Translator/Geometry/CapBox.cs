namespace VoSpec.Adql.Translator.Geometry;

/// <summary>
/// The box (in unit-vector space) bounding a spherical cap, as the archive's spatial_idx R*Tree
/// needs; the same arithmetic as VoSpec.Archive's SpatialIndex.ConeBox (a test holds them equal).
/// </summary>
public static class CapBox
{
    private const double Margin = 1e-7;

    public static (double X0, double X1, double Y0, double Y1, double Z0, double Z1) Of(double lon, double lat, double radiusDeg)
    {
        var c = Vec.FromLonLat(lon, lat);
        double r = Math.Min(Math.Max(radiusDeg, 0), 180) * Math.PI / 180;
        double cr = Math.Cos(r), sr = Math.Sin(r);
        (double, double) Range(double k)
        {
            double s = Math.Sqrt(Math.Max(0, 1 - k * k));
            double lo = k * cr - s * sr, hi = k * cr + s * sr;
            if (r >= Math.Acos(Math.Clamp(k, -1, 1))) hi = 1;
            if (r >= Math.Acos(Math.Clamp(-k, -1, 1))) lo = -1;
            return (Math.Max(-1, lo - Margin), Math.Min(1, hi + Margin));
        }
        var (x0, x1) = Range(c.X); var (y0, y1) = Range(c.Y); var (z0, z1) = Range(c.Z);
        return (x0, x1, y0, y1, z0, z1);
    }
}
