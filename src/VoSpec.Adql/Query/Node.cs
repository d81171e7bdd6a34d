namespace VoSpec.Adql.Query;

/// <summary>Every node of the ADQL tree: immutable, compared by content (positions excluded).</summary>
public abstract record Node
{
    public TextPosition Position { get; init; }
}

/// <summary>
/// An identifier as written: regular ones match case-insensitively, delimited ("…") ones exactly.
/// </summary>
public sealed record Identifier(string Name, bool Delimited) : Node
{
    public bool Matches(string declared) => Delimited
        ? string.Equals(Name, declared, StringComparison.Ordinal)
        : string.Equals(Name, declared, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether this reference names something declared as <paramref name="declared"/> (e.g. an alias).</summary>
    public bool Matches(Identifier declared) => Matches(declared.Name);

    public override string ToString() => Delimited ? "\"" + Name.Replace("\"", "\"\"") + "\"" : Name;
}
