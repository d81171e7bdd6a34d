using System.Globalization;
using Microsoft.Data.Sqlite;
using Xunit;

namespace VoSpec.Adql.Tests;

/// <summary>
/// ADQL corners that once failed (issue 10): comments holding quotes, CAST to character types, STC-S Union,
/// Intersection and Not in REGION, a numeric string in arithmetic; each parsed, translated and run on the demo archive.
/// </summary>
[Collection(ArchiveCollection.Name)]
public sealed class AdqlCornerTests(ArchiveFixture db)
{
    private static string I(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("SELECT TOP 3 obs_id FROM ivoa.obscore -- it's a \"test\"\nWHERE 1 = 1")]
    [InlineData("SELECT TOP 3 obs_id -- don't\nFROM ivoa.obscore")]
    [InlineData("SELECT TOP 3 obs_id FROM ivoa.obscore -- it's")]
    [InlineData("SELECT TOP 3 obs_id FROM ivoa.obscore -- \"unclosed")]
    [InlineData("-- a leading comment, 'quoted' and \"quoted\"\r\nSELECT TOP 3 obs_id FROM ivoa.obscore WHERE obs_id <> '--'")]
    public void Comments_may_hold_quote_characters(string adql) => Assert.Equal(3, db.Run(adql).Count);

    [Fact]
    public void A_double_dash_inside_a_string_is_not_a_comment()
    {
        Assert.Equal("a -- 'b'", db.Scalar("SELECT TOP 1 'a -- ''b''' AS s FROM ivoa.obscore"));
    }

