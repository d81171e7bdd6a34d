namespace VoSpec.VOTable;

/// <summary>A parsed VOTable: document-level INFOs and PARAMs, and its RESOURCEs (with nested ones).</summary>
public sealed class VOTableDocument
{
    public string? Version { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<VOTableInfo> Infos { get; init; } = [];
    public IReadOnlyList<VOTableParam> Params { get; init; } = [];
    public IReadOnlyList<VOTableResource> Resources { get; init; } = [];

    /// <summary>Every RESOURCE, depth first.</summary>
    public IEnumerable<VOTableResource> AllResources => Resources.SelectMany(r => r.SelfAndDescendants);

    /// <summary>Every TABLE in document order.</summary>
    public IEnumerable<VOTableTable> Tables => AllResources.SelectMany(r => r.Tables);

    /// <summary>Every service descriptor (RESOURCE type="meta" with utype adhoc:service or adhoc:this).</summary>
    public IEnumerable<ServiceDescriptor> ServiceDescriptors => AllResources.Select(r => r.AsServiceDescriptor()).OfType<ServiceDescriptor>();

    /// <summary>All QUERY_STATUS INFOs of the results RESOURCEs, in order (leading OK, trailing OVERFLOW/ERROR).</summary>
    public IEnumerable<VOTableInfo> QueryStatuses =>
        AllResources.Where(r => r.Type == "results").SelectMany(r => r.Infos).Concat(Infos).Where(i => i.Name == "QUERY_STATUS");

    /// <summary>
    /// The overall status: ERROR or OVERFLOW if any QUERY_STATUS says so (a trailing INFO wins over the leading OK),
    /// else the first one, else null.
    /// </summary>
    public string? QueryStatus
    {
        get
        {
            string? first = null;
            foreach (var i in QueryStatuses)
            {
                if (i.Value is "ERROR" or "OVERFLOW") return i.Value;
                first ??= i.Value;
            }
            return first;
        }
    }
}

/// <summary>A RESOURCE: type (results/meta), name, ID, utype, INFOs, PARAMs, GROUPs, TABLEs and sub-RESOURCEs.</summary>
public sealed class VOTableResource
{
    public string Type { get; init; } = "results";
    public string? Name { get; init; }
    public string? ID { get; init; }
    public string? Utype { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<VOTableInfo> Infos { get; init; } = [];
    public IReadOnlyList<VOTableParam> Params { get; init; } = [];
    public IReadOnlyList<VOTableGroup> Groups { get; init; } = [];
    public IReadOnlyList<VOTableTable> Tables { get; init; } = [];
    public IReadOnlyList<VOTableResource> Resources { get; init; } = [];

    public IEnumerable<VOTableResource> SelfAndDescendants => Resources.SelectMany(r => r.SelfAndDescendants).Prepend(this);

    public VOTableParam? Param(string name) => Params.FirstOrDefault(p => p.Name == name);

    /// <summary>This RESOURCE read as a DataLink service descriptor, or null if it is not one (or lacks accessURL).</summary>
    public ServiceDescriptor? AsServiceDescriptor()
    {
        if (Type != "meta" || Utype is null || !(Utype.Equals("adhoc:service", StringComparison.OrdinalIgnoreCase) || Utype.Equals("adhoc:this", StringComparison.OrdinalIgnoreCase)))
            return null;
        if (Param("accessURL") is not { } url) return null;
        string[] known = ["standardID", "accessURL", "resourceIdentifier", "contentType"];
        return new ServiceDescriptor(url.Value)
        {
            ID = ID,
            Name = Name,
            Description = Description,
            Utype = Utype,
            StandardId = Param("standardID")?.Value,
            ResourceIdentifier = Param("resourceIdentifier")?.Value,
            ContentType = Param("contentType")?.Value,
            ExtraParams = Params.Where(p => !known.Contains(p.Name)).ToList(),
            InputParams = Groups.FirstOrDefault(g => g.Name == "inputParams")?.Params ?? [],
        };
    }
}

/// <summary>A GROUP with its PARAMs (FIELDref/PARAMref and nested GROUPs are not kept).</summary>
public sealed record VOTableGroup(string? Name, IReadOnlyList<VOTableParam> Params);

/// <summary>A TABLE with its FIELDs and rows: one object?[] per row, typed by datatype (see <see cref="VOTableReader"/>).</summary>
public sealed class VOTableTable
{
    public string? Name { get; init; }
    public string? ID { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<VOTableField> Fields { get; init; } = [];
    public IReadOnlyList<VOTableParam> Params { get; init; } = [];
    public IReadOnlyList<object?[]> Rows { get; init; } = [];
    /// <summary>INFOs inside the TABLE (before FIELDs, after DATA).</summary>
    public IReadOnlyList<VOTableInfo> Infos { get; init; } = [];
    /// <summary>The serialization the rows were read from: TABLEDATA, BINARY, BINARY2, or null without DATA.</summary>
    public string? Serialization { get; init; }
}
