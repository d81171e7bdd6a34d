using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using VoSpec.Archive;
using VoSpec.Server.Tap;

namespace VoSpec.Server.Vosi;

/// <summary>
/// VOSI <c>/capabilities</c> and <c>/availability</c> as siblings of a service's endpoints (SODA requires
/// both; DataLink and SSA clients and registries use them), and the one availability check all services share.
/// </summary>
public static class VosiEndpoints
{
    /// <summary>Maps the group's VOSI resources; <paramref name="capabilities"/> lists the service's own, given its base URL.</summary>
    public static RouteGroupBuilder MapVosi(this RouteGroupBuilder g, Func<string, IReadOnlyList<ServiceCapability>> capabilities)
    {
        g.MapGet("/capabilities", (HttpContext http) =>
        {
            string baseUrl = GroupBaseUrl(http);
            return Xml(s => ServiceCapabilitiesDocument.Write(s, baseUrl, capabilities(baseUrl)));
        });
        g.MapGet("/availability", (HttpContext http) =>
            Availability(http.RequestServices.GetRequiredService<SpectrumArchive>(), http.RequestServices.GetRequiredService<TapService>().UpSince));
        return g;
    }

    /// <summary>The VOSI availability document: up when the catalogue answers a query (a constant-time probe).</summary>
    public static IResult Availability(SpectrumArchive archive, DateTimeOffset upSince)
    {
        bool up;
        try { archive.Lookup.Probe(); up = true; }
        catch (Exception e) when (e is IOException || CatalogueFault.Of(e) is not null) { up = false; }
        return Xml(s => AvailabilityDocument.Write(s, up, upSince, up ? "the archive is open and answering" : "the archive's catalogue does not answer"));
    }

    public static IResult Xml(Action<Stream> write)
    {
        // The VOSI writers are synchronous XmlWriters and their documents small: written to memory, they go out
        // with a Content-Length in one write (no chunking, no final chunk for the client to wait for).
        var buffer = new MemoryStream();
        write(buffer);
        return Results.Bytes(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), VosiXml.ContentType);
    }

    // "http://host/soda/capabilities" → "http://host/soda".
    private static string GroupBaseUrl(HttpContext http)
    {
        string path = (http.Request.PathBase + http.Request.Path).Value ?? "";
        int cut = path.LastIndexOf('/');
        return $"{http.Request.Scheme}://{http.Request.Host}{(cut > 0 ? path[..cut] : "")}";
    }
}
