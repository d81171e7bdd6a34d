namespace VoSpec.Core.Sky;

/// <summary>
/// A polygon on the sky with great-circle edges: ADQL's POLYGON and BOX, SODA's POLYGON, a /spec q3c_poly_query.
/// Its closed edge line cuts the sphere in two; the polygon is the smaller part, whatever the order of the vertices
/// (clockwise or counter-clockwise), so that every door that takes a polygon means the same region by it.
/// </summary>
public sealed class SkyPolygon
{
    /// <summary>Degrees: a point this close to an edge counts as inside.</summary>
    public const double EdgeTolerance = 1e-10;

    private readonly SkyVector[] _vertices;
    private readonly SkyArc[] _edges;

    /// <summary>+1 when the vertices run counter-clockwise around the polygon (seen from outside the sphere), −1 when clockwise.</summary>
    private readonly int _orientation;

    /// <summary>The polygon's vertices, which <see cref="SkyRules.CheckPolygon"/> must have accepted.</summary>
    public SkyPolygon(IReadOnlyList<SkyVector> vertices)
    {
        _vertices = [.. vertices];
        _edges = new SkyArc[_vertices.Length];
        for (int i = 0; i < _vertices.Length; i++) _edges[i] = new SkyArc(_vertices[i], _vertices[(i + 1) % _vertices.Length]);
        // The fan's signed area, folded into [−2π, 2π], is the area of the smaller part with the sign of the turn around it.
        _orientation = Math.IEEERemainder(SignedFanArea(), 4 * Math.PI) < 0 ? -1 : 1;
    }

    /// <summary>lon1, lat1, lon2, lat2, … in degrees, checked by <see cref="SkyRules.CheckPolygon"/> (which throws <see cref="InvalidSkyGeometryException"/>).</summary>
    public static SkyPolygon FromLonLat(IReadOnlyList<double> lonLat)
    {
        SkyRules.CheckPolygon(lonLat);
        var v = new SkyVector[lonLat.Count / 2];
        for (int i = 0; i < v.Length; i++) v[i] = SkyVector.FromLonLat(lonLat[2 * i], lonLat[2 * i + 1]);
        return new SkyPolygon(v);
    }

    public IReadOnlyList<SkyVector> Vertices => _vertices;
    public IReadOnlyList<SkyArc> Edges => _edges;

    /// <summary>
    /// Whether p lies inside or within <see cref="EdgeTolerance"/> of an edge. The signed angles the edges subtend at p
    /// add up to ±360° exactly when the edge line separates p from its antipode −p, and to 0 otherwise; the sign
    /// says which of the two is inside, so it must agree with the polygon's own turn.
    /// </summary>
    public bool Contains(SkyVector p)
    {
        foreach (var e in _edges)
            if (e.DistanceTo(p) <= EdgeTolerance) return true;
        double total = 0;
        foreach (var e in _edges)
        {
            // Tangent directions from p towards the edge's ends, and the signed angle between them about p.
            var ta = e.A - p.Dot(e.A) * p;
            var tb = e.B - p.Dot(e.B) * p;
            total += Math.Atan2(p.Dot(ta.Cross(tb)), ta.Dot(tb));
        }
        return total * _orientation > Math.PI;
    }

    /// <summary>Whether <paramref name="cap"/> lies wholly inside: its centre is inside and no edge comes nearer than its radius.</summary>
    public bool Contains(SphericalCap cap, double tolerance)
    {
        var c = cap.Centre;
        double r = cap.RadiusDeg;
        return Contains(c) && _edges.All(e => e.DistanceTo(c) >= r - tolerance);
    }

    /// <summary>Whether <paramref name="inner"/> lies wholly inside: all its vertices are, and no two edges cross.</summary>
    public bool Contains(SkyPolygon inner) =>
        inner._vertices.All(Contains) && !inner._edges.Any(e => _edges.Any(e.Crosses));

    /// <summary>Whether the polygon and <paramref name="cap"/> share a point (an edge within the radius plus <paramref name="tolerance"/> degrees counts).</summary>
    public bool Intersects(SphericalCap cap, double tolerance)
    {
        var c = cap.Centre;
        double r = cap.RadiusDeg;
        if (Contains(c)) return true;
        foreach (var e in _edges)
            if (e.DistanceTo(c) <= r + tolerance) return true;
        return false;
    }

    /// <summary>Whether the two polygons share a point: a vertex of one inside the other, or two edges crossing.</summary>
    public bool Intersects(SkyPolygon other) =>
        _vertices.Any(other.Contains) || other._vertices.Any(Contains) || _edges.Any(e => other._edges.Any(e.Crosses));

    /// <summary>The direction of the vertices' sum (ADQL's CENTROID of a polygon).</summary>
    public SkyVector Centroid => VertexSum().Normalized;

    /// <summary>The area in steradians (of the smaller part, as the polygon is).</summary>
    public double SolidAngle
    {
        get
        {
            double omega = Math.Abs(SignedFanArea());
            if (omega > 2 * Math.PI) omega = 4 * Math.PI - omega;
            return omega;
        }
    }

    /// <summary>
    /// A cap around the centroid that holds every vertex, with a margin for rounding; null when there is none under
    /// 89°. Under a hemisphere a cap is convex, so holding the vertices it holds the edges and the polygon: a
    /// prefilter a spatial index can answer.
    /// </summary>
    public SphericalCap? BoundingCap()
    {
        var sum = VertexSum();
        if (sum.Norm < 1e-9) return null;
        var centre = sum.Normalized;
        double radius = _vertices.Max(centre.AngleTo) * (1 + 1e-9) + 1e-9;
        return radius < 89 ? new SphericalCap(centre.Lon, centre.Lat, radius) : null;
    }

    private SkyVector VertexSum() => _vertices.Aggregate(new SkyVector(0, 0, 0), (s, v) => s + v);

    /// <summary>Signed solid angle of the fan of triangles from the first vertex; positive when counter-clockwise.</summary>
    private double SignedFanArea()
    {
        double omega = 0;
        for (int i = 1; i + 1 < _vertices.Length; i++)
        {
            SkyVector a = _vertices[0], b = _vertices[i], c = _vertices[i + 1];
            omega += 2 * Math.Atan2(a.Dot(b.Cross(c)), 1 + a.Dot(b) + b.Dot(c) + c.Dot(a));
        }
        return omega;
    }
}
