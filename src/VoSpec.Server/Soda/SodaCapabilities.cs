using VoSpec.Server.Vosi;

namespace VoSpec.Server.Soda;

/// <summary>SODA's VOSI capability (SODA 1.0 §2: a SODA service has VOSI capabilities and availability).</summary>
public static class SodaCapabilities
{
    public static IReadOnlyList<ServiceCapability> Of(string baseUrl) =>
    [
        new("ivo://ivoa.net/std/SODA#sync-1.0", baseUrl + "/sync", "1.0", "application/fits"),
    ];
}
