namespace VoSpec.VOTable;

/// <summary>
/// A DataLink service descriptor: <c>RESOURCE type="meta" utype="adhoc:service"</c> with PARAMs standardID,
/// accessURL, contentType and a GROUP "inputParams" (always written, even empty: pyvo requires it).
/// </summary>
public sealed record ServiceDescriptor(string AccessUrl)
{
    public const string DataLinkStandardId = "ivo://ivoa.net/std/DataLink#links-1.1";
    public const string SodaSyncStandardId = "ivo://ivoa.net/std/SODA#sync-1.0";
    public const string DataLinkContentType = "application/x-votable+xml;content=datalink";

    /// <summary>XML ID; needed only when a DataLink row's service_def names this descriptor.</summary>
    public string? ID { get; init; }
    public string? Name { get; init; }
    public string? Description { get; init; }
    public string Utype { get; init; } = "adhoc:service";
    public string? StandardId { get; init; }
    public string? ContentType { get; init; }
    public string? ResourceIdentifier { get; init; }
    /// <summary>Further PARAMs outside inputParams (e.g. exampleURL).</summary>
    public IReadOnlyList<VOTableParam> ExtraParams { get; init; } = [];
    public IReadOnlyList<VOTableParam> InputParams { get; init; } = [];

    /// <summary>The {links} descriptor a TAP/SSA result appends: ID row-bound to the publisher DID FIELD's XML ID.</summary>
    public static ServiceDescriptor DataLink(string linksUrl, string didFieldId) => new(linksUrl)
    {
        Name = "links",
        StandardId = DataLinkStandardId,
        ContentType = DataLinkContentType,
        InputParams = [VOTableParam.RowBound("ID", didFieldId, "meta.id;meta.main")],
    };

    /// <summary>A PARAM of the inputParams group by name (case-insensitive), or null.</summary>
    public VOTableParam? Input(string name) =>
        InputParams.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
}
