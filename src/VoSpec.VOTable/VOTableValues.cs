namespace VoSpec.VOTable;

/// <summary>A VALUES domain: MIN?, MAX?, OPTION* (values in the owner's lexical form).</summary>
public sealed record VOTableValues
{
    public string? Min { get; init; }
    public string? Max { get; init; }
    public bool MinInclusive { get; init; } = true;
    public bool MaxInclusive { get; init; } = true;
    public IReadOnlyList<VOTableOption> Options { get; init; } = [];
    /// <summary>Magic null value (deprecated except for integers in BINARY/FITS).</summary>
    public string? Null { get; init; }

    public bool IsEmpty => Min is null && Max is null && Options.Count == 0 && Null is null;
}

/// <summary>An OPTION: <c>value</c> is required by the schema, <c>name</c> optional.</summary>
public sealed record VOTableOption(string Value, string? Name = null);
