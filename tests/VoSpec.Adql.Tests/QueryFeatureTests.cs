using VoSpec.Adql.Db;
using VoSpec.Core.Schema;
using Xunit;

namespace VoSpec.Adql.Tests;

/// <summary>Each ADQL feature parsed, translated and run on a real demo archive.</summary>
[Collection(ArchiveCollection.Name)]
public sealed class QueryFeatureTests(ArchiveFixture db)
{
    private static long L(object? o) => Convert.ToInt64(o);
    private static double D(object? o) => Convert.ToDouble(o);

    [Fact]
    public void Star_lists_the_public_columns_in_declared_order_without_internal_ones()
    {
        var q = db.Translate("SELECT * FROM ivoa.obscore");
        Assert.Equal(SchemaCatalog.ObsCore.PublicColumns.Select(c => c.Name), q.Columns.Select(c => c.Name));
        Assert.DoesNotContain(q.Columns, c => c.Name == "spec_id");
        var rows = db.Run(q);
        Assert.Equal(300, rows.Count);
        Assert.Equal(q.Columns.Count, rows[0].Length);
    }

    [Fact]
    public void Plain_column_references_carry_their_declared_metadata()
    {
        var q = db.Translate("SELECT o.s_ra AS ra, s_region, z FROM ivoa.obscore AS o JOIN spec.specobj AS s ON s.ra = o.s_ra AND s.dec = o.s_dec");
        Assert.Equal(["ra", "s_region", "z"], q.Columns.Select(c => c.Name));
        Assert.Equal("deg", q.Columns[0].Unit);
        Assert.Equal("pos.eq.ra", q.Columns[0].Ucd);
        Assert.Equal("double", q.Columns[0].Datatype);
        Assert.Equal("adql:REGION", q.Columns[1].Xtype);
        Assert.Equal("src.redshift", q.Columns[2].Ucd);
        Assert.Equal(300, db.Run(q).Count);
    }

    [Fact]
    public void Unnamed_expressions_get_unique_non_reserved_names_and_aliases_are_kept()
    {
        var q = db.Translate("SELECT COUNT(*), COUNT(*) AS nrow, MAX(z), z + 1, z * 2, LOWER(class) FROM spec.specobj GROUP BY z, class");
        var names = q.Columns.Select(c => c.Name).ToList();
        Assert.Equal("nrow", names[1]);
        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(names, n => Assert.DoesNotContain(n, AdqlChecker.ReservedWords));
        Assert.All(names, n => Assert.Matches("^[A-Za-z][A-Za-z0-9_]*$", n));
        Assert.Equal("long", q.Columns[0].Datatype);
        Assert.Equal("double", q.Columns[3].Datatype);
        Assert.Equal(1L, L(Assert.Single(db.Run("SELECT COUNT(*) AS nrow FROM TAP_SCHEMA.schemas WHERE schema_name = 'ivoa'"))[0]));
    }

    [Fact]
    public void Top_limits_rows_and_top_zero_gives_none()
    {
        var q = db.Translate("SELECT TOP 7 obs_id FROM ivoa.obscore");
        Assert.Equal(7, q.Top);
        Assert.Equal(7, db.Run(q).Count);
        Assert.Empty(db.Run("SELECT TOP 0 obs_id FROM ivoa.obscore"));
    }

    [Fact]
    public void Distinct_removes_duplicates()
    {
        var classes = db.Run("SELECT DISTINCT class FROM spec.specobj").Select(r => (string)r[0]!).ToList();
        Assert.Equal(classes.Count, classes.Distinct().Count());
        Assert.Equal(db.Sql("SELECT COUNT(DISTINCT class) FROM specobj")[0][0], (long)classes.Count);
    }

    [Fact]
    public void Where_with_comparisons_between_and_in()
    {
        var expected = db.Sql("SELECT COUNT(*) FROM specobj WHERE z BETWEEN 0.1 AND 0.5 AND class IN ('GALAXY','QSO') AND fiberid <> 3")[0][0];
        Assert.Equal(expected, db.Scalar("SELECT COUNT(*) FROM spec.specobj WHERE z BETWEEN 0.1 AND 0.5 AND class IN ('GALAXY', 'QSO') AND fiberid != 3"));
        var notIn = db.Sql("SELECT COUNT(*) FROM specobj WHERE NOT (z BETWEEN 0.1 AND 0.5) AND class NOT IN ('STAR')")[0][0];
        Assert.Equal(notIn, db.Scalar("SELECT COUNT(*) FROM spec.specobj WHERE z NOT BETWEEN 0.1 AND 0.5 AND class NOT IN ('STAR')"));
    }

