using VoSpec.Adql.Db;
using VoSpec.Adql.Feature;
using Xunit;

namespace VoSpec.Adql.Tests;

public sealed class CheckerTests
{
    private static CheckedQuery Check(string adql) => AdqlChecker.Check(AdqlParser.Parse(adql), TableMetadata.Published);

    [Theory]
    [InlineData("SELECT obs_id FROM ivoa.nothing", 1, 20, "unknown table 'ivoa.nothing'")]
    [InlineData("SELECT obs_id\nFROM ivoa.obscore\nWHERE nosuch > 1", 3, 7, "unknown column 'nosuch'")]
    [InlineData("SELECT o.nosuch FROM ivoa.obscore AS o", 1, 10, "unknown column 'nosuch' in table ivoa.obscore AS o")]
    [InlineData("SELECT x.obs_id FROM ivoa.obscore AS o", 1, 8, "unknown table 'x'")]
    [InlineData("SELECT obscore.obs_id FROM ivoa.obscore AS o", 1, 8, "unknown table 'obscore'")]
    [InlineData("SELECT spec_id FROM ivoa.obscore", 1, 8, "unknown column 'spec_id'")]
    [InlineData("SELECT specobjid FROM spec.specobj AS a, spec.specobj AS b", 1, 8, "ambiguous column 'specobjid'")]
    [InlineData("SELECT a.z FROM spec.specobj AS a, ivoa.obscore AS a", 1, 52, "alias 'a' is used twice")]
    [InlineData("SELECT nofunc(z) FROM spec.specobj", 1, 8, "unknown function 'nofunc'")]
    [InlineData("SELECT z FROM spec.specobj WHERE COUNT(*) > 1", 1, 34, "not allowed in WHERE")]
    [InlineData("SELECT \"Z\" FROM spec.specobj", 1, 8, "unknown column 'Z'")]
    [InlineData("SELECT IN_UNIT(z, 'm') FROM spec.specobj", 1, 16, "IN_UNIT needs a column with a declared unit")]
    [InlineData("SELECT IN_UNIT(em_min, 'deg') FROM ivoa.obscore", 1, 24, "cannot be converted")]
    [InlineData("SELECT IN_UNIT(em_min, 'furlong') FROM ivoa.obscore", 1, 24, "unknown unit 'furlong'")]
    [InlineData("SELECT IN_UNIT(em_min, 'mag') FROM ivoa.obscore", 1, 24, "logarithmic")]
    [InlineData("SELECT IN_UNIT(em_min, obs_id) FROM ivoa.obscore", 1, 24, "string literal")]
    [InlineData("SELECT IN_UNIT(3.5, 'm') FROM ivoa.obscore", 1, 16, "declared unit")]
    [InlineData("SELECT z FROM spec.specobj ORDER BY 5", 1, 37, "only 1 columns")]
    [InlineData("SELECT z FROM spec.specobj ORDER BY 0", 1, 37, "between 1 and 1")]
    [InlineData("SELECT z FROM spec.specobj ORDER BY -1", 1, 37, "not a column position")]
    [InlineData("SELECT z FROM spec.specobj ORDER BY - -2", 1, 37, "not a column position")]
    [InlineData("SELECT z FROM spec.specobj ORDER BY 99999999999", 1, 37, "between 1 and 1")]
    [InlineData("SELECT z FROM spec.specobj UNION SELECT z, ra FROM spec.specobj", 1, 28, "UNION")]
    [InlineData("SELECT SQRT(class) FROM spec.specobj", 1, 13, "needs a number")]
    [InlineData("SELECT POINT(1) FROM spec.specobj", 1, 8, "POINT takes 2 arguments")]
    [InlineData("SELECT z FROM spec.specobj WHERE z IN (SELECT z, ra FROM spec.specobj)", 1, 40, "exactly one column")]
    public void Unresolved_names_and_misuse_are_reported_with_their_position(string adql, int line, int column, string mention)
    {
        var e = Assert.ThrowsAny<AdqlException>(() => Check(adql));
        Assert.Contains(mention, e.Message);
        Assert.Equal((line, column), (e.Line, e.Column));
    }

