using Microsoft.Data.Sqlite;
using Xunit;

namespace VoSpec.Adql.Tests;

/// <summary>
/// Geometry values that make no sense (DALI/ADQL: finite, |lat| ≤ 90°, radius in [0°, 180°], polygons with an area):
/// refused when the query is checked if they are constants, and when the row is computed otherwise — never a
/// silently empty answer.
/// </summary>
[Collection(ArchiveCollection.Name)]
public sealed class GeometryValidationTests(ArchiveFixture db)
{
    [Theory]
    [InlineData("CONTAINS(POINT(s_ra, s_dec), CIRCLE(10, 10, -1)) = 1", "CIRCLE: circle radius -1")]
    [InlineData("CONTAINS(POINT(s_ra, s_dec), CIRCLE('ICRS', 10, 10, 180.5)) = 1", "radius 180.5")]
    [InlineData("CONTAINS(POINT(s_ra, s_dec), CIRCLE(10, 100, 1)) = 1", "latitude 100")]
    [InlineData("CONTAINS(POINT(s_ra, s_dec), CIRCLE(POINT(10, -90.5), 1)) = 1", "latitude -90.5")]
    [InlineData("CONTAINS(POINT(s_ra, s_dec), CIRCLE(10, 1e999, 1)) = 1", "not finite")]
    [InlineData("CONTAINS(POINT(s_ra, s_dec), CIRCLE(POINT(s_ra, s_dec), -2)) = 1", "radius -2")]
    [InlineData("DISTANCE(POINT(s_ra, s_dec), POINT(10, 91)) < 1", "latitude 91")]
    [InlineData("DISTANCE(s_ra, s_dec, 10, -91) < 1", "latitude -91")]
    [InlineData("CONTAINS(POINT(s_ra, s_dec), POLYGON(10, 10, 11, 11, 10, 10)) = 1", "distinct vertices")]
    [InlineData("CONTAINS(POINT(s_ra, s_dec), POLYGON(0, 0, 10, 0, 20, 0)) = 1", "one great circle")]
    [InlineData("CONTAINS(POINT(s_ra, s_dec), POLYGON(POINT(1, 1), POINT(2, 2), POINT(1, 1))) = 1", "distinct vertices")]
    [InlineData("CONTAINS(POINT(s_ra, s_dec), BOX(10, 10, -1, 1)) = 1", "width -1")]
    [InlineData("CONTAINS(POINT(s_ra, s_dec), BOX(10, 89, 1, 4)) = 1", "past a pole")]
    [InlineData("CONTAINS(POINT(s_ra, s_dec), REGION('Circle ICRS 10 10 -1')) = 1", "radius -1")]
    [InlineData("CONTAINS(POINT(s_ra, s_dec), REGION('Polygon 10 10 11 11 10 10')) = 1", "distinct vertices")]
    [InlineData("CONTAINS(POINT(s_ra, s_dec), REGION('Point 10 NaN')) = 1", "not finite")]
    public void Constant_geometries_that_make_no_sense_are_refused_with_their_position(string where, string why)
    {
        var e = Assert.ThrowsAny<AdqlException>(() => db.Translate("SELECT obs_id FROM ivoa.obscore WHERE " + where));
        Assert.Contains(why, e.Message);
        Assert.True(e.Line == 1 && e.Column > 1, e.Message);
    }

    [Theory]
    [InlineData("SELECT CIRCLE(s_ra, s_dec, s_dec - 100) FROM ivoa.obscore", "radius")]
    [InlineData("SELECT POINT(s_ra, s_dec + 200) FROM ivoa.obscore", "latitude")]
    [InlineData("SELECT POLYGON(s_ra, s_dec, s_ra, s_dec, s_ra + 1, s_dec) FROM ivoa.obscore", "distinct vertices")]
    [InlineData("SELECT CAST('10 95' AS POINT) FROM ivoa.obscore", "latitude 95")]
    [InlineData("SELECT DISTANCE(s_ra, s_dec + 100, 0, 0) FROM ivoa.obscore", "latitude")]
    [InlineData("SELECT CAST('10 10 -3' AS CIRCLE) FROM ivoa.obscore", "radius -3")]
    public void Computed_geometries_that_make_no_sense_fail_the_query_with_the_rule(string adql, string why)
    {
        var e = Assert.Throws<SqliteException>(() => db.Run(adql));
        Assert.Contains("ADQL geometry", e.Message);
        Assert.Contains(why, e.Message);
    }

    [Theory]
    [InlineData("CONTAINS(POINT(s_ra, s_dec), CIRCLE(10, 90, 0)) = 1")]
    [InlineData("CONTAINS(POINT(s_ra, s_dec), CIRCLE(-10, -90, 180)) = 1")]
    [InlineData("CONTAINS(POINT(s_ra, s_dec), POLYGON(350, -10, 10, -10, 10, 10, 350, 10)) = 1")]
    [InlineData("CONTAINS(POINT(s_ra, s_dec), BOX(0, 45, 10, 90)) = 1")]
    [InlineData("CONTAINS(POINT(s_ra, s_dec), CIRCLE(NULL, 10, 1)) = 1")]
    public void Geometries_at_the_edges_of_the_rules_are_accepted(string where) =>
        db.Run("SELECT obs_id FROM ivoa.obscore WHERE " + where);
}
