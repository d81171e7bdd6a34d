using VoSpec.Archive.Catalogue;
using VoSpec.Core.Sky;
using VoSpec.Adql.Translator.Geometry;
using Xunit;

namespace VoSpec.Adql.Tests;

[Collection(ArchiveCollection.Name)]
public sealed class GeometryTests(ArchiveFixture db)
{
    private static double D(object? o) => Convert.ToDouble(o);

    private List<(long Id, double Ra, double Dec, string Region, double Fov)> AllPositions() =>
        db.Sql("SELECT spec_id, s_ra, s_dec, s_region, s_fov FROM ivoa_obscore")
          .Select(r => ((long)r[0]!, (double)r[1]!, (double)r[2]!, (string)r[3]!, (double)r[4]!)).ToList();

    /// <summary>A cone around a real position, so that it holds several spectra.</summary>
    private (double Ra, double Dec, double R) Cone()
    {
        var p = AllPositions().OrderBy(x => x.Id).First();
        var near = AllPositions().Select(x => new SkyPoint(p.Ra, p.Dec).DistanceTo(new SkyPoint(x.Ra, x.Dec))).Order().ToList();
        return (p.Ra, p.Dec, (near[Math.Min(5, near.Count - 1)] + near[Math.Min(6, near.Count - 1)]) / 2);
    }

    private List<long> BruteForce(double ra, double dec, double r) =>
        AllPositions().Where(x => new SkyPoint(ra, dec).DistanceTo(new SkyPoint(x.Ra, x.Dec)) <= r).Select(x => x.Id).Order().ToList();

    private List<long> IdsOf(string adqlSelectingObsPublisherDid)
    {
        var dids = db.Run(adqlSelectingObsPublisherDid).Select(r => (string)r[0]!).ToHashSet();
        return db.Sql("SELECT spec_id, obs_publisher_did FROM ivoa_obscore").Where(r => dids.Contains((string)r[1]!)).Select(r => (long)r[0]!).Order().ToList();
    }

