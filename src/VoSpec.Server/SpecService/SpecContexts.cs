using System.Globalization;
using System.Text;
using System.Text.Json;
using VoSpec.Archive;
using VoSpec.Core.Faults;
using VoSpec.Server.Access;

namespace VoSpec.Server.SpecService;

/// <summary>
/// A spec-service context: the spectra of one archive collection, or of all of them ("default"). Its catalog is
/// the <c>schema.table</c> name the query call accepts: <c>COLLECTION.specobj</c> is spec.specobj restricted to
/// the collection, <c>spec.specobj</c> is every collection the caller may see (<see cref="Members"/>). A DESI or LAMOST
/// collection also offers its survey's own table (<see cref="SurveyCatalog"/>), as Data Lab's desi_edr context offers zpix.
/// </summary>
public sealed record SpecContext(string Name, string? Collection, string Catalog, string Description, long Count, double? WaveMin, double? WaveMax, double? ZMin, double? ZMax)
{
    /// <summary>The collections whose spectra the context holds: its own, or (default) every one the caller may see.</summary>
    public IReadOnlyList<string> Members { get; init; } = Collection is null ? [] : [Collection];

    public const string IdMain = "specobjid";
    public const string AllCatalog = "spec.specobj";

    /// <summary>The object the Data Lab client reads (id_main, catalog, z, rest_frame) plus what a person wants to know.</summary>
    public Dictionary<string, object?> ToJson() => new()
    {
        ["name"] = Name,
        ["description"] = Description,
        ["id_main"] = IdMain,
        ["catalog"] = Catalog,
        ["z"] = "z",
        ["rest_frame"] = "false",
        ["collection"] = Collection,
        ["nspec"] = Count,
        ["wavelength_min"] = WaveMin,
        ["wavelength_max"] = WaveMax,
        ["wavelength_unit"] = VoSpec.Core.Spectra.SpectrumUnits.Wavelength,
        ["z_min"] = ZMin,
        ["z_max"] = ZMax,
        ["flux_unit"] = FluxUnit,
        ["survey"] = Collection is null ? null : VoSpec.Archive.Catalogue.SurveyFacts.OfCollection(Collection).Designation,
        ["survey_catalog"] = SurveyCatalog,
    };

    /// <summary>
    /// The survey's own table (desi.fibermap, lamost.lrs) of a collection context, which the query call also reads
    /// (restricted to the collection); null for SDSS collections and for default.
    /// </summary>
    public string? SurveyCatalog => Collection is null ? null : VoSpec.Archive.Catalogue.SurveyFacts.OfCollection(Collection).Table?.QualifiedName;

    /// <summary>
    /// The flux unit (VOUnit) of the context's spectra: its survey's; null for relative flux (LAMOST) and for a default
    /// context whose collections differ (an archive of nothing: SDSS's).
    /// </summary>
    public string? FluxUnit
    {
        get
        {
            var units = Members.Select(m => VoSpec.Archive.Catalogue.SurveyFacts.OfCollection(m).VoFluxUnit).Distinct().ToList();
            return units.Count switch { 0 => VoSpec.Core.Spectra.SpectrumUnits.Flux, 1 => units[0], _ => null };
        }
    }
}

/// <summary>
/// The contexts and profiles of this server, read from the archive's collections on each call. A proprietary
/// collection the caller may not see is no context at all: not listed, not counted in default, unknown by name.
/// </summary>
public static class SpecContexts
{
    public const string DefaultName = "default";
    public const string DefaultProfile = "default";

    public static IReadOnlyList<SpecContext> All(SpectrumArchive archive, AccessRights rights)
    {
        var collections = archive.Lookup.Collections().Where(c => rights.CanSee(c.Name)).ToList();
        var list = new List<SpecContext>
        {
            new(DefaultName, null, SpecContext.AllCatalog, "Every collection of this archive",
                collections.Sum(c => c.Count), Min(collections.Select(c => c.WaveMin)), Max(collections.Select(c => c.WaveMax)),
                Min(collections.Select(c => c.ZMin)), Max(collections.Select(c => c.ZMax))) { Members = collections.Select(c => c.Name).ToList() },
        };
        foreach (var c in collections)
        {
            if (c.Name.Equals(DefaultName, StringComparison.OrdinalIgnoreCase)) continue;
            list.Add(new(c.Name, c.Name, c.Name + ".specobj", c.Title, c.Count, c.WaveMin, c.WaveMax, c.ZMin, c.ZMax));
        }
        return list;
    }

    /// <summary>
    /// The contexts without their statistics (counts, ranges): what every getSpec, listSpan and query call needs,
    /// read from the small collections table instead of aggregating the whole catalogue.
    /// </summary>
    public static IReadOnlyList<SpecContext> Names(SpectrumArchive archive, AccessRights rights)
    {
        var members = new List<string>();
        var list = new List<SpecContext> { new(DefaultName, null, SpecContext.AllCatalog, "Every collection of this archive", 0, null, null, null, null) { Members = members } };
        foreach (var (name, title) in archive.Lookup.CollectionNames())
        {
            if (!rights.CanSee(name)) continue;
            members.Add(name);
            if (!name.Equals(DefaultName, StringComparison.OrdinalIgnoreCase))
                list.Add(new(name, name, name + ".specobj", title, 0, null, null, null, null));
        }
        return list;
    }

    /// <summary>The named context (no statistics); absent or 'None' means default. Unknown → a user error naming the known ones.</summary>
    public static SpecContext Resolve(SpectrumArchive archive, AccessRights rights, string? name)
    {
        var all = Names(archive, rights);
        if (name is null) return all[0];
        return Find(all, name) ?? throw new UserInputException(
            $"unknown context '{name}' (known: {string.Join(", ", all.Select(c => c.Name))})");
    }

    public static SpecContext? Find(IReadOnlyList<SpecContext> all, string name) =>
        all.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Checks the profile parameter: only "default" exists.</summary>
    public static void CheckProfile(string? name)
    {
        if (name is not null && !IsProfile(name))
            throw new UserInputException($"unknown profile '{name}' (known: {DefaultProfile})");
    }

    public static bool IsProfile(string name) => name.Equals(DefaultProfile, StringComparison.OrdinalIgnoreCase);

    public static Dictionary<string, object?> ProfileJson(string publicUrl) => new()
    {
        ["name"] = DefaultProfile,
        ["description"] = "This VoSpec server",
        ["url"] = publicUrl + "spec",
    };

    public static string ContextsText(IReadOnlyList<SpecContext> all)
    {
        var sb = new StringBuilder();
        foreach (var c in all)
            sb.Append(CultureInfo.InvariantCulture, $"{c.Name,-20} {c.Description} ({c.Count} spectra, {Range(c.WaveMin, c.WaveMax)} Angstrom; catalog {c.Catalog})\n");
        return sb.ToString();
    }

    public static string Json(object value) => JsonSerializer.Serialize(value, JsonOptions);

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    private static string Range(double? lo, double? hi) => lo is null || hi is null ? "no pixels" :
        string.Create(CultureInfo.InvariantCulture, $"{lo:0.##}-{hi:0.##}");

    private static double? Min(IEnumerable<double?> v) => v.Where(x => x is not null).DefaultIfEmpty(null).Min();
    private static double? Max(IEnumerable<double?> v) => v.Where(x => x is not null).DefaultIfEmpty(null).Max();
}