    [Fact]
    public void Order_by_name_alias_position_and_direction_then_offset()
    {
        var all = db.Run("SELECT specobjid, z AS redshift FROM spec.specobj ORDER BY redshift DESC, 1");
        var zs = all.Select(r => r[1] is null ? double.NegativeInfinity : D(r[1])).ToList();
        Assert.Equal(zs.OrderByDescending(z => z).ToList(), zs);
        var byPosition = db.Run("SELECT specobjid, z FROM spec.specobj ORDER BY 2 DESC, specobjid");
        Assert.Equal(all.Select(r => r[0]), byPosition.Select(r => r[0]));
        var page = db.Run("SELECT TOP 5 specobjid, z FROM spec.specobj ORDER BY z DESC, specobjid OFFSET 10");
        Assert.Equal(all.Skip(10).Take(5).Select(r => r[0]), page.Select(r => r[0]));
        Assert.Equal(290, db.Run("SELECT specobjid FROM spec.specobj ORDER BY specobjid OFFSET 10").Count);
    }

    [Fact]
    public void Group_by_having_and_aggregates()
    {
        var expected = db.Sql("SELECT class, COUNT(*), AVG(z), MIN(z), MAX(z), SUM(fiberid), COUNT(DISTINCT plate) FROM specobj GROUP BY class HAVING COUNT(*) > 1 ORDER BY class");
        var rows = db.Run("SELECT class, COUNT(*) AS n, AVG(z), MIN(z), MAX(z), SUM(fiberid), COUNT(DISTINCT plate) FROM spec.specobj GROUP BY class HAVING COUNT(*) > 1 ORDER BY class");
        Assert.Equal(expected.Count, rows.Count);
        for (int i = 0; i < rows.Count; i++) Assert.Equal(expected[i], rows[i]);
        Assert.NotEmpty(rows);
    }

