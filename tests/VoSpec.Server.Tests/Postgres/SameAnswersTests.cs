using System.Globalization;
using System.Text.RegularExpressions;
using VoSpec.Adql.Db;
using VoSpec.Adql.Translator;
using VoSpec.Archive;
using VoSpec.Archive.Ingest;
using VoSpec.Archive.Queries;
using VoSpec.Server.Tap;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Server.Tests.Postgres;

/// <summary>Two archives holding the same generated spectra: one on SQLite, one on PostgreSQL (pgSphere).</summary>
public sealed class TwoBackends : IDisposable
{
    private readonly TempDir _dir = TestPaths.NewTempDir("vospec-two");
    public SpectrumArchive Sqlite { get; }
    public SpectrumArchive Postgres { get; }
    public string Database { get; } = PostgresDatabases.NewDatabase();

    public TwoBackends()
    {
        Sqlite = SpectrumArchive.Open(Path.Combine(_dir.Path, "sqlite"));
        Postgres = SpectrumArchive.Open(Path.Combine(_dir.Path, "pg"), new ArchiveOptions { Database = Database });
        DemoCollection.Create(Sqlite, 300, 20260101);
        DemoCollection.Create(Postgres, 300, 20260101);
    }

    public void Dispose()
    {
        Sqlite.Dispose();
        Postgres.Dispose();
        _dir.Dispose();
    }
}

