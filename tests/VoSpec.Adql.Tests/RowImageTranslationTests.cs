using VoSpec.Archive.Sqlite;
using VoSpec.Adql.Db;
using VoSpec.Adql.Translator;
using VoSpec.Archive.Catalogue;
using Xunit;

namespace VoSpec.Adql.Tests;

/// <summary>
/// Queries that select whole ObsCore rows read the rows' stored BINARY2 bytes (RowImages) instead of their cells; every
/// other query keeps its columns. The stored-rows SQL must return the same rows in the same order as the plain one.
/// </summary>
public sealed class RowImageTranslationTests(TwoCollectionsFixture db) : IClassFixture<TwoCollectionsFixture>
{
    private static readonly RowImageSource[] Stored =
        [.. RowImages.Sources];

    private static TranslatedQuery Translate(string adql, SqliteTranslatorOptions options) =>
        SqliteTranslator.Translate(AdqlParser.Parse(adql), TableMetadata.Published, options);

    public static TheoryData<string> WholeRows => new()
    {
        "SELECT * FROM ivoa.obscore",
        "SELECT TOP 5 * FROM ivoa.obscore ORDER BY 16 DESC, 5",
        "SELECT o.* FROM ivoa.obscore AS o WHERE o.s_dec > 0 ORDER BY o.obs_id OFFSET 3",
        "SELECT * FROM obscore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', 0, 0, 180)) = 1 ORDER BY s_ra",
        "SELECT * FROM ivoa.obscore WHERE obs_id IN (SELECT obs_id FROM spec.specobj WHERE z > 0.1) ORDER BY em_min DESC",
        "SELECT " + string.Join(", ", RowImages.ObsCore.ColumnNames) + " FROM ivoa.obscore ORDER BY 7",
    };

    [Theory]
    [MemberData(nameof(WholeRows))]
    public void Whole_rows_are_read_from_their_stored_bytes_in_the_same_order(string adql)
    {
        foreach (var hidden in new[] { false, true })
        {
            var options = new SqliteTranslatorOptions { HiddenRows = hidden ? [new("ivoa.obscore", "obs_collection", ["secret"])] : [] };
            var plain = Translate(adql, options);
            var stored = Translate(adql, options with { RowImages = Stored });
            Assert.False(plain.RowImages);
            Assert.True(stored.RowImages, stored.Sql);
            Assert.Equal(plain.Columns, stored.Columns);

            var rows = db.Run(plain);
            var images = db.Run(stored);
            Assert.NotEmpty(rows);
            Assert.Equal(rows.Count, images.Count);
            int didAt = plain.Columns.ToList().FindIndex(c => c.Name == "obs_publisher_did");
            using var conn = db.Archive.Sqlite.OpenConnection();
            for (int i = 0; i < rows.Count; i++)
            {
                var image = Assert.IsType<byte[]>(Assert.Single(images[i]));
                var expected = ArchiveFixture.Sql(conn, $"SELECT b.{RowImages.ColumnName} FROM ivoa_obscore o JOIN {RowImages.ObsCore.StoreTable} b ON b.spec_id = o.spec_id WHERE o.obs_publisher_did = $d", [("$d", rows[i][didAt])]);
                Assert.Equal((byte[])expected[0][0]!, image);
            }
            if (hidden) Assert.DoesNotContain(rows, r => (string)r[3]! == "secret");
        }
    }

    [Theory]
    [InlineData("SELECT DISTINCT * FROM ivoa.obscore")]
    [InlineData("SELECT *, 1 AS one FROM ivoa.obscore")]
    [InlineData("SELECT obs_id FROM ivoa.obscore")]
    [InlineData("SELECT * FROM ivoa.obscore AS o JOIN spec.specobj AS s ON s.obs_id = o.obs_id")]
    [InlineData("SELECT o.* FROM ivoa.obscore AS o JOIN spec.specobj AS s ON s.obs_id = o.obs_id")]
    [InlineData("SELECT * FROM (SELECT * FROM ivoa.obscore) AS t")]
    [InlineData("WITH t AS (SELECT * FROM ivoa.obscore) SELECT * FROM t")]
    [InlineData("SELECT * FROM ivoa.obscore UNION SELECT * FROM ivoa.obscore")]
    [InlineData("SELECT * FROM spec.specobj")]
    [InlineData("SELECT * FROM ivoa.obscore GROUP BY obs_id")]
    public void Other_queries_keep_their_columns(string adql)
    {
        TranslatedQuery stored;
        try { stored = Translate(adql, new SqliteTranslatorOptions { RowImages = Stored }); }
        catch (AdqlException) { return; } // not valid ADQL here: nothing to read either way
        Assert.False(stored.RowImages, stored.Sql);
        Assert.DoesNotContain(RowImages.ColumnName, stored.Sql);
        var plain = Translate(adql, SqliteTranslatorOptions.Default);
        Assert.Equal(plain.Sql, stored.Sql);
    }

    [Fact]
    public void Columns_named_out_of_order_are_not_whole_rows()
    {
        var names = RowImages.ObsCore.ColumnNames.ToArray();
        (names[0], names[1]) = (names[1], names[0]);
        var q = Translate($"SELECT {string.Join(", ", names)} FROM ivoa.obscore", new SqliteTranslatorOptions { RowImages = Stored });
        Assert.False(q.RowImages);
    }
}
