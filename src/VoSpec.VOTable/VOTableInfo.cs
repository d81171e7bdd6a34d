namespace VoSpec.VOTable;

/// <summary>An INFO: required name and value, optional human text (the QUERY_STATUS message).</summary>
public sealed record VOTableInfo(string Name, string Value, string? Text = null);
