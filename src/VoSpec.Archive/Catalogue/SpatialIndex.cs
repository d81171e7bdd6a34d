using Microsoft.Data.Sqlite;
using VoSpec.Core.Sky;

namespace VoSpec.Archive.Catalogue;

/// <summary>
/// The R*Tree over unit vectors. A position is a point box; a cone of radius r around c is the
/// box bounding the spherical cap {p : p·c ≥ cos r}, followed by an exact distance test.
/// </summary>
public static class SpatialIndex
{
    public readonly record struct Box(double X0, double X1, double Y0, double Y1, double Z0, double Z1);

    /// <summary>A tiny margin: the R*Tree stores 32-bit floats (rounded outward) and we never want a false miss.</summary>
    private const double Margin = 1e-7;

    public static Box PointBox(double ra, double dec)
    {
        var (x, y, z) = new SkyPoint(ra, dec).UnitVector;
        return new Box(x, x, y, y, z, z);
    }

    public static Box ConeBox(double ra, double dec, double radiusDeg)
    {
        var (cx, cy, cz) = new SkyPoint(ra, dec).UnitVector;
        double r = Math.Min(Math.Max(radiusDeg, 0), 180) * Math.PI / 180;
        double cr = Math.Cos(r), sr = Math.Sin(r);
        // Over the cap, coordinate k ranges over c_k·cos r ± sqrt(1−c_k²)·sin r, clipped to [−1, 1];
        // when the cap reaches the axis' pole the bound is exactly ±1.
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

    public static void Bind(SqliteCommand cmd, Box b)
    {
        cmd.Parameters.AddWithValue("$x0", b.X0); cmd.Parameters.AddWithValue("$x1", b.X1);
        cmd.Parameters.AddWithValue("$y0", b.Y0); cmd.Parameters.AddWithValue("$y1", b.Y1);
        cmd.Parameters.AddWithValue("$z0", b.Z0); cmd.Parameters.AddWithValue("$z1", b.Z1);
    }
}
