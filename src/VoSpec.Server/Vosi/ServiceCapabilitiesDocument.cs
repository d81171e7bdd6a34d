using System.Xml;

namespace VoSpec.Server.Vosi;

/// <summary>
/// One standard capability of a DAL service: its standardID, the URL of its ParamHTTP interface, and
/// what that interface returns.
/// </summary>
public sealed record ServiceCapability(string StandardId, string Url, string? Version, string ResultType)
{
    /// <summary>The interface's role: "std" for the standard interface of the capability.</summary>
    public string Role { get; init; } = "std";
}

/// <summary>VOSI capabilities of a non-TAP service (SODA, DataLink, SSA): its own capability plus its VOSI resources.</summary>
public static class ServiceCapabilitiesDocument
{
    public static void Write(Stream output, string baseUrl, IReadOnlyList<ServiceCapability> capabilities)
    {
        using var w = VosiXml.Create(output);
        VosiXml.StartCapabilities(w);
        foreach (var c in capabilities)
        {
            w.WriteStartElement("capability");
            w.WriteAttributeString("standardID", c.StandardId);
            w.WriteStartElement("interface");
            w.WriteAttributeString("xsi", "type", VosiXml.Xsi, "vs:ParamHTTP");
            w.WriteAttributeString("role", c.Role);
            if (c.Version is not null) w.WriteAttributeString("version", c.Version);
            w.WriteStartElement("accessURL");
            w.WriteAttributeString("use", "base");
            w.WriteString(c.Url);
            w.WriteEndElement();
            // GET and POST both work. No queryType or param elements: pyVO's VOSI parser warns on them.
            w.WriteElementString("resultType", c.ResultType);
            w.WriteEndElement();
            w.WriteEndElement();
        }
        Simple(w, "ivo://ivoa.net/std/VOSI#capabilities", baseUrl + "/capabilities");
        Simple(w, "ivo://ivoa.net/std/VOSI#availability", baseUrl + "/availability");
        w.WriteEndElement();
        w.WriteEndDocument();
    }

    private static void Simple(XmlWriter w, string standardId, string url)
    {
        w.WriteStartElement("capability");
        w.WriteAttributeString("standardID", standardId);
        w.WriteStartElement("interface");
        w.WriteAttributeString("xsi", "type", VosiXml.Xsi, "vs:ParamHTTP");
        w.WriteAttributeString("version", "1.0");
        w.WriteStartElement("accessURL");
        w.WriteAttributeString("use", "full");
        w.WriteString(url);
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();
    }
}
