using System.Reflection;
using System.Text.Json;

namespace VoSpec.Core.Schema;

/// <summary>
/// The table metadata declared once in the repository's schemas/ folder (embedded in this assembly).
/// The catalogue's DDL, TAP_SCHEMA, VOSI tables and VOTable FIELDs are all generated from it.
/// </summary>
public static class SchemaCatalog
{
    private static readonly Lazy<IReadOnlyList<TableSchema>> s_tables = new(LoadAll);

    /// <summary>Every table declared in schemas/.</summary>
    public static IReadOnlyList<TableSchema> Tables => s_tables.Value;

    /// <summary>The tables TAP publishes (TAP_SCHEMA, VOSI tables, ADQL).</summary>
    public static IReadOnlyList<TableSchema> Published => s_published.Value;

    private static readonly Lazy<IReadOnlyList<TableSchema>> s_published = new(() => Tables.Where(t => t.Published).ToList());

    // Looked up once: the catalogue writer asks for them for every column of every row.
    private static readonly Lazy<TableSchema> s_obsCore = new(() => Get("ivoa.obscore"));
    private static readonly Lazy<TableSchema> s_specObj = new(() => Get("spec.specobj"));

    private static readonly Lazy<IReadOnlyList<TableSchema>> s_surveyTables = new(() => Tables.Where(t => t.Survey is not null).ToList());

    /// <summary>The surveys' own catalogues (<see cref="TableSchema.Survey"/>), filled at ingest beside specobj and obscore.</summary>
    public static IReadOnlyList<TableSchema> SurveyTables => s_surveyTables.Value;

    /// <summary>spec.specobj, ivoa.obscore and the survey tables: every published table the catalogue writes a spectrum's rows to.</summary>
    public static IEnumerable<TableSchema> SpectrumTables => [SpecObj, ObsCore, .. SurveyTables];

    public static TableSchema ObsCore => s_obsCore.Value;
    public static TableSchema SpecObj => s_specObj.Value;

    public static TableSchema Get(string qualifiedName) =>
        Tables.FirstOrDefault(t => string.Equals(t.QualifiedName, qualifiedName, StringComparison.OrdinalIgnoreCase))
        ?? throw new KeyNotFoundException($"no table '{qualifiedName}' in schemas/");

    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private static IReadOnlyList<TableSchema> LoadAll()
    {
        var asm = typeof(SchemaCatalog).Assembly;
        var tables = new List<TableSchema>();
        foreach (var name in asm.GetManifestResourceNames().Where(n => n.StartsWith("schemas/") && n.EndsWith(".json")).Order())
        {
            using var stream = asm.GetManifestResourceStream(name)!;
            var table = JsonSerializer.Deserialize<TableSchema>(stream, s_json)
                ?? throw new InvalidDataException($"{name}: empty");
            tables.Add(table);
        }
        return tables;
    }
}
