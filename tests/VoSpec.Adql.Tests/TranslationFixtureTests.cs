using System.Globalization;
using System.Text;
using System.Text.Json;
using VoSpec.Adql.Db;
using VoSpec.Adql.Feature;
using VoSpec.Adql.Query;
using VoSpec.Adql.Translator;
using VoSpec.Archive.Sqlite;
using VoSpec.Core.Schema;
using VoSpec.Testing;
using VoSpec.VOTable;
using Xunit;

namespace VoSpec.Adql.Tests;

/// <summary>
/// The house refactor changed no output: Fixtures/translations-before-split.jsonl was written by the code of commit
/// 0d1be0e, before the pipeline, the dialect-neutral walker and the shared printer walk existed. For each query — the
/// DALI examples, every literal query of these tests, whole-row ObsCore selections, checked grammar walks and mutated
/// ones — it keeps the printed ADQL and the SQL, parameters and columns (or the error) without options, with hidden
/// collections, and with stored rows as the server chose them then (translate with them, again without them when
/// their layout was not the result's). Today's translator and pipeline must give the same bytes — except that since
/// issue 18 the stored bytes live in a table of their own: the stored-rows SQL is mapped back to the single-column form
/// it had (<see cref="AsBeforeTheStore"/>) before the comparison.
/// </summary>
public sealed class TranslationFixtureTests
{
    private static readonly IReadOnlyList<RowImageSource> Stored =
        [.. RowImages.Sources];

    private static readonly SqliteTranslatorOptions Hidden = new()
    {
        HiddenRows = [new(SchemaCatalog.ObsCore.QualifiedName, "obs_collection", ["Hidden", "o'brien"]), new(SchemaCatalog.SpecObj.QualifiedName, "collection", ["Hidden", "o'brien"])],
    };

    /// <summary>As the archive's ADQL execution decides: stored bytes only where the result's FIELDs encode as they do.</summary>
    private static bool LayoutMatches(IReadOnlyList<OutputColumn> columns)
    {
        var layout = Binary2RowImages.LayoutOf(columns.Select(c => new VOTableField(c.Name, c.Datatype) { Arraysize = c.Arraysize }).ToList());
        return RowImages.Tables.Any(t => t.Layout == layout);
    }

    private sealed record Entry(string Query, string? Printed, string Plain, string? Hidden, string? Stored, string? StoredHidden);

    private static IEnumerable<Entry> Entries()
    {
        var path = Path.Combine(TestPaths.RepoRoot, "tests", "VoSpec.Adql.Tests", "Fixtures", "translations-before-split.jsonl");
        var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
        return File.ReadLines(path).Select(line => JsonSerializer.Deserialize<Entry>(line, options)!);
    }

    [Fact]
    public void Printer_sqlite_dialect_and_pipeline_write_what_the_translator_wrote_before_the_split()
    {
        var pipeline = new AdqlPipeline(AdqlFeatures.All);
        var failures = new List<string>();
        int entries = 0, translated = 0;
        foreach (var e in Entries())
        {
            entries++;
            if (e.Plain.StartsWith("SELECT", StringComparison.Ordinal) || e.Plain.StartsWith("WITH", StringComparison.Ordinal)) translated++;
            void Same(string what, string? expected, Func<string> actual)
            {
                // "-": not recorded for this query (the fixture keeps every variant of a third of the generated ones).
                if (expected == "-") return;
                var got = Outcome(actual);
                if (got != expected) failures.Add($"{what} of {e.Query}\n  before: {expected}\n  now:    {got}");
            }
            Same("printed", e.Printed, () => AdqlPrinter.Print(AdqlParser.Parse(e.Query)));
            Same("plain", e.Plain, () => Describe(SqliteTranslator.Translate(e.Query, TableMetadata.Published)));
            Same("hidden", e.Hidden ?? e.Plain, () => Describe(SqliteTranslator.Translate(e.Query, TableMetadata.Published, Hidden)));
            Same("stored", e.Stored ?? e.Plain,
                () => AsBeforeTheStore(Describe(pipeline.Run(e.Query, null, TableMetadata.Published, SqliteTranslatorOptions.Default, (Stored, LayoutMatches)))));
            if (e.Hidden != "-")
                Same("stored hidden", e.StoredHidden ?? e.Hidden ?? e.Plain,
                    () => AsBeforeTheStore(Describe(pipeline.Run(e.Query, null, TableMetadata.Published, Hidden, (Stored, LayoutMatches)))));
        }
        Assert.True(entries > 1000 && translated > 900, $"{entries} entries, {translated} translated");
        Assert.True(failures.Count == 0, $"{failures.Count} differences, the first:\n" + string.Join("\n", failures.Take(5)));
    }

    /// <summary>
    /// The stored-rows SQL as it was when the bytes were a column of ObsCore: the seek into the store back to that column,
    /// and without the key order a whole-table read now names.
    /// </summary>
    private static string AsBeforeTheStore(string described)
    {
        var t = RowImages.ObsCore;
        string Q(string name) => "\"" + name + "\"";
        var seek = new System.Text.RegularExpressions.Regex(
            System.Text.RegularExpressions.Regex.Escape($"(SELECT {Q(t.Column)} FROM {Q(t.StoreTable)} WHERE {Q(t.Key)} = ") + @"(\w+)\." + System.Text.RegularExpressions.Regex.Escape(Q(t.Key) + ") AS row_binary2"));
        var m = seek.Match(described);
        if (!m.Success) return described;
        var alias = m.Groups[1].Value;
        return seek.Replace(described, $"{alias}.{Q(t.Column)} AS row_binary2").Replace($" ORDER BY {alias}.{Q(t.Key)}\n", "\n").Replace($" ORDER BY {alias}.{Q(t.Key)} LIMIT", " LIMIT");
    }

    private static string Outcome(Func<string> run)
    {
        try { return run(); }
        catch (Exception e) { return $"error {e.GetType().Name}: {e.Message}"; }
    }

    /// <summary>Everything of a translation the server uses, as the fixture's generator wrote it.</summary>
    private static string Describe(TranslatedQuery t)
    {
        var sb = new StringBuilder(t.Sql);
        sb.Append("\n-- top ").Append(t.Top?.ToString(CultureInfo.InvariantCulture) ?? "none").Append(t.RowImages ? ", stored rows" : "");
        foreach (var (name, value) in t.Parameters)
            sb.Append("\n-- ").Append(name).Append(" = ").Append(value?.GetType().Name ?? "null").Append(' ').Append(Convert.ToString(value, CultureInfo.InvariantCulture));
        foreach (var c in t.Columns)
            sb.Append("\n-- column ").Append(c.Name).Append(' ').Append(c.Datatype).Append(' ').Append(c.Arraysize).Append(' ').Append(c.Xtype).Append(' ').Append(c.Unit).Append(' ').Append(c.Source?.Name);
        return sb.ToString();
    }
}
