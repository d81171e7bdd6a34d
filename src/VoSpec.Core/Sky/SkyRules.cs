using System.Globalization;
using VoSpec.Core.Faults;

namespace VoSpec.Core.Sky;

/// <summary>
/// What a sky geometry a user sends must satisfy (DALI 1.1 point/circle/polygon, ADQL 2.1 constructors): finite
/// coordinates, latitudes within ±90°, radii within [0°, 180°], polygons of at least three distinct vertices that
/// enclose an area. One rule book for every door that takes a position or a shape — ADQL POINT/CIRCLE/BOX/POLYGON/
/// REGION, SODA POS/CIRCLE/POLYGON, SSA POS/SIZE, the /spec q3c functions — so they cannot drift apart. Each door
/// states the error in its protocol's own form; the text comes from here.
/// </summary>
public static class SkyRules
{
    /// <summary>Two vertices closer than this (degrees) are one vertex; a polygon thinner than this has no area.</summary>
    public const double Tolerance = 1e-9;

    /// <summary>Throws <see cref="InvalidSkyGeometryException"/> unless (lon, lat) is a finite position with |lat| ≤ 90°.</summary>
    public static void CheckPosition(double lon, double lat)
    {
        if (!double.IsFinite(lon) || !double.IsFinite(lat))
            throw new InvalidSkyGeometryException($"position ({F(lon)}, {F(lat)}) is not finite: coordinates must be numbers of degrees");
        if (lat < -90 || lat > 90)
            throw new InvalidSkyGeometryException($"latitude {F(lat)} is outside [-90, 90] degrees");
    }

    /// <summary>A circle's radius: finite, in [0°, 180°] (0 only when <paramref name="allowZero"/>).</summary>
    public static void CheckRadius(double radius, bool allowZero = true)
    {
        if (!double.IsFinite(radius) || radius < 0 || radius > 180 || (!allowZero && radius == 0))
            throw new InvalidSkyGeometryException($"circle radius {F(radius)} is outside {(allowZero ? "[0" : "(0")}, 180] degrees");
    }

    /// <summary>A circle: its centre and its radius.</summary>
    public static void CheckCircle(double lon, double lat, double radius, bool allowZero = true)
    {
        CheckPosition(lon, lat);
        CheckRadius(radius, allowZero);
    }

    /// <summary>A BOX (ADQL 2.0, deprecated): a valid centre, width in [0°, 360°], height in [0°, 180°], not reaching past a pole.</summary>
    public static void CheckBox(double lon, double lat, double width, double height)
    {
        CheckPosition(lon, lat);
        if (!double.IsFinite(width) || width < 0 || width > 360)
            throw new InvalidSkyGeometryException($"box width {F(width)} is outside [0, 360] degrees");
        if (!double.IsFinite(height) || height < 0 || height > 180)
            throw new InvalidSkyGeometryException($"box height {F(height)} is outside [0, 180] degrees");
        if (Math.Abs(lat) + height / 2 > 90)
            throw new InvalidSkyGeometryException($"box of height {F(height)} around latitude {F(lat)} reaches past a pole");
    }

    /// <summary>
    /// A polygon given as lon1, lat1, lon2, lat2, …: an even count of at least 6 numbers, every vertex a valid
    /// position, no edge joining two antipodal vertices (its great circle would be undefined), at least three distinct
    /// vertices, and not all of them on one great circle (an area of zero).
    /// </summary>
    public static void CheckPolygon(IReadOnlyList<double> lonLat)
    {
        if (lonLat.Count % 2 != 0 || lonLat.Count < 6)
            throw new InvalidSkyGeometryException($"a polygon needs at least 3 vertices as lon, lat pairs (got {lonLat.Count} numbers)");
        int n = lonLat.Count / 2;
        var v = new SkyVector[n];
        for (int i = 0; i < n; i++)
        {
            CheckPosition(lonLat[2 * i], lonLat[2 * i + 1]);
            v[i] = SkyVector.FromLonLat(lonLat[2 * i], lonLat[2 * i + 1]);
        }
        double tolerance = Tolerance * Math.PI / 180;
        var distinct = new List<SkyVector>();
        for (int i = 0; i < n; i++)
        {
            var a = v[i];
            var b = v[(i + 1) % n];
            if (a.RadiansTo(b) > Math.PI - tolerance)
                throw new InvalidSkyGeometryException($"polygon vertices {i + 1} and {(i + 1) % n + 1} are antipodal: the edge between them is undefined");
            if (!distinct.Exists(d => d.RadiansTo(a) <= tolerance)) distinct.Add(a);
        }
        if (distinct.Count < 3)
            throw new InvalidSkyGeometryException($"polygon is degenerate: it has {distinct.Count} distinct vertices, at least 3 are needed");
        // All on one great circle: every vertex is orthogonal to the normal of the first two distinct ones.
        var normal = distinct[0].Cross(distinct[1]);
        double norm = normal.Norm;
        if (distinct.TrueForAll(d => Math.Abs(normal.Dot(d)) <= tolerance * norm))
            throw new InvalidSkyGeometryException("polygon is degenerate: all its vertices lie on one great circle, so it encloses no area");
    }

    private static string F(double d) => d.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>A sky geometry that breaks <see cref="SkyRules"/>: a user's mistake, answered in each protocol's error form.</summary>
public sealed class InvalidSkyGeometryException(string message) : UserInputException(message);
