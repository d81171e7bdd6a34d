using VoSpec.Core.Faults;
using VoSpec.Server.SpecService;
using Xunit;

namespace VoSpec.Server.Tests.SpecService;

public class SpecConditionTests
{
    private static readonly IReadOnlyList<SpecContext> Contexts =
    [
        new("default", null, "spec.specobj", "all", 0, null, null, null, null),
        new("demo", "demo", "demo.specobj", "demo", 0, null, null, null, null),
    ];

    private static string Sql(string cond, string catalog = "demo.specobj", string fields = "specobjid") =>
        VoSpec.Adql.Translator.SqliteTranslator.Translate(
            SpecQuery.Parse(SpecParameters.From([new("cond", cond), new("catalog", catalog), new("fields", fields)]), Contexts).Statement, SpecQuery.Metadata).Sql;

    [Theory]
    [InlineData("q3c_radial_query(ra, dec, 10.5, -5.25, 1e-2)")]
    [InlineData("q3c_radial_query(ra,dec,359.9,+89.5,0.5) AND z BETWEEN 0.1 AND 0.2 ORDER BY z LIMIT 10")]
    [InlineData("q3c_poly_query(ra,dec,ARRAY[(10.0, -1.0), (11.0, -1.0), (11.0, 0.5)])")]
    [InlineData("q3c_poly_query(ra, dec, ARRAY[10, -1, 11, -1, 11, 0.5]) AND class = 'GALAXY'")]
    public void Q3c_calls_go_through_the_spatial_index(string cond)
    {
        var sql = Sql(cond);
        Assert.Contains("spatial_idx", sql);
        Assert.Contains("'demo'", sql);
    }

    [Fact]
    public void Limit_becomes_top_and_offset_stays()
    {
        var sql = Sql("z > 0.1 ORDER BY z DESC LIMIT 5 OFFSET 2", "spec.specobj");
        Assert.Contains("LIMIT 5 OFFSET 2", sql);
        Assert.DoesNotContain("'demo'", sql);
    }

    [Fact]
    public void Strings_are_reemitted_from_their_value_never_as_text()
    {
        var sql = Sql("class = 'it''s'' OR 1=1 --'");
        Assert.Contains("'it''s'' OR 1=1 --'", sql);
    }

    [Theory]
    [InlineData("z > 0 LIMIT 1 LIMIT 2")]
    [InlineData("ORDER z")]
    [InlineData("z > 1e")]
    [InlineData("z @ 1")]
    [InlineData("'unterminated")]
    public void Malformed_conditions_are_user_errors(string cond) =>
        Assert.ThrowsAny<UserInputException>(() => Sql(cond));
}
