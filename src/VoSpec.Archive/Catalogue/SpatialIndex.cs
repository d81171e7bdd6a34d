using Microsoft.Data.Sqlite;
using VoSpec.Core.Sky;

namespace VoSpec.Archive.Catalogue;

/// <summary>
/// The R*Tree over unit vectors. A position is a point box; a cone of radius r around c is the
/// box bounding the spherical cap {p : p·c ≥ cos r}, followed by an exact distance test.
/// </summary>
public static class SpatialIndex
{
    public static SphericalCap.Box PointBox(double ra, double dec)
    {
        var (x, y, z) = new SkyPoint(ra, dec).UnitVector;
        return new SphericalCap.Box(x, x, y, y, z, z);
    }

    public static SphericalCap.Box ConeBox(double ra, double dec, double radiusDeg) => new SphericalCap(ra, dec, radiusDeg).BoundingBox();

    public static void Bind(SqliteCommand cmd, SphericalCap.Box b)
    {
        cmd.Parameters.AddWithValue("$x0", b.X0); cmd.Parameters.AddWithValue("$x1", b.X1);
        cmd.Parameters.AddWithValue("$y0", b.Y0); cmd.Parameters.AddWithValue("$y1", b.Y1);
        cmd.Parameters.AddWithValue("$z0", b.Z0); cmd.Parameters.AddWithValue("$z1", b.Z1);
    }
}
