using FsCheck.Fluent;
using VoSpec.Core.Sky;
using Xunit;
using static VoSpec.Core.Tests.Sky.SkyGen;

namespace VoSpec.Core.Tests.Sky;

/// <summary>
/// SkyPolygon: point containment (the polygon is the smaller part, whatever the vertex order; an inside point's
/// antipode is outside), cap and polygon predicates, area and bounding cap — properties over random convex polygons
/// checked against the edge-side rule, and fixed cases for non-convex and large polygons.
/// </summary>
public class SkyPolygonTests
{
    private const double Tol = 1e-10;

    private static SkyPolygon P(params double[] lonLat) => SkyPolygon.FromLonLat(lonLat);
    private static SkyVector V(double lon, double lat) => SkyVector.FromLonLat(lon, lat);
    private static SkyPolygon Reversed(SkyPolygon p) => new(p.Vertices.Reverse().ToList());
    private static SkyPolygon Antipodal(SkyPolygon p) => new(p.Vertices.Select(v => -1 * v).ToList());

    /// <summary>The independent rule for a convex polygon under a hemisphere: p is on the inner side of every edge.</summary>
    private static bool InsideEveryEdge(ConvexCase c, SkyVector p)
    {
        // The inner side is the centre's side.
        return c.Polygon.Edges.All(e => Math.Sign(e.A.Cross(e.B).Dot(p)) == Math.Sign(e.A.Cross(e.B).Dot(c.Centre)));
    }

    [Fact]
    public void SkyPolygon_contains_its_centroid_and_the_points_inside_it() =>
        Check(from c in Convex from p in InConvex(c.Polygon) select (c, p), t =>
        {
            var (c, p) = t;
            Assert.True(c.Polygon.Contains(c.Polygon.Centroid), $"centroid of {c}");
            Assert.True(c.Polygon.Contains(c.Centre));
            Assert.True(c.Polygon.Contains(p));
            foreach (var v in c.Polygon.Vertices) Assert.True(c.Polygon.Contains(v));
        });

    [Fact]
    public void SkyPolygon_containment_agrees_with_the_edge_side_rule_away_from_the_edges() =>
        Check(from c in Convex from p in Vector select (c, p), t =>
        {
            var (c, p) = t;
            if (c.Polygon.Edges.Any(e => e.DistanceTo(p) < 1e-6)) return;
            Assert.Equal(InsideEveryEdge(c, p), c.Polygon.Contains(p));
        });

    [Fact]
    public void SkyPolygon_never_holds_a_point_and_its_antipode() =>
        Check(from c in Convex from p in Gen.OneOf(Vector, InConvex(c.Polygon)) select (c, p), t =>
        {
            var (c, p) = t;
            Assert.False(c.Polygon.Contains(p) && c.Polygon.Contains(-1 * p), $"{p} and its antipode both in {c}");
            Assert.False(c.Polygon.Contains(p) && Antipodal(c.Polygon).Contains(p), $"{p} in {c} and in its antipodal copy");
        });

    [Fact]
    public void SkyPolygon_does_not_depend_on_the_vertex_order() =>
        Check(from c in Convex from p in Vector select (c, p), t =>
        {
            var (c, p) = t;
            var r = Reversed(c.Polygon);
            Assert.Equal(c.Polygon.Contains(p), r.Contains(p));
            // A tolerance, not rounding to 12 digits: two values 1e-13 apart can round to different 12th digits.
            Assert.Equal(c.Polygon.SolidAngle, r.SolidAngle, tolerance: 1e-12);
            Assert.InRange(c.Polygon.SolidAngle, 0, 2 * Math.PI);
        });

    [Fact]
    public void SkyPolygon_intersection_is_symmetric_and_follows_containment() =>
        Check(from a in Convex from b in Convex from cap in Cap select (a.Polygon, b.Polygon, cap), t =>
        {
            var (a, b, cap) = t;
            Assert.Equal(a.Intersects(b), b.Intersects(a));
            Assert.True(a.Intersects(a));
            if (a.Contains(b)) Assert.True(a.Intersects(b));
            if (a.Contains(cap, Tol) || cap.Contains(a, Tol)) Assert.True(a.Intersects(cap, Tol));
            if (a.Contains(cap.Centre)) Assert.True(a.Intersects(cap, Tol));
            if (!a.Intersects(cap, Tol)) Assert.DoesNotContain(a.Vertices, v => cap.Contains(v, 0));
        });

