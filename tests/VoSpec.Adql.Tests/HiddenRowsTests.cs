using System.Globalization;
using Microsoft.Data.Sqlite;
using VoSpec.Adql.Db;
using VoSpec.Adql.Translator;
using VoSpec.Archive;
using VoSpec.Archive.Demo;
using VoSpec.Archive.Ingest;
using VoSpec.Testing;
using Xunit;

namespace VoSpec.Adql.Tests;

/// <summary>A catalogue with two collections, "open" (60 rows) and "secret" (30 rows), for the access-rights filters.</summary>
public sealed class TwoCollectionsFixture : IDisposable
{
    private readonly TempDir _dir = TestPaths.NewTempDir("vospec-adql-hidden");

    public TwoCollectionsFixture()
    {
        Archive = SpectrumArchive.Open(_dir.Path);
        var generator = new DemoGenerator(7);
        new Ingester(Archive).StoreCatalogueOnly(generator.GenerateRange(0, 60), "open");
        new Ingester(Archive).StoreCatalogueOnly(generator.GenerateRange(1000, 30), "secret");
    }

    public SpectrumArchive Archive { get; }

    public List<object?[]> Run(TranslatedQuery q, string? prefix = null)
    {
        using var conn = Archive.Sqlite.OpenConnection();
        SqliteAdqlFunctions.Register(conn);
        return ArchiveFixture.Sql(conn, (prefix ?? "") + q.Sql, q.Parameters);
    }

    public void Dispose()
    {
        Archive.Dispose();
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}

public sealed class HiddenRowsTests(TwoCollectionsFixture db) : IClassFixture<TwoCollectionsFixture>
{
    private static readonly SqliteTranslatorOptions HideSecret = new()
    {
        HiddenRows = [new("ivoa.obscore", "obs_collection", ["SECRET"]), new("spec.specobj", "collection", ["secret"])],
    };

    private static TranslatedQuery Translate(string adql, SqliteTranslatorOptions? options = null) =>
        SqliteTranslator.Translate(AdqlParser.Parse(adql), TableMetadata.Published, options);

    private long Count(string adql, SqliteTranslatorOptions? options = null) => Convert.ToInt64(Assert.Single(db.Run(Translate(adql, options)))[0]);

    [Fact]
    public void Hidden_rows_are_left_out_of_every_way_of_reading_the_table()
    {
        Assert.Equal(90, Count("SELECT COUNT(*) FROM ivoa.obscore"));
        Assert.Equal(60, Count("SELECT COUNT(*) FROM ivoa.obscore", HideSecret));
        Assert.Equal(0, Count("SELECT COUNT(*) FROM ivoa.obscore WHERE obs_collection = 'secret'", HideSecret));
        Assert.Equal(60, Count("SELECT COUNT(*) FROM ivoa.obscore AS o JOIN spec.specobj AS s ON s.ra = o.s_ra AND s.dec = o.s_dec", HideSecret));
        Assert.Equal(60, Count("SELECT COUNT(*) FROM (SELECT obs_collection FROM ivoa.obscore) AS t", HideSecret));
        Assert.Equal(60, Count("WITH c AS (SELECT obs_collection FROM ivoa.obscore) SELECT COUNT(*) FROM c", HideSecret));
        Assert.Equal(0, Count("SELECT COUNT(*) FROM ivoa.obscore WHERE obs_collection IN (SELECT collection FROM spec.specobj WHERE collection = 'secret')", HideSecret));
        Assert.Equal(60, Count("SELECT COUNT(*) FROM spec.specobj", HideSecret));
        var q = Translate("SELECT COUNT(*) FROM ivoa.obscore", HideSecret);
        Assert.DoesNotContain("secret", q.Sql, StringComparison.OrdinalIgnoreCase);
        Assert.Equal([("$hidden_0_0", (object?)"secret")], q.Parameters);
    }

    [Fact]
    public void A_cone_on_a_filtered_table_still_uses_the_rtree()
    {
        var p = db.Run(Translate("SELECT TOP 1 s_ra, s_dec FROM ivoa.obscore WHERE obs_collection = 'open'"))[0];
        string I(object? v) => Convert.ToDouble(v).ToString("R", CultureInfo.InvariantCulture);
        foreach (var adql in new[]
        {
            $"SELECT obs_publisher_did FROM ivoa.obscore WHERE CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', {I(p[0])}, {I(p[1])}, 5)) = 1",
            $"SELECT o.obs_publisher_did FROM ivoa.obscore AS o JOIN spec.specobj AS s ON s.ra = o.s_ra AND s.dec = o.s_dec WHERE DISTANCE(POINT(o.s_ra, o.s_dec), POINT({I(p[0])}, {I(p[1])})) <= 5",
            $"SELECT specobjid FROM spec.specobj WHERE CONTAINS(POINT(ra, dec), CIRCLE({I(p[0])}, {I(p[1])}, 5)) = 1",
        })
        {
            var open = Translate(adql, HideSecret);
            var plan = string.Join("\n", db.Run(open, "EXPLAIN QUERY PLAN ").Select(row => row[^1]));
            Assert.Contains("VIRTUAL TABLE INDEX", plan);
            Assert.NotEmpty(db.Run(open));
        }
    }
}
