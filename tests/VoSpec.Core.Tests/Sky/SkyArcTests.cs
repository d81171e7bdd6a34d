using FsCheck.Fluent;
using VoSpec.Core.Sky;
using Xunit;
using static VoSpec.Core.Tests.Sky.SkyGen;

namespace VoSpec.Core.Tests.Sky;

/// <summary>SkyVector angles and SkyArc distances and crossings: properties over random vectors, and fixed cases.</summary>
public class SkyArcTests
{
    [Fact]
    public void SkyVector_angles_are_symmetric_within_0_and_180_and_agree_with_haversine() =>
        Check(from a in Vector from b in Vector select (a, b), t =>
        {
            var (a, b) = t;
            double d = a.AngleTo(b);
            Assert.InRange(d, 0, 180);
            Assert.Equal(d, b.AngleTo(a));
            Assert.Equal(d, new SkyPoint(a.Lon, a.Lat).DistanceTo(new SkyPoint(b.Lon, b.Lat)), tolerance: 1e-5);
        });

    [Fact]
    public void SkyVector_round_trips_through_lon_lat() =>
        Check(Vector, v =>
        {
            var back = SkyVector.FromLonLat(v.Lon, v.Lat);
            Assert.True(v.AngleTo(back) < 1e-9);
            Assert.InRange(v.Lon, 0, 360);
        });

    /// <summary>The arc's points, sampled by walking from A to B along the great circle.</summary>
    private static IEnumerable<SkyVector> Along(SkyArc arc, int n = 20) =>
        Enumerable.Range(0, n + 1).Select(k => ((1 - k / (double)n) * arc.A + k / (double)n * arc.B).Normalized);

    private static readonly FsCheck.Gen<(SkyArc Arc, SkyVector P)> ArcAndPoint =
        from a in Vector
        from d in Uniform(1e-3, 179)
        from bearing in Uniform(0, 2 * Math.PI)
        from p in Vector
        select (new SkyArc(a, Offset(a, d, bearing)), p);

    [Fact]
    public void SkyArc_distance_is_the_nearest_and_max_distance_the_farthest_of_its_points() =>
        Check(ArcAndPoint, t =>
        {
            var (arc, p) = t;
            double near = arc.DistanceTo(p), far = arc.MaxDistanceTo(p);
            Assert.InRange(near, 0, 180);
            Assert.InRange(far, near - 1e-9, 180);
            foreach (var q in Along(arc))
            {
                Assert.True(near <= p.AngleTo(q) + 1e-9, $"nearer point {q} at {p.AngleTo(q)} < {near}");
                Assert.True(far >= p.AngleTo(q) - 1e-9, $"farther point {q} at {p.AngleTo(q)} > {far}");
            }
        });

    [Fact]
    public void SkyArc_points_are_at_distance_zero() =>
        Check(ArcAndPoint, t =>
        {
            foreach (var q in Along(t.Arc)) Assert.True(t.Arc.DistanceTo(q) < 1e-9);
        });

    [Fact]
    public void SkyArc_crossing_is_symmetric() =>
        Check(from a in ArcAndPoint from b in ArcAndPoint select (a.Arc, b.Arc), t =>
            Assert.Equal(t.Item1.Crosses(t.Item2), t.Item2.Crosses(t.Item1)));

    [Fact]
    public void SkyArc_fixed_cases()
    {
        var arc = new SkyArc(SkyVector.FromLonLat(0, 0), SkyVector.FromLonLat(10, 0));
        Assert.Equal(5, arc.DistanceTo(SkyVector.FromLonLat(5, 5)), 9);
        Assert.Equal(3, arc.DistanceTo(SkyVector.FromLonLat(13, 0)), 9);
        Assert.Equal(175, arc.MaxDistanceTo(SkyVector.FromLonLat(185, 5)), 9); // the arc's farthest point is inside it
        Assert.Equal(170, arc.MaxDistanceTo(SkyVector.FromLonLat(200, 0)), 9); // and here its end
        Assert.True(arc.Crosses(new SkyArc(SkyVector.FromLonLat(5, -1), SkyVector.FromLonLat(5, 1))));
        Assert.False(arc.Crosses(new SkyArc(SkyVector.FromLonLat(15, -1), SkyVector.FromLonLat(15, 1))));
        // The great circles meet at (185, 0) as well: only the arcs' own points count.
        Assert.False(arc.Crosses(new SkyArc(SkyVector.FromLonLat(185, -1), SkyVector.FromLonLat(185, 1))));
    }
}
