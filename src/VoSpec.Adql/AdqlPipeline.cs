using VoSpec.Adql.Db;
using VoSpec.Adql.Feature;
using VoSpec.Adql.Parsing;
using VoSpec.Adql.Query;
using VoSpec.Adql.Translator;

namespace VoSpec.Adql;

/// <summary>
/// The one path of an ADQL query, every step once and in this order, visible here:
/// <list type="number">
/// <item>parse: text → tree (<see cref="AdqlParser"/>, bounded by <see cref="NestingGuard"/>), unless the caller built the tree;</item>
/// <item>check: every name and type against the metadata, every optional feature against the service's one
/// <see cref="LanguageFeatureSet"/> — the instance its TAP capabilities declare (<see cref="AdqlChecker"/>);</item>
/// <item>plan: from the checked output columns, whether a table's stored BINARY2 rows may answer the query (their
/// layout must be the result's);</item>
/// <item>translate: tree → SQL of the catalogue's database with the plan's options (<see cref="SqliteTranslator"/>,
/// <see cref="PostgresTranslator"/>).</item>
/// </list>
/// </summary>
public sealed class AdqlPipeline(LanguageFeatureSet features)
{
    public LanguageFeatureSet Features { get; } = features;

    /// <param name="text">The query's text; or null with <paramref name="statement"/>, a tree the caller built.</param>
    /// <param name="options">The dialect's options without stored rows (the plan adds them).</param>
    /// <param name="storedRows">The tables whose stored rows may answer, and whether their layout is that of given output columns.</param>
    public TranslatedQuery Run(string? text, SelectStatement? statement, ITableMetadata metadata, SqliteTranslatorOptions options,
        (IReadOnlyList<RowImageSource> Tables, Func<IReadOnlyList<OutputColumn>, bool> LayoutMatches)? storedRows = null)
    {
        var checkedQuery = Check(text, statement, metadata);
        var plan = Plan(checkedQuery, storedRows) is { } tables ? options with { RowImages = tables } : options;
        return SqliteTranslator.Translate(checkedQuery, plan);
    }

    /// <summary>The same steps for PostgreSQL, whose stored rows are a column of the table's own rows.</summary>
    public TranslatedQuery Run(string? text, SelectStatement? statement, ITableMetadata metadata, PostgresTranslatorOptions options,
        (IReadOnlyList<RowImageSource> Tables, Func<IReadOnlyList<OutputColumn>, bool> LayoutMatches)? storedRows = null)
    {
        var checkedQuery = Check(text, statement, metadata);
        var plan = Plan(checkedQuery, storedRows) is { } tables ? options with { RowImages = tables } : options;
        return PostgresTranslator.Translate(checkedQuery, plan);
    }

    /// <summary>The stored rows that may answer: only when their layout is the result's.</summary>
    private static IReadOnlyList<RowImageSource>? Plan(CheckedQuery checkedQuery,
        (IReadOnlyList<RowImageSource> Tables, Func<IReadOnlyList<OutputColumn>, bool> LayoutMatches)? storedRows) =>
        storedRows is { } rows && rows.Tables.Count > 0 && rows.LayoutMatches(OutputColumn.Of(checkedQuery)) ? rows.Tables : null;

    private CheckedQuery Check(string? text, SelectStatement? statement, ITableMetadata metadata)
    {
        var tree = statement ?? AdqlParser.Parse(text ?? throw new ArgumentNullException(nameof(text), "an ADQL query needs a text or a tree"));
        return AdqlChecker.Check(tree, metadata, Features);
    }
}
