using System.Xml;
using VoSpec.Adql.Feature;
using VoSpec.Server.Tap;

namespace VoSpec.Server.Vosi;

/// <summary>A result format the TAP service writes: its MIME type, short alias and TAPRegExt id if any.</summary>
public sealed record OutputFormat(string Mime, string Alias, string? IvoId = null);

/// <summary>VOSI capabilities of the TAP service (TAP 1.1 + TAPRegExt 1.0), plus VOSI and DALI examples.</summary>
public static class CapabilitiesDocument
{
    public static void Write(Stream output, string tapBaseUrl, IEnumerable<LanguageFeature> features, IEnumerable<OutputFormat> formats, TapLimits limits)
    {
        using var w = VosiXml.Create(output);
        VosiXml.StartCapabilities(w);
        w.WriteAttributeString("xmlns", "tr", null, VosiXml.TapRegExt);
        WriteCapabilities(w, tapBaseUrl, features, formats, limits);
        w.WriteEndElement();
        w.WriteEndDocument();
    }

    /// <summary>
    /// The TAP service's capability elements (TableAccess, the VOSI resources, DALI examples): in the VOSI document and in
    /// the service's registry record alike. The caller has declared the vr, vs, tr and xsi prefixes.
    /// </summary>
    public static void WriteCapabilities(XmlWriter w, string tapBaseUrl, IEnumerable<LanguageFeature> features, IEnumerable<OutputFormat> formats, TapLimits limits)
    {
        w.WriteStartElement("capability");
        w.WriteAttributeString("standardID", "ivo://ivoa.net/std/TAP");
        w.WriteAttributeString("xsi", "type", VosiXml.Xsi, "tr:TableAccess");
        Interface(w, "vs:ParamHTTP", "base", tapBaseUrl, version: "1.1", role: "std");
        w.WriteStartElement("dataModel");
        w.WriteAttributeString("ivo-id", "ivo://ivoa.net/std/ObsCore#core-1.1");
        w.WriteString("ObsCore-1.1");
        w.WriteEndElement();
        w.WriteStartElement("language");
        w.WriteElementString("name", "ADQL");
        Version(w, "ivo://ivoa.net/std/ADQL#v2.0", "2.0");
        Version(w, "ivo://ivoa.net/std/ADQL#v2.1", "2.1");
        w.WriteElementString("description", "ADQL 2.1, translated to the catalogue database's SQL; cone constraints on positions use a spatial index");
        foreach (var group in features.GroupBy(f => f.Type))
        {
            w.WriteStartElement("languageFeatures");
            w.WriteAttributeString("type", group.Key);
            foreach (var f in group)
            {
                w.WriteStartElement("feature");
                w.WriteElementString("form", f.Form);
                VosiXml.Element(w, "description", f.Description);
                w.WriteEndElement();
            }
            w.WriteEndElement();
        }
        w.WriteEndElement();
        foreach (var f in formats)
        {
            w.WriteStartElement("outputFormat");
            if (f.IvoId is not null) w.WriteAttributeString("ivo-id", f.IvoId);
            w.WriteElementString("mime", f.Mime);
            w.WriteElementString("alias", f.Alias);
            w.WriteEndElement();
        }
        foreach (var method in new[] { "upload-inline", "upload-http" })
        {
            w.WriteStartElement("uploadMethod");
            w.WriteAttributeString("ivo-id", "ivo://ivoa.net/std/TAPRegExt#" + method);
            w.WriteEndElement();
        }
        Limit(w, "retentionPeriod", limits.RetentionSeconds, limits.RetentionSeconds, null);
        Limit(w, "executionDuration", limits.AsyncExecutionSeconds, limits.AsyncExecutionSeconds, null);
        Limit(w, "outputLimit", limits.DefaultMaxRec, limits.HardMaxRec, "row");
        w.WriteStartElement("uploadLimit");
        w.WriteStartElement("hard"); w.WriteAttributeString("unit", "byte"); w.WriteString(limits.UploadLimitBytes.ToString()); w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();

        Simple(w, "ivo://ivoa.net/std/VOSI#capabilities", "vs:ParamHTTP", "full", tapBaseUrl + "/capabilities", "1.0");
        Simple(w, "ivo://ivoa.net/std/VOSI#availability", "vs:ParamHTTP", "full", tapBaseUrl + "/availability", "1.0");
        Simple(w, "ivo://ivoa.net/std/VOSI#tables-1.1", "vs:ParamHTTP", "base", tapBaseUrl + "/tables", "1.1");
        Simple(w, "ivo://ivoa.net/std/DALI#examples", "vr:WebBrowser", "full", tapBaseUrl + "/examples", null);
    }

    private static void Interface(XmlWriter w, string type, string use, string url, string? version, string? role = null)
    {
        w.WriteStartElement("interface");
        w.WriteAttributeString("xsi", "type", VosiXml.Xsi, type);
        if (role is not null) w.WriteAttributeString("role", role);
        if (version is not null) w.WriteAttributeString("version", version);
        w.WriteStartElement("accessURL");
        w.WriteAttributeString("use", use);
        w.WriteString(url);
        w.WriteEndElement();
        w.WriteEndElement();
    }

    private static void Simple(XmlWriter w, string standardId, string type, string use, string url, string? version)
    {
        w.WriteStartElement("capability");
        w.WriteAttributeString("standardID", standardId);
        Interface(w, type, use, url, version);
        w.WriteEndElement();
    }

    private static void Version(XmlWriter w, string ivoId, string text)
    {
        w.WriteStartElement("version");
        w.WriteAttributeString("ivo-id", ivoId);
        w.WriteString(text);
        w.WriteEndElement();
    }

    private static void Limit(XmlWriter w, string name, long def, long hard, string? unit)
    {
        w.WriteStartElement(name);
        foreach (var (element, value) in new[] { ("default", def), ("hard", hard) })
        {
            w.WriteStartElement(element);
            if (unit is not null) w.WriteAttributeString("unit", unit);
            w.WriteString(value.ToString());
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }
}
