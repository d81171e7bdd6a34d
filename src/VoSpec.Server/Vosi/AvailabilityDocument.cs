using System.Globalization;

namespace VoSpec.Server.Vosi;

/// <summary>VOSI availability: whether the archive answers right now, and since when we are up.</summary>
public static class AvailabilityDocument
{
    public static void Write(Stream output, bool available, DateTimeOffset upSince, string note)
    {
        using var w = VosiXml.Create(output);
        w.WriteStartDocument();
        w.WriteStartElement("vosi", "availability", VosiXml.Availability);
        w.WriteElementString("available", VosiXml.Availability, available ? "true" : "false");
        w.WriteElementString("upSince", VosiXml.Availability, upSince.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        w.WriteElementString("note", VosiXml.Availability, note);
        w.WriteEndElement();
        w.WriteEndDocument();
    }
}
