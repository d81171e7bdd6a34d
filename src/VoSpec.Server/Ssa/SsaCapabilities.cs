using VoSpec.Server.Vosi;

namespace VoSpec.Server.Ssa;

/// <summary>SSA's VOSI capability: the queryData interface and its main parameters.</summary>
public static class SsaCapabilities
{
    public static IReadOnlyList<ServiceCapability> Of(string baseUrl) =>
    [
        new("ivo://ivoa.net/std/SSA", baseUrl, "1.1", "application/x-votable+xml"),
    ];
}