    [Fact]
    public void Cast_to_char_types_cuts_to_the_declared_length()
    {
        string id = (string)db.Scalar("SELECT TOP 1 obs_id FROM ivoa.obscore ORDER BY obs_id")!;
        var q = db.Translate("SELECT TOP 1 CAST(obs_id AS CHAR) AS a, CAST(obs_id AS CHAR(10)) AS b, CAST(obs_id AS VARCHAR(30)) AS c, "
            + "CAST(obs_id AS VARCHAR) AS d, CAST(obs_id AS VARCHAR(3)) AS e, CAST(s_ra AS VARCHAR(40)) AS f FROM ivoa.obscore ORDER BY obs_id");
        Assert.Equal(["1", "10", "30*", "*", "3*", "40*"], q.Columns.Select(c => c.Arraysize));
        var row = Assert.Single(db.Run(q));
        Assert.Equal(id[..1], row[0]);
        Assert.Equal(id[..10], row[1]);
        Assert.Equal(id, row[2]);
        Assert.Equal(id, row[3]);
        Assert.Equal(id[..3], row[4]);
        Assert.True(double.TryParse((string)row[5]!, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
    }

    [Theory]
    [InlineData("CHAR(4097)")]
    [InlineData("VARCHAR(2000000000)")]
    [InlineData("CHAR(99999999999)")]
    [InlineData("CHAR(0)")]
    public void Cast_lengths_are_bounded_so_no_cell_can_be_padded_to_gigabytes(string type)
    {
        var e = Assert.ThrowsAny<AdqlException>(() => db.Translate($"SELECT CAST(obs_id AS {type}) FROM ivoa.obscore"));
        Assert.Contains("length", e.Message);
        Assert.Equal("4096", db.Translate("SELECT CAST(obs_id AS CHAR(4096)) FROM ivoa.obscore").Columns[0].Arraysize);
    }

    [Theory]
    [InlineData("SELECT CASE WHEN s_ra > 400 THEN CAST(s_ra AS VARCHAR(3)) ELSE obs_id END AS c FROM ivoa.obscore")]
    [InlineData("SELECT COALESCE(CAST(NULL AS CHAR(2)), obs_id) AS c FROM ivoa.obscore")]
    [InlineData("SELECT CAST(s_ra AS CHAR(2)) AS c FROM ivoa.obscore UNION SELECT obs_id FROM ivoa.obscore")]
    public void Strings_of_different_lengths_meeting_in_one_column_are_declared_variable_length(string adql)
    {
        // Found by the fuzzer: the first branch's CHAR(n) was the column's type, and a longer value of another
        // branch then broke the writer's arraysize check mid-result.
        Assert.Equal("*", db.Translate(adql).Columns[0].Arraysize);
        Assert.NotEmpty(db.Run(adql));
    }

    [Theory]
    [InlineData("SELECT TOP 3 mjd * mjd AS c FROM spec.specobj")]
    [InlineData("SELECT TOP 3 -mjd - 2147483647 AS c FROM spec.specobj")]
    [InlineData("SELECT mjd AS c FROM spec.specobj UNION SELECT specobjid FROM spec.specobj")]
    public void Integer_results_that_can_pass_int_are_declared_long(string adql)
    {
        // Found by the fuzzer: int * int and int UNION long were declared int, and the writer met larger values.
        var q = db.Translate(adql);
        Assert.Equal("long", q.Columns[0].Datatype);
        Assert.Contains(db.Run(q), row => Math.Abs(Convert.ToDouble(row[0], CultureInfo.InvariantCulture)) > int.MaxValue);
    }

    [Fact]
    public void Group_by_a_column_of_an_enclosing_query_is_refused()
    {
        var e = Assert.ThrowsAny<AdqlException>(() => db.Translate(
            "SELECT obs_id FROM ivoa.obscore AS o WHERE obs_title IN (SELECT COUNT(*) FROM spec.specobj GROUP BY target_name)"));
        Assert.Contains("enclosing query", e.Message);
    }

    [Fact]
    public void Geometries_of_different_kinds_in_one_column_are_refused()
    {
        var e = Assert.ThrowsAny<AdqlException>(() => db.Translate(
            "SELECT CASE WHEN s_ra > 10 THEN POINT(s_ra, s_dec) ELSE CIRCLE(s_ra, s_dec, 1) END AS g FROM ivoa.obscore"));
        Assert.Contains("do not match", e.Message);
    }

    [Fact]
    public void Cast_of_strings_to_numbers_converts_numeric_text_and_refuses_the_rest()
    {
        Assert.Equal(12.5, Convert.ToDouble(db.Scalar("SELECT TOP 1 CAST(' 12.5' AS DOUBLE PRECISION) AS x FROM ivoa.obscore")));
        Assert.Equal(12L, db.Scalar("SELECT TOP 1 CAST('12' AS INTEGER) AS x FROM ivoa.obscore"));
        Assert.Equal(3.0, Convert.ToDouble(db.Scalar("SELECT TOP 1 CAST('1' AS REAL) + 2 AS x FROM ivoa.obscore")));
        var e = Assert.Throws<SqliteException>(() => db.Run("SELECT TOP 1 CAST(obs_id AS DOUBLE PRECISION) FROM ivoa.obscore"));
        Assert.Contains("is not a number", e.Message);
    }

    [Theory]
    [InlineData("SELECT '1' + 2 FROM ivoa.obscore", "'1'")]
    [InlineData("SELECT 2 * '3.5' FROM ivoa.obscore", "'3.5'")]
    [InlineData("SELECT -'1' FROM ivoa.obscore", "'1'")]
    [InlineData("SELECT obs_id + 1 FROM ivoa.obscore", "CAST")]
    public void A_string_in_arithmetic_is_a_type_error_that_names_the_cast(string adql, string named)
    {
        var e = Assert.ThrowsAny<AdqlException>(() => db.Translate(adql));
        Assert.Contains("needs a number", e.Message);
        Assert.Contains(named, e.Message);
        Assert.Contains("line 1", e.Message);
    }

    private (double Ra, double Dec)[] TwoPositions()
    {
        var rows = db.Sql("SELECT s_ra, s_dec FROM ivoa_obscore ORDER BY spec_id").Select(r => ((double)r[0]!, (double)r[1]!)).ToList();
        return [rows[0], rows[^1]];
    }

    private long Count(string where) => (long)db.Scalar($"SELECT COUNT(*) FROM ivoa.obscore WHERE {where}")!;

    [Fact]
    public void Region_union_intersection_and_not_agree_with_their_circles()
    {
        var p = TwoPositions();
        string c1 = $"{I(p[0].Ra)} {I(p[0].Dec)} 30", c2 = $"{I(p[1].Ra)} {I(p[1].Dec)} 30";
        string In(string circle) => $"CONTAINS(POINT(s_ra, s_dec), CIRCLE({circle.Replace(" ", ", ")})) = 1";
        long a = Count(In(c1)), b = Count(In(c2)), both = Count($"{In(c1)} AND {In(c2)}"), all = Count("1 = 1");
        Assert.InRange(a, 1, all - 1);

        Assert.Equal(a + b - both, Count($"CONTAINS(POINT(s_ra, s_dec), REGION('Union ICRS (Circle {c1} Circle {c2})')) = 1"));
        Assert.Equal(both, Count($"1 = CONTAINS(POINT(s_ra, s_dec), REGION('Intersection ICRS (Circle ICRS {c1} Circle ICRS {c2})'))"));
        Assert.Equal(all - a, Count($"CONTAINS(POINT(s_ra, s_dec), REGION('Not (Circle {c1})')) = 1"));
        Assert.Equal(a + b - both, Count($"INTERSECTS(REGION('UNION ICRS (CIRCLE {c1} CIRCLE {c2})'), POINT(s_ra, s_dec)) = 1"));
        // Nested, and against the s_region column (a circle per row): INTERSECTS with a Union is exact.
        Assert.Equal(all - (a + b - both), Count($"CONTAINS(POINT(s_ra, s_dec), REGION('Not (Union (Circle {c1} Circle {c2}))')) = 1"));
        long regions = Count($"INTERSECTS(s_region, REGION('Union ICRS (Circle {c1} Circle {c2})')) = 1");
        Assert.Equal(Count($"INTERSECTS(s_region, CIRCLE({c1.Replace(" ", ", ")})) = 1 OR INTERSECTS(s_region, CIRCLE({c2.Replace(" ", ", ")})) = 1"), regions);
    }

    [Fact]
    public void Region_compounds_that_cannot_be_decided_exactly_are_refused_clearly()
    {
        var e = Assert.Throws<SqliteException>(() => db.Run(
            "SELECT COUNT(*) FROM ivoa.obscore WHERE CONTAINS(CIRCLE(10, 10, 1), REGION('Union (Circle 10 10 1 Circle 11 10 1)')) = 1"));
        Assert.Contains("cannot be decided exactly", e.Message);
        // Found by the fuzzer: AREA and CENTROID of a compound are the geometry function's error, in words.
        foreach (var (call, op) in new[] { ("AREA", "Union"), ("AREA", "Not"), ("CENTROID", "Intersection") })
        {
            string stcs = op == "Not" ? "Not (Circle 1 2 3)" : $"{op} (Circle 1 2 3 Circle 2 2 3)";
            e = Assert.Throws<SqliteException>(() => db.Run($"SELECT TOP 1 {call}(REGION('{stcs}')) AS a FROM ivoa.obscore"));
            Assert.Contains($"ADQL geometry: {call} of a {op} region is not supported", e.Message);
        }
        Assert.Contains("Union ICRS (Circle ICRS 10 10 1 Circle ICRS 20 20 1)",
            (string)db.Scalar("SELECT TOP 1 REGION('Union ICRS (Circle 10 10 1 Circle 20 20 1)') AS r FROM ivoa.obscore")!);
    }

    [Theory]
    [InlineData("Union (Circle 10 10 1)", "at least two regions")]
    [InlineData("Not (Circle 10 10 1 Circle 20 20 1)", "exactly one region")]
    [InlineData("Union (Circle 10 10 1 Circle 20 20 1", "unclosed parenthesis")]
    [InlineData("Union Circle 10 10 1 Circle 20 20 1", "in parentheses")]
    [InlineData("Intersection (Circle 10 10 1 Circle 20 95 1)", "latitude 95")]
    [InlineData("Circle 10 10 1)", "unexpected ')'")]
    public void Malformed_compound_regions_are_refused_when_the_query_is_checked(string stcs, string why)
    {
        var e = Assert.ThrowsAny<AdqlException>(() => db.Translate($"SELECT obs_id FROM ivoa.obscore WHERE CONTAINS(POINT(s_ra, s_dec), REGION('{stcs}')) = 1"));
        Assert.Contains(why, e.Message);
    }

    [Fact]
    public void Region_nesting_is_bounded()
    {
        string deep = string.Concat(Enumerable.Repeat("Not (", 25)) + "Circle 10 10 1" + new string(')', 25);
        var e = Assert.ThrowsAny<AdqlException>(() => db.Translate($"SELECT obs_id FROM ivoa.obscore WHERE CONTAINS(POINT(s_ra, s_dec), REGION('{deep}')) = 1"));
        Assert.Contains("nested more than", e.Message);
    }
}
