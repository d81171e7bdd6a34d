using FsCheck.Fluent;
using VoSpec.Core.Sky;
using Xunit;
using static VoSpec.Core.Tests.Sky.SkyGen;

namespace VoSpec.Core.Tests.Sky;

/// <summary>SphericalCap: containment, intersection and the R*Tree bounding box, as properties over random caps.</summary>
public class SphericalCapTests
{
    private const double Tol = 1e-10;

    [Fact]
    public void SphericalCap_contains_its_centre_and_its_points_but_nothing_beyond_its_radius() =>
        Check(from cap in Cap from b in Uniform(0, 2 * Math.PI) from d in Uniform(0, 1) select (cap, b, d), t =>
        {
            var (cap, bearing, d) = t;
            Assert.True(cap.Contains(cap.Centre, Tol));
            Assert.True(cap.Contains(Offset(cap.Centre, d * cap.RadiusDeg, bearing), 1e-9));
            double beyond = cap.RadiusDeg + 1e-6 + d * (180 - cap.RadiusDeg);
            if (beyond < 180) Assert.False(cap.Contains(Offset(cap.Centre, beyond, bearing), Tol));
        });

    [Fact]
    public void SphericalCap_bounding_box_holds_every_point_of_the_cap() =>
        Check(from cap in Cap from points in FsCheck.Fluent.Gen.ListOf(InCap(cap), 40) select (cap, points), t =>
        {
            var (cap, points) = t;
            var b = cap.BoundingBox();
            foreach (var p in points.Append(cap.Centre))
            {
                Assert.InRange(p.X, b.X0, b.X1);
                Assert.InRange(p.Y, b.Y0, b.Y1);
                Assert.InRange(p.Z, b.Z0, b.Z1);
            }
        });

    [Fact]
    public void SphericalCap_bounding_box_is_tight_for_a_small_cap()
    {
        var b = new SphericalCap(0, 0, 1).BoundingBox();
        double s = Math.Sin(Math.PI / 180);
        // Outward by the R*Tree's rounding margin (1e-7) only.
        Assert.InRange(b.Y0, -s - 2e-7, -s);
        Assert.InRange(b.Y1, s, s + 2e-7);
        Assert.InRange(b.X0, Math.Cos(Math.PI / 180) - 2e-7, Math.Cos(Math.PI / 180));
        Assert.Equal(1, b.X1);
        // A cap over a pole reaches the pole's bound exactly.
        Assert.Equal(1, new SphericalCap(0, 89.5, 1).BoundingBox().Z1);
    }

    [Fact]
    public void SphericalCap_area_is_that_of_the_sphere_hemisphere_and_nothing()
    {
        Assert.Equal(4 * Math.PI, new SphericalCap(10, 20, 180).SolidAngle, 12);
        Assert.Equal(2 * Math.PI, new SphericalCap(10, 20, 90).SolidAngle, 12);
        Assert.Equal(0, new SphericalCap(10, 20, 0).SolidAngle);
    }

    [Fact]
    public void SphericalCap_intersection_is_symmetric_and_means_the_centres_are_within_the_radii() =>
        Check(from a in Cap from b in Cap select (a, b), t =>
        {
            var (a, b) = t;
            Assert.Equal(a.Intersects(b, Tol), b.Intersects(a, Tol));
            Assert.Equal(a.Centre.AngleTo(b.Centre) <= a.RadiusDeg + b.RadiusDeg + Tol, a.Intersects(b, Tol));
            if (a.Contains(b, Tol)) Assert.True(a.Intersects(b, Tol));
        });

    [Fact]
    public void SphericalCap_that_contains_another_contains_its_points() =>
        Check(from a in Cap from b in Cap from p in InCap(b) select (a, b, p), t =>
        {
            var (a, b, p) = t;
            if (a.Contains(b, 0)) Assert.True(a.Contains(p, 1e-9));
        });

    [Fact]
    public void SphericalCap_contains_a_polygon_exactly_when_it_holds_its_vertices_and_edges() =>
        Check(from cap in Cap from c in Convex select (cap, c), t =>
        {
            var (cap, c) = t;
            bool all = c.Polygon.Edges.All(e => e.MaxDistanceTo(cap.Centre) <= cap.RadiusDeg + Tol);
            Assert.Equal(all, cap.Contains(c.Polygon, Tol));
        });
}