    [Fact]
    public void SkyPolygon_contains_a_cap_only_when_it_holds_the_cap_points() =>
        Check(from c in Convex from cap in Cap from points in Gen.ListOf(InCap(cap), 20) select (c.Polygon, cap, points), t =>
        {
            var (p, cap, points) = t;
            if (p.Contains(cap, Tol)) Assert.All(points, q => Assert.True(p.Contains(q)));
        });

    [Fact]
    public void SkyPolygon_bounding_cap_holds_the_polygon() =>
        Check(from c in Convex from points in Gen.ListOf(InConvex(c.Polygon), 20) select (c, points), t =>
        {
            var (c, points) = t;
            if (c.Polygon.BoundingCap() is not { } cap) { Assert.True(c.Radius > 44); return; }
            Assert.True(cap.RadiusDeg < 89);
            Assert.True(cap.Contains(c.Polygon, 0));
            Assert.All(points, q => Assert.True(cap.Contains(q, 0)));
        });

    [Fact]
    public void SkyPolygon_antipode_of_an_inside_point_is_outside()
    {
        // The ADQL example CONTAINS(POINT(180, 0), POLYGON(355, -5, 5, -5, 5, 5, 355, 5)) was 1 before.
        foreach (var p in new[] { P(355, -5, 5, -5, 5, 5, 355, 5), P(355, 5, 5, 5, 5, -5, 355, -5) })
        {
            Assert.True(p.Contains(V(0, 0)));
            Assert.False(p.Contains(V(180, 0)));
            Assert.False(p.Intersects(new SphericalCap(180, 0, 1), Tol));
            Assert.False(p.Contains(new SphericalCap(180, 0, 1), Tol));
            Assert.False(p.Intersects(P(179, -1, 181, -1, 181, 1, 179, 1)));
        }
    }

    [Fact]
    public void SkyPolygon_whose_vertices_span_every_longitude_is_still_the_smaller_part()
    {
        // Three vertices 120° apart at latitude −10°: the edges bulge south, the southern part is the smaller one.
        foreach (var p in new[] { P(0, -10, 120, -10, 240, -10), P(240, -10, 120, -10, 0, -10) })
        {
            Assert.True(p.Contains(V(0, -90)));
            Assert.True(p.Contains(V(60, -30)));
            Assert.False(p.Contains(V(0, 90)));
            Assert.False(p.Contains(V(60, 0)));
            Assert.InRange(p.SolidAngle, 0, 2 * Math.PI);
            var cap = p.BoundingCap()!.Value;
            Assert.Equal(80, cap.RadiusDeg, 6);
            Assert.True(cap.Contains(p, 0));
        }
    }

    [Fact]
    public void SkyPolygon_non_convex_holds_its_arms_but_not_its_notch()
    {
        // A "U": two arms 0..2 and 4..6 in longitude joined along the bottom, −1..1 in latitude.
        foreach (var p in new[] { P(0, -1, 6, -1, 6, 1, 4, 1, 4, 0, 2, 0, 2, 1, 0, 1), Reversed(P(0, -1, 6, -1, 6, 1, 4, 1, 4, 0, 2, 0, 2, 1, 0, 1)) })
        {
            Assert.True(p.Contains(V(1, 0.5)));
            Assert.True(p.Contains(V(5, 0.5)));
            Assert.True(p.Contains(V(3, -0.5)));
            Assert.False(p.Contains(V(3, 0.5)));
            Assert.False(p.Contains(V(181, -0.5)));
            Assert.False(p.Contains(V(183, 0.5)));
            Assert.True(p.Intersects(new SphericalCap(3, 0.5, 0.6), Tol));
            Assert.False(p.Intersects(new SphericalCap(3, 0.5, 0.4), Tol));
            Assert.False(p.Contains(new SphericalCap(3, 0, 0.5), Tol));
            Assert.True(p.Contains(new SphericalCap(1, 0, 0.5), Tol));
            Assert.False(p.Contains(P(0.5, -0.5, 5.5, -0.5, 5.5, 0.5, 0.5, 0.5)));
        }
    }

    [Fact]
    public void SkyPolygon_points_on_an_edge_count_as_inside()
    {
        var p = P(0, 0, 2, 0, 2, 2, 0, 2);
        Assert.True(p.Contains(V(1, 0)));
        Assert.True(p.Contains(V(2, 2)));
        Assert.False(p.Contains(V(1, -1e-6)));
    }

    [Fact]
    public void SkyPolygon_refuses_what_SkyRules_refuses() =>
        Assert.Throws<InvalidSkyGeometryException>(() => P(0, 0, 10, 0, 20, 0));
}