    [Fact]
    public void Resolution_errors_name_the_unresolved_thing()
    {
        var e = Assert.Throws<AdqlResolutionException>(() => Check("SELECT wibble FROM ivoa.obscore"));
        Assert.Equal("wibble", e.Name);
        e = Assert.Throws<AdqlResolutionException>(() => Check("SELECT x FROM wobble"));
        Assert.Equal("wobble", e.Name);
    }

    [Fact]
    public void Regular_identifiers_match_case_insensitively_and_delimited_ones_exactly()
    {
        Check("SELECT OBS_ID, Obs_Id FROM IVOA.OBSCORE");
        Check("SELECT \"obs_id\" FROM \"ivoa\".\"obscore\"");
        Assert.Throws<AdqlResolutionException>(() => Check("SELECT \"OBS_ID\" FROM ivoa.obscore"));
        Assert.Throws<AdqlResolutionException>(() => Check("SELECT obs_id FROM \"IVOA\".obscore"));
        Check("SELECT schema_name FROM tap_schema.schemas");
    }

    [Fact]
    public void Bare_table_names_work_when_unambiguous_and_qualify_columns()
    {
        var q = Check("SELECT obscore.obs_id, specobj.z FROM obscore, specobj");
        Assert.Equal(["obs_id", "z"], q.Columns.Select(c => c.Name));
        Check("SELECT ivoa.obscore.obs_id FROM ivoa.obscore");
    }

    [Fact]
    public void Order_by_and_group_by_may_use_output_aliases()
    {
        Check("SELECT class AS k, COUNT(*) AS n FROM spec.specobj GROUP BY k ORDER BY n DESC, k");
        Check("SELECT z AS redshift FROM spec.specobj ORDER BY z");
    }

    [Fact]
    public void With_is_only_allowed_on_the_outer_query()
    {
        var e = Assert.Throws<AdqlException>(() => Check("SELECT z FROM (WITH a AS (SELECT z FROM spec.specobj) SELECT z FROM a) AS b"));
        Assert.Equal(1, e.Line);
    }

    [Fact]
    public void Derived_table_columns_and_cte_names_resolve()
    {
        var q = Check("WITH c AS (SELECT z AS zz, class FROM spec.specobj) SELECT d.zz, c2.class FROM (SELECT zz FROM c) AS d, c AS c2");
        Assert.Equal("src.redshift", q.Columns[0].Schema?.Ucd);
        Assert.Throws<AdqlResolutionException>(() => Check("SELECT z FROM (SELECT z AS zz FROM spec.specobj) AS d"));
    }

    [Fact]
    public void Every_declared_feature_is_accepted_and_undeclared_ones_are_refused()
    {
        Assert.All(AdqlFeatures.All, f => Assert.True(AdqlFeatures.All.IsSupported(f.Type, f.Form)));
        Assert.Contains(AdqlFeatures.All, f => f.Type == AdqlFeatures.Geometry && f.Form == "CONTAINS");
        Assert.Contains(AdqlFeatures.All, f => f.Type == AdqlFeatures.Offset && f.Form == "OFFSET");
        Assert.Contains(AdqlFeatures.All, f => f.Type == AdqlFeatures.Unit && f.Form == "IN_UNIT");
        Assert.All(AdqlFeatures.All, f => Assert.StartsWith("ivo://ivoa.net/std/TAPRegExt#features-", f.Type));
        // Each optional geometry/string function the checker knows is declared.
        foreach (var name in new[] { "POINT", "CIRCLE", "BOX", "POLYGON", "REGION", "CENTROID", "AREA", "COORD1", "COORD2", "COORDSYS", "DISTANCE", "CONTAINS", "INTERSECTS", "LOWER", "UPPER", "IN_UNIT" })
            Assert.True(AdqlFeatures.All.IsSupported(AdqlFeatures.TypeOfFunction(name)!, name), name);
        // COALESCE is offered unconditionally: its ADQL 2.1 feature key is unknown to the STILTS 3.4 validators.
        Assert.Null(AdqlFeatures.TypeOfFunction("COALESCE"));
        Assert.DoesNotContain(AdqlFeatures.All, f => f.Form == "COALESCE");
    }
}
