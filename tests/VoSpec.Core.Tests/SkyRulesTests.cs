using VoSpec.Core.Faults;
using VoSpec.Core.Sky;
using Xunit;

namespace VoSpec.Core.Tests;

/// <summary>The one rule book for sky geometries (DALI/ADQL): what passes, what is refused, and that refusals are user errors.</summary>
public class SkyRulesTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(359.999, 90)]
    [InlineData(-10, -90)]
    [InlineData(720, 45)] // longitudes wrap; only latitudes are bounded
    public void Valid_positions_pass(double lon, double lat) => SkyRules.CheckPosition(lon, lat);

    [Theory]
    [InlineData(10, 90.0001, "latitude 90.0001")]
    [InlineData(10, -91, "latitude -91")]
    [InlineData(double.NaN, 0, "not finite")]
    [InlineData(0, double.PositiveInfinity, "not finite")]
    [InlineData(double.NegativeInfinity, 0, "not finite")]
    public void Invalid_positions_are_user_errors(double lon, double lat, string why)
    {
        var e = Assert.Throws<InvalidSkyGeometryException>(() => SkyRules.CheckPosition(lon, lat));
        Assert.IsAssignableFrom<UserInputException>(e);
        Assert.Contains(why, e.Message);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(180.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Radii_outside_zero_to_180_are_refused(double r) =>
        Assert.Contains("radius", Assert.Throws<InvalidSkyGeometryException>(() => SkyRules.CheckRadius(r)).Message);

    [Fact]
    public void A_zero_radius_is_a_choice_of_the_protocol()
    {
        SkyRules.CheckRadius(0);
        SkyRules.CheckRadius(180);
        Assert.Throws<InvalidSkyGeometryException>(() => SkyRules.CheckRadius(0, allowZero: false));
    }

    [Theory]
    [InlineData(new double[] { 10, 10, 11, 10, 11, 11 })]
    [InlineData(new double[] { 0, 0, 90, 0, 0, 90 })]
    [InlineData(new double[] { 10, 10, 10.0001, 10, 10.0001, 10.0001, 10, 10.0001 })]
    public void Polygons_with_an_area_pass(double[] v) => SkyRules.CheckPolygon(v);

    [Theory]
    [InlineData(new double[] { 10, 10, 11, 11 }, "at least 3 vertices")]
    [InlineData(new double[] { 10, 10, 11, 11, 12 }, "at least 3 vertices")]
    [InlineData(new double[] { 10, 10, 11, 11, 10, 10 }, "2 distinct vertices")]
    [InlineData(new double[] { 10, 10, 10, 10, 10, 10 }, "1 distinct vertices")]
    [InlineData(new double[] { 0, 0, 10, 0, 20, 0 }, "one great circle")]
    [InlineData(new double[] { 10, 0, 10, 30, 10, 60, 10, 80 }, "one great circle")]
    [InlineData(new double[] { 0, 0, 180, 0, 90, 45 }, "antipodal")]
    [InlineData(new double[] { 10, 10, 11, 95, 12, 10 }, "latitude 95")]
    [InlineData(new double[] { 10, 10, 11, double.NaN, 12, 10 }, "not finite")]
    public void Degenerate_or_invalid_polygons_are_refused(double[] v, string why) =>
        Assert.Contains(why, Assert.Throws<InvalidSkyGeometryException>(() => SkyRules.CheckPolygon(v)).Message);

    [Theory]
    [InlineData(10, 10, -1, 1, "width")]
    [InlineData(10, 10, 1, 181, "height")]
    [InlineData(10, 89, 1, 4, "past a pole")]
    public void Boxes_must_have_sizes_that_make_sense(double lon, double lat, double w, double h, string why) =>
        Assert.Contains(why, Assert.Throws<InvalidSkyGeometryException>(() => SkyRules.CheckBox(lon, lat, w, h)).Message);
}
