namespace VoSpec.Adql.Feature;

/// <summary>One optional ADQL feature as TAPRegExt declares it: a feature type URI and a form.</summary>
public sealed record LanguageFeature(string Type, string Form, string? Description = null);
