using VoSpec.Core.Faults;
using VoSpec.Core.Sky;
using VoSpec.Server.Soda;
using Xunit;

namespace VoSpec.Server.Tests.DataLink;

/// <summary>SkyRegion without a server: SODA's POS, CIRCLE and POLYGON read into Core shapes, and the aperture-overlap answer.</summary>
public class SkyRegionTests
{
    [Theory]
    [InlineData("CIRCLE 10 20 1", typeof(CircleRegion))]
    [InlineData("circle 10 20 1", typeof(CircleRegion))]
    [InlineData("RANGE 350 10 -5 5", typeof(RangeRegion))]
    [InlineData("Range -Inf +Inf -Inf +Inf", typeof(RangeRegion))]
    [InlineData("POLYGON 0 0 2 0 2 2", typeof(PolygonRegion))]
    public void SkyRegion_parses_the_three_pos_forms(string pos, Type expected) =>
        Assert.IsType(expected, SkyRegion.ParsePos(pos));

    [Theory]
    [InlineData("BOX 1 2 3 4", "must start with CIRCLE, RANGE or POLYGON")]
    [InlineData("CIRCLE 1 2", "3 numbers")]
    [InlineData("CIRCLE 1 2 0", "radius")]
    [InlineData("RANGE 1 2 3", "4 numbers")]
    [InlineData("RANGE 0 1 5 -5", "range latitudes")]
    [InlineData("POLYGON 1 2 3 4", "at least 3 vertices")]
    [InlineData("POLYGON 0 0 10 0 20 0", "one great circle")]
    public void SkyRegion_refuses_bad_pos_as_a_user_error(string pos, string why)
    {
        var e = Assert.ThrowsAny<UserInputException>(() => SkyRegion.ParsePos(pos));
        Assert.Contains(why, e.Message);
    }

    [Fact]
    public void SkyRegion_circle_overlaps_an_aperture_that_reaches_it()
    {
        var c = SkyRegion.ParseCircle([10, 20, 1]);
        Assert.True(c.OverlapsCircle(10, 20, 0.001));
        Assert.True(c.OverlapsCircle(10, 21.5, 0.5));
        Assert.False(c.OverlapsCircle(10, 21.5, 0.4));
        Assert.True(SkyRegion.ParseCircle([359.9, 0, 0.2]).OverlapsCircle(0.05, 0, 0.001)); // across 0°
    }

    [Fact]
    public void SkyRegion_range_wraps_through_zero_and_stops_at_its_latitudes()
    {
        var r = SkyRegion.ParsePos("RANGE 350 10 -5 5");
        Assert.True(r.OverlapsCircle(0, 0, 0.001));
        Assert.True(r.OverlapsCircle(355, 4, 0.001));
        Assert.False(r.OverlapsCircle(180, 0, 0.001));
        Assert.False(r.OverlapsCircle(0, 6, 0.5));
        Assert.True(r.OverlapsCircle(0, 6, 1.5));
        Assert.True(r.OverlapsCircle(11, 0, 1.5)); // the aperture's edge reaches the range
        Assert.True(SkyRegion.ParsePos("RANGE -Inf +Inf -Inf +Inf").OverlapsCircle(123, -45, 0.001));
    }

    [Fact]
    public void SkyRegion_polygon_overlaps_an_aperture_inside_or_near_an_edge()
    {
        var p = SkyRegion.ParsePolygon([0, 0, 2, 0, 2, 2, 0, 2]);
        Assert.True(p.OverlapsCircle(1, 1, 0.001));
        Assert.True(p.OverlapsCircle(1, -0.5, 0.6));
        Assert.False(p.OverlapsCircle(1, -0.5, 0.4));
        Assert.False(p.OverlapsCircle(10, 10, 1));
    }

    [Fact]
    public void SkyRegion_polygon_does_not_overlap_an_aperture_at_the_antipode_of_its_inside()
    {
        // Was true: the antipode of an inside point counted as inside.
        foreach (var n in new double[][] { [355, -5, 5, -5, 5, 5, 355, 5], [355, 5, 5, 5, 5, -5, 355, -5] })
        {
            var p = SkyRegion.ParsePolygon(n);
            Assert.True(p.OverlapsCircle(0, 0, 0.001));
            Assert.False(p.OverlapsCircle(180, 0, 0.001));
            Assert.False(p.OverlapsCircle(180, 0, 1));
        }
    }

    [Fact]
    public void SkyRegion_shapes_are_Core_shapes()
    {
        Assert.Equal(new SphericalCap(10, 20, 1), Assert.IsType<CircleRegion>(SkyRegion.ParseCircle([10, 20, 1])).Cap);
        Assert.Equal(new SkyRange(350, 10, -5, 5), Assert.IsType<RangeRegion>(SkyRegion.ParseRange([350, 10, -5, 5])).Range);
        Assert.Equal(3, Assert.IsType<PolygonRegion>(SkyRegion.ParsePolygon([0, 0, 2, 0, 2, 2])).Polygon.Vertices.Count);
    }
}