/// <summary>
/// The differential test of the PostgreSQL backend: a corpus of ADQL (the service's own /tap/examples, a query for
/// each feature the capabilities declare, and generated cone and range queries) runs on a SQLite and a PostgreSQL
/// archive holding the same ingested spectra, and the results are compared cell by cell — numbers within 1e-9
/// relative (1e-12 absolute: the two databases and pgSphere round trigonometry differently), text exactly, DALI
/// geometry number by number. Rows are compared as multisets unless the query orders them. Also: cones go through
/// the positions' Q3C index (EXPLAIN), footprints included, and the query role may read nothing but the published tables.
/// </summary>
public class SameAnswersTests(TwoBackends both) : IClassFixture<TwoBackends>
{
    public static IEnumerable<object[]> Corpus()
    {
        foreach (var x in TapExamples.All) yield return [x.Query];
        string[] features =
        [
            "SELECT obs_id, s_ra, s_dec, em_min, em_max, t_min, target_class FROM ivoa.obscore ORDER BY obs_id",
            "SELECT * FROM ivoa.obscore ORDER BY obs_publisher_did",
            "SELECT TOP 7 * FROM spec.specobj ORDER BY specobjid DESC",
            "SELECT obs_id FROM ivoa.obscore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', 155.5, 79, 1.5)) = 1",
            "SELECT obs_id FROM ivoa.obscore WHERE 1 = INTERSECTS(CIRCLE('ICRS', 155.5, 79, 1.5), POINT('ICRS', s_ra, s_dec))",
            // Cones the position index (Q3C) must not narrow: centres written past 360° or below 0°, around the pole, wide ones.
            "SELECT obs_id FROM ivoa.obscore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', -204.5, 79, 1.5)) = 1",
            "SELECT obs_id FROM ivoa.obscore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', 515.5, 79, 1.5)) = 1",
            "SELECT obs_id FROM ivoa.obscore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', 0, 90, 12)) = 1",
            "SELECT obs_id FROM ivoa.obscore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', 100, 40, 60)) = 1",
            "SELECT count(*) AS n FROM ivoa.obscore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', 155.5, 79, 90)) = 1",
            "SELECT obs_id FROM ivoa.obscore WHERE INTERSECTS(s_region, CIRCLE('ICRS', 155.5, 79, 1.5)) = 1",
            "SELECT obs_id, DISTANCE(POINT('ICRS', s_ra, s_dec), POINT('ICRS', 155.5, 79)) AS d FROM ivoa.obscore WHERE DISTANCE(POINT('ICRS', s_ra, s_dec), POINT('ICRS', 155.5, 79)) < 1 ORDER BY d",
            "SELECT obs_id FROM ivoa.obscore WHERE DISTANCE(s_ra, s_dec, 155.5, 79) <= 0.7",
            "SELECT obs_id FROM ivoa.obscore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), POLYGON('ICRS', 150, 75, 160, 75, 160, 82, 150, 82)) = 1",
            "SELECT obs_id FROM ivoa.obscore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), BOX('ICRS', 155, 79, 6, 3)) = 1",
            "SELECT TOP 3 POINT('ICRS', s_ra, s_dec) AS p, CIRCLE('ICRS', s_ra, s_dec, 0.5) AS c, COORD1(POINT('ICRS', s_ra, s_dec)) AS lon, COORD2(POINT('ICRS', s_ra, s_dec)) AS lat FROM ivoa.obscore ORDER BY obs_id",
            "SELECT TOP 1 AREA(CIRCLE('ICRS', 10, 20, 1)) AS a, AREA(POLYGON('ICRS', 10, 10, 11, 10, 11, 11)) AS b, POLYGON('ICRS', 10, 10, 11, 10, 11, 11) AS g, CENTROID(CIRCLE('ICRS', 10, 20, 1)) AS c FROM ivoa.obscore",
            "SELECT count(*) AS n, min(em_min) AS lo, max(em_max) AS hi, avg(s_dec) AS m, sum(em_xel) AS px FROM ivoa.obscore",
            "SELECT target_class, count(*) AS n, avg(em_res_power) AS r FROM ivoa.obscore GROUP BY target_class HAVING count(*) > 1 ORDER BY target_class",
            "SELECT class, count(*) AS n, max(z) AS z FROM spec.specobj GROUP BY class ORDER BY n DESC, class",
            "SELECT obs_id FROM ivoa.obscore WHERE obs_id LIKE '%-0001' UNION SELECT obs_id FROM ivoa.obscore WHERE obs_id LIKE '%-0002'",
            "SELECT plate FROM spec.specobj EXCEPT SELECT plate FROM spec.specobj WHERE z > 0.5",
            "SELECT plate FROM spec.specobj INTERSECT SELECT plate FROM spec.specobj WHERE class = 'QSO'",
            "SELECT plate FROM spec.specobj UNION ALL SELECT plate FROM spec.specobj WHERE class = 'STAR' EXCEPT ALL SELECT plate FROM spec.specobj WHERE z > 1",
            "SELECT plate FROM spec.specobj INTERSECT ALL SELECT plate FROM spec.specobj WHERE class = 'GALAXY'",
            "WITH q AS (SELECT specobjid, z FROM spec.specobj WHERE class = 'QSO') SELECT count(*) AS n, max(z) AS z FROM q",
            "SELECT specobjid FROM spec.specobj ORDER BY specobjid OFFSET 290",
            "SELECT TOP 5 specobjid FROM spec.specobj ORDER BY z DESC OFFSET 3",
            "SELECT obs_id FROM ivoa.obscore WHERE target_class ILIKE 'q%' ORDER BY obs_id",
            "SELECT obs_id FROM ivoa.obscore WHERE obs_id NOT LIKE '%1%' ORDER BY obs_id",
            "SELECT TOP 5 CAST(s_ra AS INTEGER) AS i, CAST(z AS REAL) AS r, CAST(plate AS CHAR(3)) AS c, CAST(z AS BIGINT) AS b FROM ivoa.obscore AS o JOIN spec.specobj AS s ON s.obs_id = o.obs_id ORDER BY o.obs_id",
            "SELECT TOP 5 IN_UNIT(em_min, 'Angstrom') AS a, IN_UNIT(em_max, 'nm') AS b FROM ivoa.obscore ORDER BY obs_id",
            "SELECT TOP 5 ABS(dec) a, CEILING(ra) b, FLOOR(ra) c, ROUND(ra, 3) d, TRUNCATE(ra, 2) e, SQRT(ra) f, LOG(ra) g, LOG10(ra) h, EXP(z) i, POWER(z, 2) j, MOD(plate, 7) k, PI() l, SIN(RADIANS(ra)) m, ATAN2(dec, ra) n, DEGREES(1) o FROM spec.specobj ORDER BY specobjid",
            "SELECT TOP 5 LOWER(class) AS l, UPPER(subclass) AS u, class || '/' || subclass AS cs, COALESCE(subclass, 'none') AS c FROM spec.specobj ORDER BY specobjid",
            "SELECT TOP 5 plate & 7 AS a, plate | 8 AS b, plate ^ 5 AS c, ~plate AS d FROM spec.specobj ORDER BY specobjid",
            "SELECT TOP 5 CASE WHEN z > 1 THEN 'far' WHEN z > 0.1 THEN 'mid' ELSE 'near' END AS k, z FROM spec.specobj ORDER BY specobjid",
            "SELECT obs_id FROM ivoa.obscore WHERE t_min BETWEEN 52000 AND 55000 AND em_min < 4e-7 ORDER BY obs_id",
            "SELECT specobjid FROM spec.specobj WHERE plate IN (4001, 7801) AND fiberid < 10 ORDER BY specobjid",
            "SELECT specobjid FROM spec.specobj AS s WHERE EXISTS (SELECT 1 FROM ivoa.obscore AS o WHERE o.obs_id = s.obs_id AND o.target_class = 'QSO') ORDER BY specobjid",
            "SELECT o.obs_id, s.z FROM ivoa.obscore AS o LEFT JOIN spec.specobj AS s ON s.obs_id = o.obs_id AND s.z > 1 ORDER BY o.obs_id",
            "SELECT o.obs_id, s.plate FROM ivoa.obscore AS o NATURAL JOIN spec.specobj AS s ORDER BY o.obs_id",
            "SELECT TOP 3 ivo_string_agg(obs_id, ',') AS ids FROM ivoa.obscore GROUP BY target_class ORDER BY ids",
            "SELECT count(*) AS n FROM ivoa.obscore WHERE ivo_interval_overlaps(em_min, em_max, 5e-7, 6e-7) = 1",
            "SELECT count(*) AS n FROM ivoa.obscore WHERE ivo_nocasematch(target_class, 'gal%') = 1",
            "SELECT count(*) AS n FROM ivoa.obscore WHERE ivo_hasword(obs_title, 'qso') = 1",
            "SELECT TOP 5 ivo_healpix_index(6, s_ra, s_dec) AS h FROM ivoa.obscore ORDER BY obs_id",
            "SELECT DISTINCT class FROM spec.specobj ORDER BY class",
            "SELECT table_name, column_name, datatype, unit, ucd FROM TAP_SCHEMA.columns ORDER BY table_name, column_index",
        ];
        foreach (var q in features) yield return [q];
        // Generated: cones of several radii around generated centres, and ranges of redshift and wavelength.
        var random = new Random(12);
        for (int i = 0; i < 12; i++)
        {
            double ra = 150 + random.NextDouble() * 12, dec = 75 + random.NextDouble() * 6, r = 0.05 + random.NextDouble() * 2, z = random.NextDouble();
            yield return [string.Create(CultureInfo.InvariantCulture,
                $"SELECT o.obs_id, o.s_ra FROM ivoa.obscore AS o JOIN spec.specobj AS s ON s.obs_id = o.obs_id WHERE CONTAINS(POINT('ICRS', o.s_ra, o.s_dec), CIRCLE('ICRS', {ra}, {dec}, {r})) = 1 AND s.z < {z}")];
        }
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task Both_backends_give_the_same_answer(string adql)
    {
        var (columnsA, rowsA) = await Run(both.Sqlite, adql);
        var (columnsB, rowsB) = await Run(both.Postgres, adql);
        Assert.Equal(columnsA, columnsB);
        Assert.Equal(rowsA.Count, rowsB.Count);
        bool ordered = Regex.IsMatch(adql, @"\bORDER\s+BY\b", RegexOptions.IgnoreCase) && !Regex.IsMatch(adql, @"\bUNION|EXCEPT|INTERSECT\b", RegexOptions.IgnoreCase);
        if (!ordered)
        {
            rowsA = rowsA.OrderBy(Key, StringComparer.Ordinal).ToList();
            rowsB = rowsB.OrderBy(Key, StringComparer.Ordinal).ToList();
        }
        for (int i = 0; i < rowsA.Count; i++)
            for (int c = 0; c < columnsA.Count; c++)
                Assert.True(Same(rowsA[i][c], rowsB[i][c]), $"row {i}, {columnsA[c]}: SQLite {rowsA[i][c]} vs PostgreSQL {rowsB[i][c]}\n{adql}");
    }

    [Fact]
    public async Task A_cone_that_meets_only_a_footprint_finds_its_row_on_both_backends()
    {
        // A circle of radius 0.2 ρ whose centre is 1.1 ρ from a spectrum's position (ρ: its footprint's radius, s_fov / 2)
        // meets the footprint but does not hold the position: PostgreSQL's index test must widen the cone by ρ to keep it.
        var (_, rows) = await Run(both.Sqlite, "SELECT TOP 1 obs_id, s_ra, s_dec, s_fov FROM ivoa.obscore WHERE s_fov > 0 AND s_dec < 80 ORDER BY obs_id");
        var (id, ra, dec, fov) = ((string)rows[0][0]!, Convert.ToDouble(rows[0][1]), Convert.ToDouble(rows[0][2]), Convert.ToDouble(rows[0][3]));
        double rho = fov / 2;
        string circle = string.Create(CultureInfo.InvariantCulture, $"CIRCLE('ICRS', {ra:R}, {dec + 1.1 * rho:R}, {0.2 * rho:R})");
        foreach (var archive in new[] { both.Sqlite, both.Postgres })
        {
            var (_, footprint) = await Run(archive, $"SELECT obs_id FROM ivoa.obscore WHERE INTERSECTS(s_region, {circle}) = 1");
            Assert.Contains(id, footprint.Select(r => (string)r[0]!));
            var (_, position) = await Run(archive, $"SELECT obs_id FROM ivoa.obscore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), {circle}) = 1");
            Assert.DoesNotContain(id, position.Select(r => (string)r[0]!));
        }
    }

    private static async Task<(List<string> Columns, List<object?[]> Rows)> Run(SpectrumArchive archive, string adql)
    {
        await using var q = await archive.Adql.PrepareAsync(new AdqlRequest { Text = adql }, default);
        var rows = new List<object?[]>();
        while (q.Reader.Read())
        {
            var row = new object?[q.Columns.Count];
            for (int i = 0; i < row.Length; i++) row[i] = q.Reader.IsDBNull(i) ? null : q.Reader.GetValue(i);
            rows.Add(row);
        }
        return (q.Columns.Select(c => c.Name).ToList(), rows);
    }

    /// <summary>A row's sort key with numbers rounded, so that both backends' rows sort alike.</summary>
    private static string Key(object?[] row) => string.Join("|", row.Select(v => v switch
    {
        null => "\u0000",
        double or float or decimal => Convert.ToDouble(v, CultureInfo.InvariantCulture).ToString("G8", CultureInfo.InvariantCulture),
        _ => Convert.ToString(v, CultureInfo.InvariantCulture),
    }));

    private static bool Same(object? a, object? b)
    {
        if (a is null || b is null) return a is null && b is null;
        if (IsNumber(a) && IsNumber(b)) return Close(Convert.ToDouble(a, CultureInfo.InvariantCulture), Convert.ToDouble(b, CultureInfo.InvariantCulture));
        string sa = Convert.ToString(a, CultureInfo.InvariantCulture)!, sb = Convert.ToString(b, CultureInfo.InvariantCulture)!;
        if (sa == sb) return true;
        // DALI geometry (and other number lists): number by number.
        var na = sa.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var nb = sb.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (na.Length != nb.Length || na.Length == 0) return false;
        for (int i = 0; i < na.Length; i++)
        {
            bool pa = double.TryParse(na[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var x);
            bool pb = double.TryParse(nb[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var y);
            if (pa != pb || (pa ? !Close(x, y) : na[i] != nb[i])) return false;
        }
        return true;
    }

    private static bool IsNumber(object v) => v is double or float or decimal or long or int or short or byte;

    private static bool Close(double x, double y) => x == y || Math.Abs(x - y) <= 1e-12 + 1e-9 * Math.Max(Math.Abs(x), Math.Abs(y));

    [Fact]
    public async Task Both_backends_keep_each_collections_classes_as_the_catalogue_counts_them()
    {
        var (_, counted) = await Run(both.Sqlite, "SELECT collection, class, count(*) AS n FROM spec.specobj WHERE class <> '' GROUP BY collection, class ORDER BY collection, n DESC, class");
        foreach (var archive in new[] { both.Sqlite, both.Postgres })
        {
            var kept = archive.Lookup.CollectionClasses().SelectMany(kv => kv.Value.Select(c => $"{kv.Key}|{c.Class}|{c.Count}")).ToList();
            Assert.Equal(counted.Select(r => $"{r[0]}|{r[1]}|{Convert.ToInt64(r[2], CultureInfo.InvariantCulture)}"), kept);
        }
    }

    /// <summary>
    /// Whole ObsCore rows come from the stored BINARY2 bytes on both backends, and the bytes are the same: PostgreSQL
    /// keeps what SQLite keeps, made by the same encoder (access_url with the public URL in front on both).
    /// </summary>
    [Theory]
    [InlineData("SELECT * FROM ivoa.obscore ORDER BY obs_publisher_did")]
    [InlineData("SELECT TOP 20 * FROM ivoa.obscore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', 155.5, 79, 3)) = 1 ORDER BY obs_id")]
    public async Task Both_backends_stream_the_same_stored_rows(string adql)
    {
        var a = await StoredRows(both.Sqlite, adql);
        var b = await StoredRows(both.Postgres, adql);
        Assert.True(a.Count > 10, $"{a.Count} rows");
        Assert.Equal(a.Count, b.Count);
        for (int i = 0; i < a.Count; i++) Assert.True(a[i].AsSpan().SequenceEqual(b[i]), $"row {i}: the stored bytes differ\n{adql}");
        // The comparison sees a difference: the rows in another order differ.
        Assert.False(a[0].AsSpan().SequenceEqual(b[^1]));
    }

    private static async Task<List<byte[]>> StoredRows(SpectrumArchive archive, string adql)
    {
        await using var q = await archive.Adql.PrepareAsync(new AdqlRequest { Text = adql, StoredRows = true }, default);
        Assert.True(q.RowsPreEncoded, $"{archive.CataloguePath}: not answered from stored rows");
        var cells = Assert.IsAssignableFrom<VoSpec.VOTable.IRawCells>(q.Reader);
        var rows = new List<byte[]>();
        while (q.Reader.Read())
        {
            Assert.True(cells.TryGetBytes(0, out var row));
            rows.Add(row.ToArray());
        }
        return rows;
    }

    [Fact]
    public void Cones_are_answered_through_the_spatial_indexes()
    {
        foreach (var (adql, index) in new[]
        {
            ("SELECT TOP 100 obs_id FROM ivoa.obscore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', 155.5, 79, 0.5)) = 1", "ivoa_obscore_q3c"),
            ("SELECT obs_id FROM ivoa.obscore WHERE DISTANCE(POINT('ICRS', s_ra, s_dec), POINT('ICRS', 155.5, 79)) < 0.5", "ivoa_obscore_q3c"),
            ("SELECT obs_id FROM ivoa.obscore WHERE 1 = INTERSECTS(CIRCLE('ICRS', -204.5, 79, 0.5), POINT('ICRS', s_ra, s_dec))", "ivoa_obscore_q3c"),
            ("SELECT obs_id FROM ivoa.obscore WHERE INTERSECTS(s_region, CIRCLE('ICRS', 155.5, 79, 0.5)) = 1", "ivoa_obscore_q3c"),
            ("SELECT specobjid FROM spec.specobj WHERE CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', 155.5, 79, 0.5)) = 1", "specobj_q3c"),
        })
        {
            var sql = PostgresTranslator.Translate(adql, TableMetadata.Published).Sql;
            // The planner picks an index only when it is cheaper: with the sequential scan off it must still be able to.
            var plan = PostgresDatabases.Cluster.Psql($"SET enable_seqscan = off; EXPLAIN {sql}", DatabaseName);
            Assert.True(plan.ExitCode == 0, plan.All);
            Assert.Matches($@"Index (Only )?Scan using {index}\b|Bitmap Index Scan on {index}\b", plan.StdOut);
        }
    }

    [Fact]
    public void The_query_role_can_read_only_the_published_tables()
    {
        string[] refused =
        [
            "SELECT * FROM uws_jobs", "SELECT * FROM archive_meta", "SELECT * FROM spectrum_store",
            "INSERT INTO ivoa_obscore(obs_id) VALUES ('x')", "DELETE FROM specobj", "CREATE TABLE evil(x int)",
        ];
        foreach (var sql in refused)
        {
            var r = PostgresDatabases.Cluster.Psql($"BEGIN; SET LOCAL ROLE {PostgresRole}; {sql}; ROLLBACK;", DatabaseName);
            Assert.True(r.ExitCode != 0, $"{sql} was allowed: {r.All}");
            Assert.Contains("permission denied", r.All);
        }
        var ok = PostgresDatabases.Cluster.Psql($"BEGIN; SET LOCAL ROLE {PostgresRole}; SELECT count(*) FROM ivoa_obscore; ROLLBACK;", DatabaseName);
        Assert.True(ok.ExitCode == 0, ok.All);
    }

    private const string PostgresRole = "vospec_adql";
    private string DatabaseName => new Regex("Database=([^;]+)").Match(both.Database).Groups[1].Value;
}
