using VoSpec.Adql.Db;
using VoSpec.Adql.Feature;
using VoSpec.Adql.Parsing;
using VoSpec.Adql.Translator;
using Xunit;

namespace VoSpec.Adql.Tests;

/// <summary>
/// The pipeline runs parse, check and translate once each, decides the stored-rows plan from the checked columns
/// before translating, and enforces the feature set it is given (the instance the capabilities declare).
/// </summary>
public sealed class PipelineTests
{
    private static readonly IReadOnlyList<RowImageSource> Stored = [new("ivoa.obscore", "stored", SchemaColumns(), "obscore_stored", "spec_id")];

    private static IReadOnlyList<string> SchemaColumns() =>
        VoSpec.Core.Schema.SchemaCatalog.ObsCore.PublicColumns.Select(c => c.Name).ToList();

    private static (int Parses, int Checks, int Translations) Counts() =>
        (AdqlParser.RunsOnThisThread, AdqlChecker.RunsOnThisThread, SqliteTranslator.RunsOnThisThread);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Every_step_runs_once_whatever_the_plan(bool layoutMatches)
    {
        var pipeline = new AdqlPipeline(AdqlFeatures.All);
        int asked = 0;
        var before = Counts();
        var q = pipeline.Run("SELECT * FROM ivoa.obscore WHERE s_dec > 0", null, TableMetadata.Published, SqliteTranslatorOptions.Default,
            (Stored, columns => { asked++; Assert.Equal(SchemaColumns().Count, columns.Count); return layoutMatches; }));
        var after = Counts();
        Assert.Equal((1, 1, 1), (after.Parses - before.Parses, after.Checks - before.Checks, after.Translations - before.Translations));
        Assert.Equal(1, asked);
        Assert.Equal(layoutMatches, q.RowImages);
    }

    [Fact]
    public void A_tree_built_by_the_caller_is_not_parsed_again()
    {
        var tree = AdqlParser.Parse("SELECT TOP 3 obs_id FROM ivoa.obscore");
        var before = Counts();
        new AdqlPipeline(AdqlFeatures.All).Run(null, tree, TableMetadata.Published, SqliteTranslatorOptions.Default);
        var after = Counts();
        Assert.Equal((0, 1, 1), (after.Parses - before.Parses, after.Checks - before.Checks, after.Translations - before.Translations));
    }

    [Fact]
    public void The_feature_set_given_is_the_one_enforced()
    {
        const string cone = "SELECT obs_id FROM ivoa.obscore WHERE 1 = CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', 10, 10, 1))";
        new AdqlPipeline(AdqlFeatures.All).Run(cone, null, TableMetadata.Published, SqliteTranslatorOptions.Default);
        var withoutGeometry = new LanguageFeatureSet(AdqlFeatures.All.Where(f => f.Type != AdqlFeatures.Geometry).ToList());
        var e = Assert.Throws<AdqlUnsupportedException>(() => new AdqlPipeline(withoutGeometry).Run(cone, null, TableMetadata.Published, SqliteTranslatorOptions.Default));
        Assert.Contains("features-adqlgeo", e.Message);
    }
}