    [Fact]
    public void Cone_queries_use_the_rtree_and_agree_with_brute_force()
    {
        var (ra, dec, r) = Cone();
        string I(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        var expected = BruteForce(ra, dec, r);
        Assert.InRange(expected.Count, 2, 299);
        string[] queries =
        [
            $"SELECT obs_publisher_did FROM ivoa.obscore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', {I(ra)}, {I(dec)}, {I(r)})) = 1",
            $"SELECT o.obs_publisher_did FROM ivoa.obscore AS o WHERE 1 = CONTAINS(POINT(o.s_ra, o.s_dec), CIRCLE(POINT({I(ra)}, {I(dec)}), {I(r)})) AND o.calib_level >= 0",
            $"SELECT obs_publisher_did FROM ivoa.obscore WHERE DISTANCE(POINT(s_ra, s_dec), POINT({I(ra)}, {I(dec)})) <= {I(r)}",
            $"SELECT obs_publisher_did FROM ivoa.obscore WHERE {I(r)} >= DISTANCE({I(ra)}, {I(dec)}, s_ra, s_dec)",
            $"SELECT obs_publisher_did FROM ivoa.obscore WHERE INTERSECTS(CIRCLE({I(ra)}, {I(dec)}, {I(r)}), POINT(s_ra, s_dec)) = 1",
        ];
        foreach (var adql in queries)
        {
            var q = db.Translate(adql);
            Assert.Contains("spatial_idx", q.Sql);
            var plan = string.Join("\n", db.Sql("EXPLAIN QUERY PLAN " + q.Sql).Select(row => row[^1]));
            Assert.Contains("VIRTUAL TABLE INDEX", plan);
            // Every form of the cone takes the native great-circle test, none a managed geometry call per row.
            Assert.DoesNotContain("adql_", q.Sql.Replace("adql_capbox", ""));
            Assert.Equal(expected, IdsOf(adql));
        }
        // DISTANCE keeps its comparison: strictly less, or at most.
        Assert.Contains(") < radians(", db.Translate($"SELECT obs_id FROM ivoa.obscore WHERE DISTANCE(POINT(s_ra, s_dec), POINT({I(ra)}, {I(dec)})) < {I(r)}").Sql);
        Assert.Contains(") <= radians(", db.Translate($"SELECT obs_id FROM ivoa.obscore WHERE {I(r)} >= DISTANCE(POINT(s_ra, s_dec), POINT({I(ra)}, {I(dec)}))").Sql);
        // specobj: ra/dec columns.
        var s = db.Translate($"SELECT specobjid FROM spec.specobj WHERE CONTAINS(POINT(ra, dec), CIRCLE({I(ra)}, {I(dec)}, {I(r)})) = 1");
        Assert.Contains("VIRTUAL TABLE INDEX", string.Join("\n", db.Sql("EXPLAIN QUERY PLAN " + s.Sql).Select(row => row[^1])));
        Assert.Equal(expected.Count, db.Run(s).Count);
    }

    [Fact]
    public void Intersects_with_the_region_column_uses_the_rtree_and_agrees_with_brute_force()
    {
        var (ra, dec, r) = Cone();
        string I(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        var adql = $"SELECT obs_publisher_did FROM ivoa.obscore WHERE INTERSECTS(s_region, CIRCLE({I(ra)}, {I(dec)}, {I(r)})) = 1";
        var q = db.Translate(adql);
        Assert.Contains("VIRTUAL TABLE INDEX", string.Join("\n", db.Sql("EXPLAIN QUERY PLAN " + q.Sql).Select(row => row[^1])));
        var expected = AllPositions().Where(x => new SkyPoint(ra, dec).DistanceTo(new SkyPoint(x.Ra, x.Dec)) <= r + x.Fov / 2 + 1e-9).Select(x => x.Id).Order().ToList();
        Assert.Equal(expected, IdsOf(adql));
    }

    [Fact]
    public void A_cone_that_is_not_constant_is_still_answered_exactly_without_the_index()
    {
        var q = db.Translate("SELECT COUNT(*) FROM ivoa.obscore AS a, spec.specobj AS b WHERE DISTANCE(POINT(a.s_ra, a.s_dec), POINT(b.ra, b.dec)) < 1e-6");
        Assert.DoesNotContain("spatial_idx", q.Sql);
        Assert.Equal(300L, Convert.ToInt64(Assert.Single(db.Run(q))[0]));
    }

    [Fact]
    public void Geometry_values_come_out_in_dali_form()
    {
        var q = db.Translate("SELECT TOP 1 POINT('ICRS', 10, 20), CIRCLE(10, 20, 1), POLYGON(10, 20, 11, 20, 11, 21), BOX(10, 20, 2, 2), CENTROID(CIRCLE(1, 2, 3)), REGION('Circle ICRS 1 2 3') FROM ivoa.obscore");
        Assert.Equal([("double", "2", "point"), ("double", "3", "circle"), ("double", "*", "polygon"), ("double", "*", "polygon"), ("double", "2", "point"), ("char", "*", "adql:REGION")],
            q.Columns.Select(c => (c.Datatype, c.Arraysize, c.Xtype)));
        var row = Assert.Single(db.Run(q));
        Assert.Equal(["10 20", "10 20 1", "10 20 11 20 11 21", "9 19 11 19 11 21 9 21", "1 2", "Circle ICRS 1 2 3"], row);
    }

    [Fact]
    public void Geometry_functions_compute_on_the_sphere()
    {
        var row = Assert.Single(db.Run("""
            SELECT TOP 1
              DISTANCE(POINT(0, 0), POINT(90, 0)), DISTANCE(0, 89, 180, 89), COORD1(POINT(12, 34)), COORD2(POINT(12, 34)),
              AREA(CIRCLE(0, 0, 10)), AREA(POINT(1, 1)), AREA(POLYGON(0, 0, 90, 0, 0, 90)), COORDSYS(POINT(1, 2)),
              CONTAINS(POINT(359.5, 0), CIRCLE(0.2, 0, 1)), CONTAINS(POINT(2, 0), CIRCLE(0, 0, 1)),
              CONTAINS(POINT(1, 1), POLYGON(0, 0, 2, 0, 2, 2, 0, 2)), CONTAINS(POINT(3, 1), POLYGON(0, 0, 2, 0, 2, 2, 0, 2)),
              CONTAINS(POINT(0, 89.9), POLYGON(0, 88, 120, 88, 240, 88)),
              CONTAINS(CIRCLE(1, 1, 0.5), POLYGON(0, 0, 2, 0, 2, 2, 0, 2)), CONTAINS(CIRCLE(1, 1, 2), POLYGON(0, 0, 2, 0, 2, 2, 0, 2)),
              INTERSECTS(CIRCLE(0, 0, 1), CIRCLE(1.5, 0, 1)), INTERSECTS(CIRCLE(0, 0, 1), CIRCLE(3, 0, 1)),
              INTERSECTS(POLYGON(0, 0, 2, 0, 2, 2), POLYGON(1, -1, 3, -1, 3, 1)), INTERSECTS(CIRCLE(5, 1, 3.1), BOX(1, 1, 2, 2)),
              CONTAINS(POINT(10, 10), BOX(10, 10, 1, 1)), INTERSECTS(REGION('Circle ICRS 0 0 1'), POINT(0.5, 0))
            FROM ivoa.obscore
            """));
        Assert.Equal(90, D(row[0]), 9);
        Assert.Equal(2, D(row[1]), 9);
        Assert.Equal(12, D(row[2]), 12);
        Assert.Equal(34, D(row[3]), 12);
        Assert.Equal(2 * Math.PI * (1 - Math.Cos(10 * Math.PI / 180)) * Math.Pow(180 / Math.PI, 2), D(row[4]), 6);
        Assert.Equal(0, D(row[5]));
        Assert.Equal(4 * Math.PI / 8 * Math.Pow(180 / Math.PI, 2), D(row[6]), 6);
        Assert.Equal("ICRS", row[7]);
        Assert.Equal([1L, 0L, 1L, 0L, 1L, 1L, 0L, 1L, 0L, 1L, 1L, 1L, 1L], row.Skip(8));
    }

    [Fact]
    public void A_polygon_does_not_contain_the_antipode_of_its_points()
    {
        // CONTAINS(POINT(180, 0), POLYGON(355, -5, 5, -5, 5, 5, 355, 5)) was 1: the antipode of an inside point counted as inside.
        var row = Assert.Single(db.Run("""
            SELECT TOP 1
              CONTAINS(POINT(180, 0), POLYGON(355, -5, 5, -5, 5, 5, 355, 5)), CONTAINS(POINT(0, 0), POLYGON(355, -5, 5, -5, 5, 5, 355, 5)),
              CONTAINS(POINT(180, 0), POLYGON(355, 5, 5, 5, 5, -5, 355, -5)), CONTAINS(POINT(0, 0), POLYGON(355, 5, 5, 5, 5, -5, 355, -5)),
              CONTAINS(POINT(180, 0), BOX(0, 0, 10, 10)), INTERSECTS(CIRCLE(180, 0, 1), POLYGON(355, -5, 5, -5, 5, 5, 355, 5)),
              INTERSECTS(POLYGON(179, -1, 181, -1, 181, 1, 179, 1), POLYGON(355, -5, 5, -5, 5, 5, 355, 5)),
              CONTAINS(CIRCLE(180, 0, 1), POLYGON(355, -5, 5, -5, 5, 5, 355, 5)),
              CONTAINS(POINT(0, 90), POLYGON(0, -10, 120, -10, 240, -10)), CONTAINS(POINT(0, -90), POLYGON(0, -10, 120, -10, 240, -10)),
              CONTAINS(POINT(0, 90), POLYGON(240, -10, 120, -10, 0, -10))
            FROM ivoa.obscore
            """));
        Assert.Equal([0L, 1L, 0L, 1L, 0L, 0L, 0L, 0L, 0L, 1L, 0L], row);
    }

    [Fact]
    public void Null_geometry_arguments_give_null()
    {
        var row = Assert.Single(db.Run("SELECT TOP 1 CONTAINS(POINT(NULL, 1), CIRCLE(0, 0, 1)), DISTANCE(POINT(1, 1), POINT(1, NULL)) FROM ivoa.obscore"));
        Assert.Equal([null, null], row);
    }
}
