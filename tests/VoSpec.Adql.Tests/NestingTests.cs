using System.Text;
using VoSpec.Adql;
using VoSpec.Adql.Query;
using Xunit;

namespace VoSpec.Adql.Tests;

/// <summary>
/// Queries nested or chained far beyond any real use (thousands of parentheses, ten thousand `+` terms)
/// once overflowed the stack and ended the whole server process. Each form must now end in an
/// AdqlException that names the limit, at every stage (parse, check, translate, print, execute), and
/// forms just inside the limit must still run.
/// </summary>
[Collection(ArchiveCollection.Name)]
public sealed class NestingTests(ArchiveFixture db)
{
    private static string Repeat(string s, int n) => new StringBuilder(s.Length * n).Insert(0, s, n).ToString();

    /// <summary>The extreme forms: each one far beyond <see cref="AdqlParser.MaxNesting"/>.</summary>
    public static TheoryData<string, string> Extremes() => new()
    {
        { "parentheses", "SELECT " + Repeat("(", 5000) + "1" + Repeat(")", 5000) + " FROM ivoa.obscore" },
        { "parenthesised conditions", "SELECT z FROM spec.specobj WHERE " + Repeat("(", 5000) + "z > 0" + Repeat(")", 5000) },
        { "plus chain", "SELECT " + string.Join(" + ", Enumerable.Repeat("z", 10_000)) + " FROM spec.specobj" },
        { "concatenation chain", "SELECT " + string.Join(" || ", Enumerable.Repeat("class", 10_000)) + " FROM spec.specobj" },
        { "unary minus chain", "SELECT " + Repeat("- ", 10_000) + "z FROM spec.specobj" },
        { "NOT chain", "SELECT z FROM spec.specobj WHERE " + Repeat("NOT ", 10_000) + "z > 0" },
        { "OR chain", "SELECT z FROM spec.specobj WHERE " + string.Join(" OR ", Enumerable.Range(0, 10_000).Select(i => $"z = {i}")) },
        { "AND chain", "SELECT z FROM spec.specobj WHERE " + string.Join(" AND ", Enumerable.Range(0, 10_000).Select(i => $"z <> {i}")) },
        { "function calls", "SELECT " + Repeat("ABS(", 5000) + "z" + Repeat(")", 5000) + " FROM spec.specobj" },
        { "CASE in CASE", "SELECT " + Repeat("CASE WHEN z > 0 THEN ", 5000) + "z" + Repeat(" END", 5000) + " FROM spec.specobj" },
        { "derived tables", "SELECT * FROM " + Repeat("(SELECT * FROM ", 3000) + "spec.specobj" + Repeat(") AS t", 3000) },
        { "IN sub-queries", "SELECT z FROM spec.specobj WHERE " + Repeat("z IN (SELECT z FROM spec.specobj WHERE ", 3000) + "z > 0" + Repeat(")", 3000) },
        { "UNION chain", string.Join(" UNION ", Enumerable.Repeat("SELECT z FROM spec.specobj", 5000)) },
        { "INTERSECT chain", string.Join(" INTERSECT ", Enumerable.Repeat("SELECT z FROM spec.specobj", 5000)) },
        { "parenthesised set operations", Repeat("(", 5000) + "SELECT z FROM spec.specobj" + Repeat(")", 5000) },
        { "join chain", "SELECT a0.z FROM spec.specobj AS a0" + string.Concat(Enumerable.Range(1, 5000).Select(i => $" JOIN spec.specobj AS a{i} USING (specobjid)")) },
        { "parenthesised joins", "SELECT z FROM " + Repeat("(", 5000) + "spec.specobj" + Repeat(")", 5000) },
    };

    [Theory]
    [MemberData(nameof(Extremes))]
    public void Extreme_forms_are_refused_with_the_limit_named(string form, string adql)
    {
        var e = Assert.ThrowsAny<AdqlException>(() => db.Translate(adql));
        Assert.Contains("nested too deeply", e.Message);
        Assert.True(e.Line >= 1, form + ": " + e.Message);
    }

    [Fact]
    public void Forms_inside_the_limit_parse_check_translate_print_and_run()
    {
        string[] ok =
        [
            "SELECT TOP 1 " + Repeat("(", 200) + "z" + Repeat(")", 200) + " FROM spec.specobj",
            "SELECT TOP 1 " + string.Join(" + ", Enumerable.Repeat("z", 900)) + " FROM spec.specobj",
            "SELECT TOP 1 z FROM spec.specobj WHERE " + string.Join(" OR ", Enumerable.Range(0, 900).Select(i => $"z <> {i}")),
            "SELECT TOP 1 z FROM spec.specobj WHERE " + Repeat("NOT ", 500) + "z > -1",
            "SELECT TOP 1 * FROM " + Repeat("(SELECT * FROM ", 50) + "spec.specobj" + Repeat(") AS t", 50),
            "SELECT TOP 1 " + Repeat("ABS(", 200) + "z" + Repeat(")", 200) + " FROM spec.specobj",
        ];
        foreach (var adql in ok)
        {
            var parsed = AdqlParser.Parse(adql);
            Assert.Equal(parsed, AdqlParser.Parse(AdqlPrinter.Print(parsed)));
            Assert.Single(db.Run(adql));
        }
    }

    private static string CteChain(int n) =>
        "WITH " + string.Join(", ", Enumerable.Range(0, n).Select(i => i == 0 ? "c0 AS (SELECT z FROM spec.specobj)" : $"c{i} AS (SELECT z FROM c{i - 1})")) + $" SELECT TOP 1 z FROM c{n - 1}";

    [Fact]
    public void A_chain_of_common_table_expressions_runs_up_to_the_limit_and_no_further()
    {
        // Wide in the text, deep in the plan: each CTE reads the one before it; 25,000 of them once kept a core busy for minutes.
        Assert.Single(db.Run(CteChain(AdqlParser.MaxWithQueries)));
        var e = Assert.ThrowsAny<AdqlException>(() => AdqlParser.Parse(CteChain(25_000)));
        Assert.Contains("too many common table expressions", e.Message);
    }

    [Fact]
    public void A_thread_with_a_small_stack_gets_the_error_not_a_crash()
    {
        // 900 chained terms pass the depth limit; on a 256 KiB stack the walkers' own check must stop them.
        string adql = "SELECT " + string.Join(" + ", Enumerable.Repeat("z", 900)) + " FROM spec.specobj";
        Exception? caught = null;
        var thread = new Thread(() =>
        {
            try { db.Translate(adql); }
            catch (Exception e) { caught = e; }
        }, maxStackSize: 256 * 1024);
        thread.Start();
        thread.Join();
        var e = Assert.IsAssignableFrom<AdqlException>(caught);
        Assert.Contains("nested too deeply", e.Message);
    }

    [Fact]
    public void A_flood_of_parentheses_is_refused_by_the_parser()
    {
        // 200,000 parentheses: the parser stops at its limit instead of descending into them.
        string adql = "SELECT " + Repeat("(", 200_000) + "1" + Repeat(")", 200_000) + " FROM ivoa.obscore";
        var e = Assert.ThrowsAny<AdqlException>(() => AdqlParser.Parse(adql));
        Assert.Contains("nested too deeply", e.Message);
    }
}
