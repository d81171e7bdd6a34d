using VoSpec.Server.Vosi;

namespace VoSpec.Server.DataLink;

/// <summary>The {links} resource's VOSI capability (DataLink 1.1 standardID links-1.1).</summary>
public static class DataLinkCapabilities
{
    public static IReadOnlyList<ServiceCapability> Of(string baseUrl) =>
    [
        new("ivo://ivoa.net/std/DataLink#links-1.1", baseUrl + "/links", "1.1", "application/x-votable+xml;content=datalink"),
    ];
}
