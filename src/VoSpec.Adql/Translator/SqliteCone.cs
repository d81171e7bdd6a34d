namespace VoSpec.Adql.Translator;

/// <summary>
/// The one cone of the SQLite catalogue, used by the ADQL translator (CONTAINS/INTERSECTS on an indexed position) and
/// by the SSA search (POS/SIZE): candidates from the R*Tree spatial_idx inside the box bounding the spherical cap, then
/// the exact great-circle distance (haversine) in SQLite's native math, inclusive with the geometry functions' 1e-10°
/// tolerance. Values come in as SQL text: literals from the translator, bound parameters from the search.
/// </summary>
public static class SqliteCone
{
    /// <summary>The tolerance, in degrees, added to every radius (as the ADQL geometry functions use).</summary>
    public const double ToleranceDeg = 1e-10;

    /// <summary>
    /// <paramref name="key"/> IN the spatial index's rows whose boxes meet <paramref name="bounds"/> (x0, x1, y0, y1, z0,
    /// z1 as SQL values).
    /// </summary>
    public static string IndexCondition(string key, IReadOnlyList<string> bounds) =>
        $"{key} IN (SELECT spec_id FROM {SpatialIndexTable.IndexTable} WHERE x_max >= {bounds[0]} AND x_min <= {bounds[1]} AND y_max >= {bounds[2]} AND y_min <= {bounds[3]} AND z_max >= {bounds[4]} AND z_min <= {bounds[5]})";

    /// <summary>The box of <see cref="IndexCondition"/> for a cap of constant centre and radius (degrees).</summary>
    public static double[] Bounds(double lon, double lat, double radiusDeg)
    {
        var b = new Core.Sky.SphericalCap(lon, lat, radiusDeg).BoundingBox();
        return [b.X0, b.X1, b.Y0, b.Y1, b.Z0, b.Z1];
    }

    /// <summary>
    /// The exact test: the distance from (<paramref name="ra"/>, <paramref name="dec"/>) to (<paramref name="lon"/>,
    /// <paramref name="lat"/>) is at most <paramref name="radiusDeg"/> (all in degrees; the caller adds <see cref="ToleranceDeg"/>
    /// for an inclusive cone), or less than it when <paramref name="strict"/> (ADQL's DISTANCE(...) &lt; r).
    /// </summary>
    public static string DistanceCondition(string ra, string dec, string lon, string lat, string radiusDeg, bool strict = false) =>
        $"(2 * asin(min(1, sqrt(power(sin(radians({dec} - {lat}) / 2), 2) + cos(radians({lat})) * cos(radians({dec})) * power(sin(radians({ra} - {lon}) / 2), 2)))) {(strict ? "<" : "<=")} radians({radiusDeg}))";
}
