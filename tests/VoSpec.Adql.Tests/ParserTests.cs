using System.Security.Cryptography;
using VoSpec.Adql.Query;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Adql.Tests;

public sealed class ParserTests
{
    public static TheoryData<string> Queries => new()
    {
        "SELECT * FROM ivoa.obscore",
        "select top 10 obs_id, s_ra as ra from ivoa.obscore o where o.s_dec > -10.5 order by 2 desc, obs_id",
        "SELECT DISTINCT class FROM spec.specobj",
        "SELECT o.*, s.z FROM ivoa.obscore AS o JOIN spec.specobj AS s ON o.obs_id = s.collection",
        "SELECT a FROM t1 NATURAL LEFT OUTER JOIN t2 RIGHT JOIN t3 USING (a, b) CROSS JOIN t4, t5 FULL JOIN t6 ON t5.x = t6.x",
        "SELECT x FROM a INNER JOIN (b JOIN c ON b.k = c.k) ON a.k = b.k",
        "SELECT x FROM (SELECT y AS x FROM t) AS d WHERE x IN (SELECT z FROM u) AND EXISTS (SELECT 1 FROM v) OR NOT x BETWEEN 1 AND 2",
        "SELECT a FROM t WHERE (a = 1 OR b = 2) AND NOT (c < 3 AND d >= 4) AND e NOT IN (1, 2, 3) AND f NOT BETWEEN -1 AND +1",
        "SELECT a FROM t WHERE s LIKE 'a%' AND s NOT ILIKE '_b''c' AND q IS NULL AND r IS NOT NULL AND a <> 1 AND b != 2",
        "SELECT a - (b - c), (a + b) * c, -a * b, -(a * b), - -a, a || 'x' || b, ~a & 0x1F | b ^ 3 FROM t",
        "SELECT 1, 1., .5, 1.5E-3, 2e10, 0xFF, 'it''s', NULL FROM t",
        "SELECT COUNT(*), COUNT(DISTINCT a), SUM(ALL b), AVG(c), MIN(d), MAX(e) FROM t GROUP BY f, g HAVING COUNT(*) > 1",
        "SELECT CASE a WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'many' END, CASE WHEN a > 1 AND b < 2 THEN 1 END FROM t",
        "SELECT CAST(a AS INTEGER), CAST(b AS DOUBLE PRECISION), CAST(c AS VARCHAR(12)), CAST(d AS CHAR), COALESCE(a, b, 0) FROM t",
        "SELECT ABS(a), CEILING(a), DEGREES(a), EXP(a), FLOOR(a), LOG(a), LOG10(a), MOD(a, 3), PI(), POWER(a, 2), RADIANS(a), SQRT(a), RAND(), RAND(3), ROUND(a), ROUND(a, -2), TRUNCATE(a, 1) FROM t",
        "SELECT SIN(a), COS(a), TAN(a), ASIN(a), ACOS(a), ATAN(a), ATAN2(a, b), COT(a), LOWER(s), UPPER(s) FROM t",
        "SELECT POINT('ICRS', ra, dec), CIRCLE(POINT(1, 2), 3), BOX('', 1, 2, 3, 4), POLYGON(1, 2, 3, 4, 5, 6), REGION('Circle ICRS 1 2 3') FROM t",
        "SELECT AREA(c), CENTROID(c), COORD1(p), COORD2(p), COORDSYS(p), DISTANCE(p, q), DISTANCE(1, 2, 3, 4) FROM t WHERE 1 = CONTAINS(POINT(ra, dec), CIRCLE(10, 20, 1)) AND INTERSECTS(s_region, CIRCLE(1, 2, 3)) = 0",
        "SELECT a FROM t UNION SELECT b FROM u UNION ALL SELECT c FROM v EXCEPT SELECT d FROM w INTERSECT ALL SELECT e FROM x",
        "(SELECT TOP 3 a FROM t ORDER BY a) UNION (SELECT b FROM u) ORDER BY 1 OFFSET 2",
        "WITH c1 AS (SELECT a FROM t), c2(x, y) AS (SELECT a, b FROM c1) SELECT * FROM c2 ORDER BY x DESC OFFSET 10",
        "SELECT \"Weird \"\"Name\"\"\", \"size\" FROM \"TAP_SCHEMA\".\"columns\" AS \"c\"",
        "SELECT (SELECT MAX(z) FROM spec.specobj) AS zmax FROM ivoa.obscore -- trailing comment",
        "SELECT t.a FROM cat.sch.t WHERE t.a = myudf(1, 'x')",
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public void Printing_a_parsed_query_and_parsing_it_again_gives_an_equal_tree(string adql)
    {
        var tree = AdqlParser.Parse(adql);
        var printed = AdqlPrinter.Print(tree);
        var again = AdqlParser.Parse(printed);
        Assert.Equal(tree, again);
        Assert.Equal(printed, AdqlPrinter.Print(again));
    }

    [Fact]
    public void Keywords_are_case_insensitive_and_identifiers_keep_their_case()
    {
        var a = AdqlParser.Parse("select Obs_Id from IVOA.ObsCore where S_RA between 1 and 2");
        var b = AdqlParser.Parse("SELECT Obs_Id FROM IVOA.ObsCore WHERE S_RA BETWEEN 1 AND 2");
        Assert.Equal(a, b);
        var item = Assert.IsType<ExpressionItem>(Assert.IsType<QuerySpecification>(a.Body).Items[0]);
        Assert.Equal(new Identifier("Obs_Id", false), Assert.IsType<ColumnReference>(item.Expression).Column);
    }

    [Fact]
    public void Delimited_identifiers_and_strings_unescape_doubled_quotes()
    {
        var q = AdqlParser.Parse("SELECT \"a\"\"b\" FROM t WHERE x = 'it''s'");
        var spec = Assert.IsType<QuerySpecification>(q.Body);
        var col = Assert.IsType<ColumnReference>(Assert.IsType<ExpressionItem>(spec.Items[0]).Expression);
        Assert.Equal(new Identifier("a\"b", true), col.Column);
        var cmp = Assert.IsType<Comparison>(spec.Where);
        Assert.Equal("it's", Assert.IsType<StringLiteral>(cmp.Right).Value);
    }

    [Fact]
    public void Intersect_binds_tighter_than_union()
    {
        var q = AdqlParser.Parse("SELECT a FROM t UNION SELECT b FROM u INTERSECT SELECT c FROM v");
        var union = Assert.IsType<SetOperation>(q.Body);
        Assert.Equal(SetOperator.Union, union.Operator);
        Assert.Equal(SetOperator.Intersect, Assert.IsType<SetOperation>(union.Right).Operator);
    }

    [Fact]
    public void Arithmetic_follows_the_usual_precedence()
    {
        var q = AdqlParser.Parse("SELECT 1 + 2 * 3 - 4 FROM t");
        var e = Assert.IsType<ExpressionItem>(Assert.IsType<QuerySpecification>(q.Body).Items[0]).Expression;
        Assert.Equal("1 + 2 * 3 - 4", AdqlPrinter.Print(e));
        var sub = Assert.IsType<BinaryExpression>(e);
        Assert.Equal(BinaryOperator.Subtract, sub.Operator);
        Assert.Equal(BinaryOperator.Add, Assert.IsType<BinaryExpression>(sub.Left).Operator);
    }

    [Fact]
    public void Order_by_a_number_is_a_column_position()
    {
        var q = AdqlParser.Parse("SELECT a, b FROM t ORDER BY 2 DESC, a");
        Assert.Equal(2, q.OrderBy[0].ColumnNumber);
        Assert.True(q.OrderBy[0].Descending);
        Assert.Null(q.OrderBy[1].ColumnNumber);
    }

    [Fact]
    public void Top_and_offset_are_read()
    {
        var q = AdqlParser.Parse("SELECT TOP 5 a FROM t ORDER BY a OFFSET 3");
        Assert.Equal(5, q.Top);
        Assert.Equal(3, q.Offset);
    }

    [Theory]
    [InlineData("SELECT a FROM t WHERE a = 1 ORDR BY a", 1, 29, "'ORDR'")]
    [InlineData("SELECT a\nFROM t\nWHERE a = ", 3, 11, "end of query")]
    [InlineData("SELECT a FROM t WHERE", 1, 22, "end of query")]
    [InlineData("SELECT a, FROM t", 1, 11, "'FROM'")]
    [InlineData("SELECT a FROM t WHERE b = 'abc", 1, 27, "unterminated string")]
    [InlineData("SELECT a FROM t; DROP TABLE t", 1, 16, "';'")]
    [InlineData("SELECT size FROM t", 1, 8, "reserved word")]
    [InlineData("  \n   SELECT a FROM t WHERE a @ 1", 2, 28, "'@'")]
    [InlineData("SELECT TOP -1 a FROM t", 1, 12, "'-'")]
    [InlineData("SELECT a FROM t JOIN u", 1, 17, "JOIN needs ON")]
    public void Syntax_errors_say_where_and_what(string adql, int line, int column, string mention)
    {
        var e = Assert.ThrowsAny<AdqlException>(() => AdqlParser.Parse(adql));
        Assert.Equal(line, e.Line);
        Assert.Equal(column, e.Column);
        Assert.Contains(mention, e.Message);
        Assert.Contains($"line {line}, column {column}", e.Message);
    }

    [Fact]
    public void Syntax_errors_name_what_was_expected()
    {
        var e = Assert.Throws<AdqlException>(() => AdqlParser.Parse("SELECT a FROM t ORDER a"));
        Assert.Contains("expected 'BY'", e.Message);
        e = Assert.Throws<AdqlException>(() => AdqlParser.Parse("DUFF QUERY"));
        Assert.Equal((1, 1), (e.Line, e.Column));
        Assert.Contains("SELECT", e.Message);
    }

    [Fact]
    public void A_join_without_condition_is_refused_with_its_position()
    {
        var e = Assert.Throws<AdqlException>(() => AdqlParser.Parse("SELECT a FROM t\n  JOIN u"));
        Assert.Equal((2, 3), (e.Line, e.Column));
    }

    [Fact]
    public void Antlr_prints_nothing_on_errors()
    {
        var original = Console.Error;
        var originalOut = Console.Out;
        using var err = new StringWriter();
        using var @out = new StringWriter();
        Console.SetError(err);
        Console.SetOut(@out);
        try
        {
            Assert.ThrowsAny<AdqlException>(() => AdqlParser.Parse("SELECT ( FROM"));
            Assert.ThrowsAny<AdqlException>(() => AdqlParser.Parse("SELECT a FROM t WHERE a = 'x"));
        }
        finally
        {
            Console.SetError(original);
            Console.SetOut(originalOut);
        }
        Assert.Equal("", err.ToString());
        Assert.Equal("", @out.ToString());
    }

    [Fact]
    public void The_generated_parser_matches_the_grammar()
    {
        var grammar = File.ReadAllBytes(Path.Combine(TestPaths.RepoRoot, "grammars", "Adql.g4"));
        var hash = Convert.ToHexStringLower(SHA256.HashData(grammar));
        Assert.True(hash == Parsing.Generated.GrammarHash.Sha256,
            "grammars/Adql.g4 changed since the parser was generated: run grammars/regenerate.sh and commit src/VoSpec.Adql/Parsing/Generated/");
    }
}
