using VoSpec.Engine;

namespace VoSpec.Server.SpecService;

/// <summary>Limits of the /spec service: <see cref="Hosting.ServerSettings.Spec"/>, configuration section VoSpec:Spec.</summary>
public sealed record SpecServiceLimits
{
    /// <summary>Most ids one getSpec/listSpan request may list; more is answered 413.</summary>
    public int MaxIds { get; init; } = 50_000;
    /// <summary>Longest aligned grid (pixels) a getSpec may ask for.</summary>
    public int MaxAlignedLength { get; init; } = AlignmentPlan.DefaultMaxLength;
    /// <summary>Longest form field (characters): an id_list sent as one comma/newline-separated text.</summary>
    public int MaxFieldLength { get; init; } = 4 << 20;
}
