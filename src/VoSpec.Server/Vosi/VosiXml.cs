using System.Text;
using System.Xml;

namespace VoSpec.Server.Vosi;

/// <summary>Namespaces and the XmlWriter settings every VOSI document uses.</summary>
public static class VosiXml
{
    public const string Xsi = "http://www.w3.org/2001/XMLSchema-instance";
    public const string VoResource = "http://www.ivoa.net/xml/VOResource/v1.0";
    public const string VoDataService = "http://www.ivoa.net/xml/VODataService/v1.1";
    public const string TapRegExt = "http://www.ivoa.net/xml/TAPRegExt/v1.0";
    public const string Capabilities = "http://www.ivoa.net/xml/VOSICapabilities/v1.0";
    public const string Availability = "http://www.ivoa.net/xml/VOSIAvailability/v1.0";
    public const string Tables = "http://www.ivoa.net/xml/VOSITables/v1.0";

    public const string ContentType = "text/xml; charset=utf-8";

    public static XmlWriter Create(Stream output) => XmlWriter.Create(output, new XmlWriterSettings
    {
        Encoding = new UTF8Encoding(false),
        Indent = true,
        Async = true,
        CloseOutput = false,
    });

    /// <summary>Starts a VOSI capabilities document with the namespaces every capability uses.</summary>
    public static void StartCapabilities(XmlWriter w)
    {
        w.WriteStartDocument();
        w.WriteStartElement("vosi", "capabilities", Capabilities);
        w.WriteAttributeString("xmlns", "vr", null, VoResource);
        w.WriteAttributeString("xmlns", "vs", null, VoDataService);
        w.WriteAttributeString("xmlns", "xsi", null, Xsi);
    }

    /// <summary>An element with only text content, skipped when the text is null or empty.</summary>
    public static void Element(XmlWriter w, string name, string? text)
    {
        if (!string.IsNullOrEmpty(text)) w.WriteElementString(name, text);
    }
}