    [Fact]
    public void Inner_join_on_and_comma_join_agree()
    {
        long a = L(db.Scalar("SELECT COUNT(*) FROM ivoa.obscore AS o INNER JOIN spec.specobj AS s ON o.s_ra = s.ra AND o.s_dec = s.dec"));
        long b = L(db.Scalar("SELECT COUNT(*) FROM ivoa.obscore o, spec.specobj s WHERE o.s_ra = s.ra AND o.s_dec = s.dec"));
        Assert.Equal(300, a);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Left_and_right_joins_keep_unmatched_rows()
    {
        const string Small = "(SELECT TOP 10 specobjid, ra FROM spec.specobj ORDER BY specobjid) AS s";
        Assert.Equal(300L, L(db.Scalar($"SELECT COUNT(*) FROM ivoa.obscore AS o LEFT OUTER JOIN {Small} ON o.s_ra = s.ra")));
        Assert.Equal(10L, L(db.Scalar($"SELECT COUNT(o.s_ra) FROM ivoa.obscore AS o LEFT JOIN {Small} ON o.s_ra = s.ra WHERE s.specobjid IS NOT NULL")));
        var right = db.Run($"SELECT o.obs_id, s.specobjid FROM {Small} RIGHT JOIN ivoa.obscore AS o ON o.s_ra = s.ra");
        Assert.Equal(300, right.Count);
        Assert.Equal(10, right.Count(r => r[1] is not null));
        Assert.Equal(2, right[0].Length);
    }

    [Fact]
    public void Full_outer_join_is_refused_clearly_when_sqlite_lacks_it_or_runs()
    {
        const string Q = "SELECT COUNT(*) FROM (SELECT TOP 10 ra FROM spec.specobj ORDER BY ra) AS a FULL OUTER JOIN (SELECT TOP 10 ra FROM spec.specobj ORDER BY ra DESC) AS b ON a.ra = b.ra";
        if (Translator.SqliteAdqlFunctions.SqliteVersion < new Version(3, 39))
        {
            var e = Assert.Throws<AdqlUnsupportedException>(() => db.Translate(Q));
            Assert.Contains("FULL OUTER JOIN", e.Message);
            Assert.Equal(1, e.Line);
        }
        else Assert.Equal(20L, L(db.Scalar(Q)));
    }

    [Fact]
    public void Using_and_natural_joins_merge_the_shared_columns()
    {
        const string A = "(SELECT specobjid, plate AS p, z FROM spec.specobj) AS a";
        const string B = "(SELECT specobjid, fiberid FROM spec.specobj) AS b";
        var q = db.Translate($"SELECT * FROM {A} JOIN {B} USING (specobjid)");
        Assert.Equal(["specobjid", "p", "z", "fiberid"], q.Columns.Select(c => c.Name));
        Assert.Equal(300, db.Run(q).Count);
        var n = db.Translate($"SELECT specobjid, fiberid FROM {A} NATURAL JOIN {B}");
        Assert.Equal(300, db.Run(n).Count);
        Assert.Equal(300L * 300, L(db.Scalar("SELECT COUNT(*) FROM ivoa.obscore CROSS JOIN spec.specobj")));
    }

    [Fact]
    public void Derived_tables_ctes_and_subqueries()
    {
        long galaxies = L(db.Sql("SELECT COUNT(*) FROM specobj WHERE class = 'GALAXY'")[0][0]);
        Assert.Equal(galaxies, L(db.Scalar("SELECT COUNT(*) FROM (SELECT specobjid AS id, class AS c FROM spec.specobj) AS d WHERE d.c = 'GALAXY'")));
        Assert.Equal(galaxies, L(db.Scalar("WITH g AS (SELECT specobjid FROM spec.specobj WHERE class = 'GALAXY') SELECT COUNT(*) FROM g")));
        Assert.Equal(galaxies, L(db.Scalar("WITH g(id, k) AS (SELECT specobjid, class FROM spec.specobj), h AS (SELECT id FROM g WHERE k = 'GALAXY') SELECT COUNT(*) FROM h JOIN g ON h.id = g.id")));
        Assert.Equal(galaxies, L(db.Scalar("SELECT COUNT(*) FROM spec.specobj WHERE specobjid IN (SELECT specobjid FROM spec.specobj WHERE class = 'GALAXY')")));
        Assert.Equal(galaxies, L(db.Scalar("SELECT COUNT(*) FROM spec.specobj AS s WHERE EXISTS (SELECT 1 FROM spec.specobj AS t WHERE t.specobjid = s.specobjid AND t.class = 'GALAXY')")));
        var zmax = db.Sql("SELECT MAX(z) FROM specobj")[0][0];
        Assert.Equal(zmax, Assert.Single(db.Run("SELECT specobjid, z FROM spec.specobj WHERE z = (SELECT MAX(z) FROM spec.specobj)"))[1]);
    }

    [Fact]
    public void Except_all_and_intersect_all_keep_multiplicities()
    {
        long total = L(db.Sql("SELECT COUNT(*) FROM specobj")[0][0]);
        long stars = L(db.Sql("SELECT COUNT(*) FROM specobj WHERE class = 'STAR'")[0][0]);
        long qsos = L(db.Sql("SELECT COUNT(*) FROM specobj WHERE class = 'QSO'")[0][0]);
        Assert.True(stars > 1 && qsos > 1);
        var except = db.Run("SELECT class FROM spec.specobj EXCEPT ALL SELECT class FROM spec.specobj WHERE class = 'STAR'");
        Assert.Equal(total - stars, except.Count);
        Assert.DoesNotContain(except, r => (string?)r[0] == "STAR");
        // Removing one copy of each star leaves stars - 1 of them.
        var once = db.Run("SELECT class FROM spec.specobj WHERE class = 'STAR' EXCEPT ALL SELECT 'STAR' FROM spec.specobj WHERE specobjid = (SELECT MIN(specobjid) FROM spec.specobj)");
        Assert.Equal(stars - 1, once.Count);
        var intersect = db.Translate("SELECT class FROM spec.specobj INTERSECT ALL SELECT class FROM spec.specobj WHERE class = 'QSO' ORDER BY 1");
        Assert.Equal("class", intersect.Columns[0].Name);
        Assert.Equal(qsos, db.Run(intersect).Count);
        Assert.Equal(qsos, L(db.Scalar("SELECT COUNT(*) FROM (SELECT class FROM spec.specobj INTERSECT ALL SELECT class FROM spec.specobj WHERE class = 'QSO') AS d")));
    }

    [Fact]
    public void Union_except_intersect_with_all_and_order()
    {
        Assert.Equal(600, db.Run("SELECT class FROM spec.specobj UNION ALL SELECT target_class FROM ivoa.obscore").Count);
        var union = db.Run("SELECT class FROM spec.specobj UNION SELECT 'NONE' FROM ivoa.obscore ORDER BY 1");
        var distinct = db.Sql("SELECT DISTINCT class FROM specobj").Count;
        Assert.Equal(distinct + 1, union.Count);
        Assert.Equal(union.Select(r => (string)r[0]!).Order(StringComparer.Ordinal), union.Select(r => (string)r[0]!));
        Assert.Equal(distinct - 1, db.Run("SELECT class FROM spec.specobj EXCEPT SELECT class FROM spec.specobj WHERE class = 'STAR'").Count);
        Assert.Single(db.Run("SELECT class FROM spec.specobj INTERSECT SELECT class FROM spec.specobj WHERE class = 'QSO'"));
        // INTERSECT first: A UNION (B INTERSECT C).
        Assert.Equal(2, db.Run("SELECT 'x' AS v FROM spec.specobj UNION SELECT class FROM spec.specobj WHERE class = 'QSO' INTERSECT SELECT 'QSO' FROM ivoa.obscore").Count);
        var q = db.Translate("(SELECT TOP 2 specobjid FROM spec.specobj ORDER BY specobjid) UNION (SELECT TOP 3 specobjid FROM spec.specobj ORDER BY specobjid DESC) ORDER BY 1");
        Assert.Equal(5, db.Run(q).Count);
    }

    [Fact]
    public void Like_is_case_sensitive_and_ilike_is_not()
    {
        long galaxies = L(db.Sql("SELECT COUNT(*) FROM specobj WHERE class = 'GALAXY'")[0][0]);
        Assert.Equal(galaxies, L(db.Scalar("SELECT COUNT(*) FROM spec.specobj WHERE class LIKE 'GAL%'")));
        Assert.Equal(0L, L(db.Scalar("SELECT COUNT(*) FROM spec.specobj WHERE class LIKE 'gal%'")));
        Assert.Equal(galaxies, L(db.Scalar("SELECT COUNT(*) FROM spec.specobj WHERE class ILIKE 'gal_xy'")));
        Assert.Equal(300 - galaxies, L(db.Scalar("SELECT COUNT(*) FROM spec.specobj WHERE class NOT LIKE 'G%'")));
        Assert.Equal(0L, L(db.Scalar("SELECT COUNT(*) FROM spec.specobj WHERE class LIKE '*'")));
        Assert.Equal(galaxies, L(db.Scalar("SELECT COUNT(*) FROM spec.specobj WHERE class LIKE UPPER('gal') || '%'")));
    }

    [Fact]
    public void String_functions_and_concatenation()
    {
        var row = Assert.Single(db.Run("SELECT TOP 1 LOWER('AbC'), UPPER('AbC'), 'a' || 'b' || 'c', class || '-' || collection FROM spec.specobj WHERE class = 'STAR'"));
        Assert.Equal(["abc", "ABC", "abc", "STAR-demo"], row);
    }

    [Fact]
    public void Null_tests()
    {
        var expected = db.Sql("SELECT COUNT(*) FROM ivoa_obscore WHERE obs_creator_did IS NULL")[0][0];
        Assert.Equal(expected, db.Scalar("SELECT COUNT(*) FROM ivoa.obscore WHERE obs_creator_did IS NULL"));
        Assert.Equal(300L - L(expected), L(db.Scalar("SELECT COUNT(*) FROM ivoa.obscore WHERE obs_creator_did IS NOT NULL")));
        Assert.Null(Assert.Single(db.Run("SELECT TOP 1 NULL FROM ivoa.obscore"))[0]);
    }

    [Fact]
    public void Case_and_coalesce()
    {
        var rows = db.Run("SELECT class, CASE class WHEN 'STAR' THEN 1 WHEN 'QSO' THEN 2 ELSE 0 END AS k, CASE WHEN z > 1 THEN 'far' ELSE 'near' END FROM spec.specobj");
        Assert.All(rows, r => Assert.Equal(r[0] switch { "STAR" => 1L, "QSO" => 2L, _ => 0L }, r[1]));
        Assert.All(rows, r => Assert.Contains((string)r[2]!, new[] { "far", "near" }));
        var c = Assert.Single(db.Run("SELECT TOP 1 COALESCE(NULL, NULL, 3), COALESCE(obs_creator_did, 'none'), COALESCE(5) FROM ivoa.obscore"));
        Assert.Equal(3L, c[0]);
        Assert.Equal(5L, c[2]);
    }

    [Fact]
    public void Cast_to_each_target_type()
    {
        var q = db.Translate("SELECT TOP 1 CAST(2.7 AS INTEGER), CAST('12' AS SMALLINT), CAST(3 AS BIGINT), CAST(1 AS REAL), CAST(2 AS DOUBLE PRECISION), CAST(12345 AS CHAR(3)), CAST(1.5 AS VARCHAR), CAST('2020-01-02T03:04:05' AS TIMESTAMP), CAST('10 20' AS POINT) FROM ivoa.obscore");
        Assert.Equal(["int", "short", "long", "float", "double", "char", "char", "char", "double"], q.Columns.Select(c => c.Datatype));
        Assert.Equal("timestamp", q.Columns[7].Xtype);
        Assert.Equal("point", q.Columns[8].Xtype);
        var row = Assert.Single(db.Run(q));
        Assert.Equal([2L, 12L, 3L, 1.0, 2.0, "123", "1.5", "2020-01-02T03:04:05", "10 20"], row);
        var e = Assert.ThrowsAny<Exception>(() => db.Run("SELECT TOP 1 CAST(100000 AS SMALLINT) FROM ivoa.obscore"));
        Assert.Contains("16-bit", e.Message);
    }

    [Fact]
    public void Math_and_trig_functions()
    {
        var row = Assert.Single(db.Run("""
            SELECT TOP 1 ABS(-2), CEILING(1.2), DEGREES(PI()), EXP(1), FLOOR(-1.5), LOG(EXP(2)), LOG10(1000), MOD(7, 3),
                   PI(), POWER(2, 10), RADIANS(180), SQRT(16), ROUND(2.567, 2), ROUND(1234, -2), ROUND(2.5), TRUNCATE(2.567, 1), TRUNCATE(-2.5),
                   SIN(0), COS(0), TAN(0), ASIN(1), ACOS(1), ATAN(1), ATAN2(1, 1), COT(PI() / 4), RAND(), RAND(42)
            FROM ivoa.obscore
            """));
        double[] expected = [2, 2, 180, Math.E, -2, 2, 3, 1, Math.PI, 1024, Math.PI, 4, 2.57, 1200, 3, 2.5, -2, 0, 1, 0, Math.PI / 2, 0, Math.PI / 4, Math.PI / 4, 1];
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], D(row[i]), 9);
        Assert.InRange(D(row[25]), 0, 1);
        Assert.Null(Assert.Single(db.Run("SELECT TOP 1 SQRT(NULL) FROM ivoa.obscore"))[0]);
    }

    [Fact]
    public void Arithmetic_and_bitwise_operators()
    {
        var row = Assert.Single(db.Run("SELECT TOP 1 1 + 2 * 3, (1 + 2) * 3, 7 - -2, 7 / 2, 7.0 / 2, 0x0F & 6, 0x10 | 1, 6 ^ 3, ~0, -z + z FROM spec.specobj WHERE z IS NOT NULL"));
        Assert.Equal([7L, 9L, 9L, 3L, 3.5, 6L, 17L, 5L, -1L, 0.0], row);
    }

    [Fact]
    public void Tap_schema_is_queryable_with_delimited_reserved_names()
    {
        var rows = db.Run("SELECT column_name, \"size\", datatype FROM TAP_SCHEMA.columns WHERE table_name = 'ivoa.obscore' AND column_name = 's_ra'");
        var row = Assert.Single(rows);
        Assert.Equal("s_ra", row[0]);
        Assert.Equal("double", row[2]);
    }

    [Fact]
    public void Uploaded_tables_are_reachable_only_as_tap_upload()
    {
        using var conn = db.Open();
        using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = "CREATE TEMP TABLE upload_1(id INTEGER, ra REAL, pos TEXT); INSERT INTO upload_1 VALUES (1, 10.0, '10 20'), (2, 11.0, NULL)";
            cmd.ExecuteNonQuery();
        }
        var upload = TableMetadata.UploadTable("mine", "upload_1",
        [
            new ColumnSchema { Name = "id", Datatype = "long" },
            new ColumnSchema { Name = "ra", Datatype = "double", Unit = "deg" },
            new ColumnSchema { Name = "pos", Datatype = "double", Arraysize = "2", Xtype = "point" },
        ]);
        var meta = TableMetadata.Published.WithUploads([upload]);
        var q = db.Translate("SELECT u.id, u.ra, u.pos, COORD2(u.pos) FROM TAP_UPLOAD.mine AS u ORDER BY id", meta);
        Assert.Equal("deg", q.Columns[1].Unit);
        var rows = ArchiveFixture.Sql(conn, q.Sql);
        Assert.Equal([1L, 10.0, "10 20", 20.0], rows[0]);
        Assert.Equal([2L, 11.0, null, null], rows[1]);
        Assert.Throws<AdqlResolutionException>(() => db.Translate("SELECT id FROM mine", meta));
        Assert.Throws<AdqlResolutionException>(() => db.Translate("SELECT id FROM TAP_UPLOAD.mine"));
    }
}
