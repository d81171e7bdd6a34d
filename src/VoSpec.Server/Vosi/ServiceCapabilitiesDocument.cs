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
        WriteCapabilities(w, baseUrl, capabilities);
        w.WriteEndElement();
        w.WriteEndDocument();
    }

    /// <summary>The service's capability elements and its VOSI ones, in the VOSI document and in registry records alike.</summary>
    public static void WriteCapabilities(XmlWriter w, string baseUrl, IReadOnlyList<ServiceCapability> capabilities)
    {
        foreach (var c in capabilities) WriteCapability(w, c);
        Simple(w, "ivo://ivoa.net/std/VOSI#capabilities", baseUrl + "/capabilities");
        Simple(w, "ivo://ivoa.net/std/VOSI#availability", baseUrl + "/availability");
    }

    /// <summary>One capability with its ParamHTTP interface.</summary>
    public static void WriteCapability(XmlWriter w, ServiceCapability c)
    {
        w.WriteStartElement("capability");
        w.WriteAttributeString("standardID", c.StandardId);
        WriteInterface(w, c);
        w.WriteEndElement();
    }

    /// <summary>A capability's ParamHTTP interface (GET and POST both work).</summary>
    public static void WriteInterface(XmlWriter w, ServiceCapability c)
    {
        w.WriteStartElement("interface");
        w.WriteAttributeString("xsi", "type", VosiXml.Xsi, "vs:ParamHTTP");
        w.WriteAttributeString("role", c.Role);
        if (c.Version is not null) w.WriteAttributeString("version", c.Version);
        w.WriteStartElement("accessURL");
        w.WriteAttributeString("use", "base");
        w.WriteString(c.Url);
        w.WriteEndElement();
        // No queryType or param elements: pyVO's VOSI parser warns on them.
        w.WriteElementString("resultType", c.ResultType);
        w.WriteEndElement();
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
