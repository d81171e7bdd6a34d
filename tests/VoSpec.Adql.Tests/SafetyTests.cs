using VoSpec.Adql.Db;
using Xunit;

namespace VoSpec.Adql.Tests;

/// <summary>Nothing in ADQL reaches SQLite except read-only SELECTs over declared tables and columns.</summary>
[Collection(ArchiveCollection.Name)]
public sealed class SafetyTests(ArchiveFixture db)
{
    [Theory]
    [InlineData("SELECT * FROM ivoa.obscore; DROP TABLE specobj")]
    [InlineData("SELECT * FROM ivoa.obscore;")]
    [InlineData("PRAGMA writable_schema = 1")]
    [InlineData("ATTACH DATABASE '/tmp/x' AS x")]
    [InlineData("DELETE FROM ivoa.obscore")]
    [InlineData("INSERT INTO spec.specobj VALUES (1)")]
    [InlineData("UPDATE spec.specobj SET z = 0")]
    [InlineData("SELECT * FROM ivoa.obscore /* comment */")]
    [InlineData("SELECT z FROM spec.specobj WHERE z = 1 -- ok\n; DROP TABLE specobj")]
    [InlineData("SELECT `z` FROM spec.specobj")]
    [InlineData("SELECT [z] FROM spec.specobj")]
    [InlineData("SELECT z FROM spec.specobj WHERE z = $1")]
    [InlineData("SELECT z FROM spec.specobj WHERE z = ?")]
    [InlineData("SELECT z FROM spec.specobj\0; DROP TABLE specobj")]
    public void Statements_other_than_one_select_are_syntax_errors(string adql)
    {
        Assert.ThrowsAny<AdqlException>(() => AdqlParser.Parse(adql));
    }

    [Theory]
    [InlineData("SELECT * FROM sqlite_master")]
    [InlineData("SELECT * FROM \"sqlite_master\"")]
    [InlineData("SELECT * FROM main.sqlite_master")]
    [InlineData("SELECT name FROM sqlite_schema")]
    [InlineData("SELECT * FROM temp.sqlite_temp_master")]
    [InlineData("SELECT * FROM spatial_idx")]
    [InlineData("SELECT * FROM archive_meta")]
    [InlineData("SELECT * FROM spectrum_store")]
    [InlineData("SELECT * FROM collections")]
    [InlineData("SELECT * FROM ivoa_obscore")]
    [InlineData("SELECT * FROM \"ivoa_obscore\"")]
    [InlineData("SELECT spec_id FROM ivoa.obscore")]
    [InlineData("SELECT \"spec_id\" FROM spec.specobj")]
    [InlineData("SELECT o.spec_id FROM ivoa.obscore AS o")]
    [InlineData("SELECT obs_id FROM ivoa.obscore WHERE spec_id IN (SELECT spec_id FROM spatial_idx)")]
    [InlineData("SELECT rowid FROM spec.specobj")]
    [InlineData("SELECT oid, _rowid_ FROM spec.specobj")]
    [InlineData("SELECT load_extension('x') FROM spec.specobj")]
    [InlineData("SELECT sqlite_version() FROM spec.specobj")]
    [InlineData("SELECT adql_point(1, 2) FROM spec.specobj")]
    [InlineData("SELECT z FROM spec.specobj AS s, cat.sch.tab")]
    public void Undeclared_or_internal_tables_columns_and_functions_do_not_resolve(string adql)
    {
        var e = Assert.ThrowsAny<AdqlException>(() => db.Translate(adql));
        Assert.True(e.Line >= 1, e.Message);
    }

    [Fact]
    public void Quotes_in_literals_and_names_cannot_break_out()
    {
        Assert.Empty(db.Run("SELECT z FROM spec.specobj WHERE class = 'x''; DROP TABLE specobj; --'"));
        Assert.Empty(db.Run("SELECT z FROM spec.specobj WHERE class = '\"); DROP TABLE specobj; --'"));
        var q = db.Translate("SELECT TOP 1 z AS \"a\"\" FROM specobj; DROP TABLE specobj; --\" FROM spec.specobj");
        Assert.Equal("a\" FROM specobj; DROP TABLE specobj; --", q.Columns[0].Name);
        Assert.Single(db.Run(q));
        var aliased = db.Translate("SELECT TOP 1 \"sqlite_master\".z FROM spec.specobj AS \"sqlite_master\"");
        Assert.DoesNotContain("sqlite_master", aliased.Sql);
        Assert.Single(db.Run(aliased));
        Assert.Equal(300L, db.Sql("SELECT COUNT(*) FROM specobj")[0][0]);
    }

    [Fact]
    public void Translated_sql_names_only_declared_tables_generated_aliases_and_our_functions()
    {
        var q = db.Translate("""
            WITH c AS (SELECT class AS k FROM spec.specobj)
            SELECT o.obs_id, LOWER(c.k) FROM ivoa.obscore AS Evil JOIN spec.specobj AS s ON s.ra = Evil.s_ra, c AS o2, ivoa.obscore AS o
            WHERE CONTAINS(POINT(o.s_ra, o.s_dec), CIRCLE(10, 10, 1)) = 1 AND o2.k = c.k
            """.Replace("LOWER(c.k)", "LOWER(o2.k)").Replace(" AND o2.k = c.k", ""));
        Assert.DoesNotContain("Evil", q.Sql);
        Assert.DoesNotContain("o2", q.Sql);
        Assert.StartsWith("WITH cte1(c1) AS (SELECT ", q.Sql);
        Assert.Contains("FROM \"ivoa_obscore\" AS t", q.Sql);
        db.Run(q);
    }

    [Fact]
    public void Literals_are_re_emitted_from_their_values()
    {
        var q = db.Translate("SELECT TOP 1 0x7FFFFFFFFFFFFFFF, 00012, 1.50E+001, 99999999999999999999 FROM spec.specobj");
        foreach (var emitted in new[] { "SELECT 9223372036854775807 AS", ", 12 AS", ", 15.0 AS", ", 1E+20 AS" }) Assert.Contains(emitted, q.Sql);
        Assert.Equal([long.MaxValue, 12L, 15.0, 1e20], Assert.Single(db.Run(q)));
    }

    [Fact]
    public void Queries_run_on_a_read_only_connection()
    {
        using var conn = db.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "CREATE TABLE x(a)";
        Assert.ThrowsAny<Exception>(() => cmd.ExecuteNonQuery());
    }
}
