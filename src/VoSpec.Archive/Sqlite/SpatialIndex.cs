using VoSpec.Core.Sky;

namespace VoSpec.Archive.Sqlite;

/// <summary>
/// The R*Tree over unit vectors: a position is stored as a point box. Cones are searched through it by the one cone
/// of the SQLite catalogue, <see cref="VoSpec.Adql.Translator.SqliteCone"/> (the box bounding the spherical cap, then
/// the exact distance).
/// </summary>
public static class SpatialIndex
{
    public static SphericalCap.Box PointBox(double ra, double dec)
    {
        var (x, y, z) = new SkyPoint(ra, dec).UnitVector;
        return new SphericalCap.Box(x, x, y, y, z, z);
    }
}
