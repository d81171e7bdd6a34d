using VoSpec.Core.Sky;

namespace VoSpec.Adql.Translator.Geometry;

/// <summary>The box (in unit-vector space) bounding a spherical cap, as the archive's spatial_idx R*Tree needs.</summary>
public static class CapBox
{
    public static (double X0, double X1, double Y0, double Y1, double Z0, double Z1) Of(double lon, double lat, double radiusDeg)
    {
        var b = new SphericalCap(lon, lat, radiusDeg).BoundingBox();
        return (b.X0, b.X1, b.Y0, b.Y1, b.Z0, b.Z1);
    }
}
