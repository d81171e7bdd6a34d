using VoSpec.Adql.Feature;
using VoSpec.Server.Vosi;

namespace VoSpec.Server.Tap;

/// <summary>The TAP service's fixed description: its limits, result formats and language features.</summary>
public sealed class TapService(TapLimits limits, LanguageFeatureSet languageFeatures)
{
    public TapLimits Limits { get; } = limits;
    /// <summary>The optional ADQL features offered: declared in the capabilities, and the very set the checker enforces.</summary>
    public LanguageFeatureSet LanguageFeatures { get; } = languageFeatures;
    public DateTimeOffset UpSince { get; } = DateTimeOffset.UtcNow;

    public static readonly IReadOnlyList<OutputFormat> OutputFormats =
    [
        new("application/x-votable+xml", "votable", "ivo://ivoa.net/std/TAPRegExt#output-votable-binary2"),
        new("application/x-votable+xml;serialization=TABLEDATA", "votable/td", "ivo://ivoa.net/std/TAPRegExt#output-votable-td"),
        new("text/csv;header=present", "csv"),
        new("text/tab-separated-values", "tsv"),
        new("application/fits", "fits"),
    ];
}
