using System.Globalization;
using System.Xml;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using VoSpec.Server.Vosi;

namespace VoSpec.Server.Registry;

/// <summary>
/// The publishing registry at <c>/oai</c>: OAI-PMH 2.0 (GET or POSTed form) over <see cref="RegistryPublisher"/>'s
/// records, in the ivo_vor and oai_dc formats, with the set ivo_managed (IVOA Registry Interfaces 1.1). Every
/// bad request gets OAI-PMH's own error element, with HTTP 200 as the protocol wants.
/// </summary>
public static class OaiPmhEndpoints
{
    public const string Oai = "http://www.openarchives.org/OAI/2.0/";
    public const string OaiDc = "http://www.openarchives.org/OAI/2.0/oai_dc/";
    public const string DublinCore = "http://purl.org/dc/elements/1.1/";
    private const string Granularity = "YYYY-MM-DDThh:mm:ssZ";
    private const string DateFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    public static IEndpointRouteBuilder MapOaiPmh(this IEndpointRouteBuilder app)
    {
        app.MapGet("/oai", (HttpContext http, RegistryPublisher registry) => Answer(http, registry, http.Request.Query.SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v ?? "")))));
        app.MapPost("/oai", async (HttpContext http, RegistryPublisher registry) =>
        {
            var values = http.Request.Query.SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v ?? ""))).ToList();
            if (http.Request.HasFormContentType)
            {
                try
                {
                    var form = await http.Request.ReadFormAsync(http.RequestAborted);
                    values.AddRange(form.SelectMany(f => f.Value.Select(v => KeyValuePair.Create(f.Key, v ?? ""))));
                }
                catch (InvalidDataException) { return Error(http, null, new OaiException("badArgument", "the POSTed form could not be read")); }
            }
            return Answer(http, registry, values);
        });
        return app;
    }

    // The public URL, as in the registry's own record (what the Registry of Registries compares), not the request's host.
    private static string BaseUrl(HttpContext http) => http.RequestServices.GetRequiredService<VoSpec.Archive.SpectrumArchive>().PublicUrl + "oai";

    private static IResult Answer(HttpContext http, RegistryPublisher registry, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        OaiRequest request;
        try { request = OaiRequest.Parse(parameters); }
        catch (OaiException e) { return Error(http, null, e); }
        try
        {
            var records = registry.Records();
            return Document(http, request, w =>
            {
                switch (request.Verb)
                {
                    case "Identify": Identify(w, http, registry, records); break;
                    case "ListMetadataFormats": ListMetadataFormats(w, request, records); break;
                    case "ListSets": ListSets(w, request); break;
                    case "GetRecord": GetRecord(w, request, records); break;
                    default: List(w, request, records, registry.Settings.OaiPageSize); break;
                }
            });
        }
        catch (OaiException e) { return Error(http, request, e); }
    }

    private static IResult Error(HttpContext http, OaiRequest? request, OaiException e) =>
        // badVerb and badArgument answers echo the base URL only (OAI-PMH §3.2).
        Document(http, e.Code is "badVerb" or "badArgument" ? null : request, w =>
        {
            w.WriteStartElement("error", Oai);
            w.WriteAttributeString("code", e.Code);
            w.WriteString(e.Message);
            w.WriteEndElement();
        });

    /// <summary>The envelope; the verb's content is written into memory first so that an OAI error can still replace it.</summary>
    private static IResult Document(HttpContext http, OaiRequest? request, Action<XmlWriter> body)
    {
        var buffer = new MemoryStream();
        using (var w = VosiXml.Create(buffer))
        {
            w.WriteStartDocument();
            w.WriteStartElement("OAI-PMH", Oai);
            w.WriteAttributeString("xmlns", "xsi", null, VosiXml.Xsi);
            w.WriteAttributeString("xsi", "schemaLocation", VosiXml.Xsi, Oai + " http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd");
            w.WriteElementString("responseDate", Oai, DateTimeOffset.UtcNow.UtcDateTime.ToString(DateFormat, CultureInfo.InvariantCulture));
            w.WriteStartElement("request", Oai);
            if (request is not null)
            {
                w.WriteAttributeString("verb", request.Verb);
                foreach (var (k, v) in request.Arguments) w.WriteAttributeString(k, v);
            }
            w.WriteString(BaseUrl(http));
            w.WriteEndElement();
            body(w);
            w.WriteEndElement();
            w.WriteEndDocument();
        }
        return Results.Bytes(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), VosiXml.ContentType);
    }

    private static void Identify(XmlWriter w, HttpContext http, RegistryPublisher registry, IReadOnlyList<StoredRecord> records)
    {
        var settings = registry.Settings;
        w.WriteStartElement("Identify", Oai);
        w.WriteElementString("repositoryName", Oai, settings.Title + " — publishing registry");
        w.WriteElementString("baseURL", Oai, BaseUrl(http));
        w.WriteElementString("protocolVersion", Oai, "2.0");
        w.WriteElementString("adminEmail", Oai, settings.ContactEmail);
        var earliest = records.Count == 0 ? DateTimeOffset.UtcNow : records.Min(r => r.Created);
        w.WriteElementString("earliestDatestamp", Oai, earliest.UtcDateTime.ToString(DateFormat, CultureInfo.InvariantCulture));
        w.WriteElementString("deletedRecord", Oai, "persistent");
        w.WriteElementString("granularity", Oai, Granularity);
        // The registry's own record (IVOA Registry Interfaces: Identify carries the vg:Registry resource).
        var self = records.FirstOrDefault(r => r.Identifier == $"ivo://{registry.Authority}/registry" && !r.Deleted);
        if (self is not null)
        {
            w.WriteStartElement("description", Oai);
            Resource(w, self);
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }

    private static void ListMetadataFormats(XmlWriter w, OaiRequest request, IReadOnlyList<StoredRecord> records)
    {
        if (request["identifier"] is { } id && !records.Any(r => r.Identifier == id))
            throw new OaiException("idDoesNotExist", $"no record has the identifier {id}");
        w.WriteStartElement("ListMetadataFormats", Oai);
        Format(w, "ivo_vor", "http://www.ivoa.net/xml/RegistryInterface/v1.0", ResourceRecords.RegistryInterface);
        Format(w, "oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd", OaiDc);
        w.WriteEndElement();

        static void Format(XmlWriter w, string prefix, string schema, string ns)
        {
            w.WriteStartElement("metadataFormat", Oai);
            w.WriteElementString("metadataPrefix", Oai, prefix);
            w.WriteElementString("schema", Oai, schema);
            w.WriteElementString("metadataNamespace", Oai, ns);
            w.WriteEndElement();
        }
    }

    private static void ListSets(XmlWriter w, OaiRequest request)
    {
        if (request["resumptionToken"] is not null) throw new OaiException("badResumptionToken", "the list of sets is complete in one answer; no token was issued");
        w.WriteStartElement("ListSets", Oai);
        w.WriteStartElement("set", Oai);
        w.WriteElementString("setSpec", Oai, ResourceRecord.Set);
        w.WriteElementString("setName", Oai, "Resources managed by this registry");
        w.WriteEndElement();
        w.WriteEndElement();
    }

    private static void CheckPrefix(string prefix)
    {
        if (prefix is not ("ivo_vor" or "oai_dc"))
            throw new OaiException("cannotDisseminateFormat", $"records are not available as '{prefix}' (formats: ivo_vor, oai_dc)");
    }

    private static void GetRecord(XmlWriter w, OaiRequest request, IReadOnlyList<StoredRecord> records)
    {
        var id = request["identifier"]!;
        var record = records.FirstOrDefault(r => r.Identifier == id) ?? throw new OaiException("idDoesNotExist", $"no record has the identifier {id}");
        var prefix = request["metadataPrefix"]!;
        CheckPrefix(prefix);
        w.WriteStartElement("GetRecord", Oai);
        Record(w, record, prefix);
        w.WriteEndElement();
    }

    private static void List(XmlWriter w, OaiRequest request, IReadOnlyList<StoredRecord> records, int pageSize)
    {
        pageSize = Math.Max(1, pageSize);
        var token = request["resumptionToken"] is { } t ? ResumptionToken.Decode(t, request.Verb) : null;
        var (prefix, set, fromText, untilText) = token is null
            ? (request["metadataPrefix"]!, request["set"], request["from"], request["until"])
            : (token.Prefix, token.Set, token.From, token.Until);
        CheckPrefix(prefix);
        // Bounds re-read from the request the token carries (checked when it was decoded).
        var bounds = OaiRequest.Parse(new[] { KeyValuePair.Create("verb", request.Verb), KeyValuePair.Create("metadataPrefix", prefix) }
            .Concat(fromText is null ? [] : [KeyValuePair.Create("from", fromText)])
            .Concat(untilText is null ? [] : [KeyValuePair.Create("until", untilText)]));
        if (set is not null && set != ResourceRecord.Set)
            throw new OaiException("noRecordsMatch", $"there is no set '{set}' here (the one set is {ResourceRecord.Set})");
        var matching = records.Where(r => (bounds.From is not { } f || r.Updated >= f) && (bounds.Until is not { } u || r.Updated <= u)).ToList();
        int start = 0;
        if (token is not null)
        {
            start = matching.FindIndex(r => string.CompareOrdinal(r.Identifier, token.After) > 0);
            if (start < 0) start = matching.Count;
        }
        if (matching.Count == 0) throw new OaiException("noRecordsMatch", "no record matches the datestamps and set asked for");
        var page = matching.Skip(start).Take(pageSize).ToList();
        w.WriteStartElement(request.Verb, Oai);
        foreach (var r in page)
        {
            if (request.Verb == "ListIdentifiers") Header(w, r);
            else Record(w, r, prefix);
        }
        bool more = start + page.Count < matching.Count;
        if (token is not null || more)
        {
            w.WriteStartElement("resumptionToken", Oai);
            w.WriteAttributeString("completeListSize", matching.Count.ToString(CultureInfo.InvariantCulture));
            w.WriteAttributeString("cursor", start.ToString(CultureInfo.InvariantCulture));
            // The last part of a list carries an empty token.
            if (more) w.WriteString(new ResumptionToken(request.Verb, prefix, set, fromText, untilText, page[^1].Identifier, start + page.Count).Encode());
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }

    private static void Header(XmlWriter w, StoredRecord r)
    {
        w.WriteStartElement("header", Oai);
        if (r.Deleted) w.WriteAttributeString("status", "deleted");
        w.WriteElementString("identifier", Oai, r.Identifier);
        w.WriteElementString("datestamp", Oai, r.Updated.UtcDateTime.ToString(DateFormat, CultureInfo.InvariantCulture));
        w.WriteElementString("setSpec", Oai, r.Set);
        w.WriteEndElement();
    }

    private static void Record(XmlWriter w, StoredRecord r, string prefix)
    {
        w.WriteStartElement("record", Oai);
        Header(w, r);
        if (!r.Deleted)
        {
            w.WriteStartElement("metadata", Oai);
            if (prefix == "oai_dc") DublinCoreRecord(w, r);
            else Resource(w, r);
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }

    /// <summary>The stored ri:Resource with its datestamps and status filled in.</summary>
    private static void Resource(XmlWriter w, StoredRecord r)
    {
        string Date(DateTimeOffset t) => t.UtcDateTime.ToString(DateFormat, CultureInfo.InvariantCulture);
        w.WriteRaw(r.Body.Replace(ResourceRecord.CreatedMark, Date(r.Created), StringComparison.Ordinal)
            .Replace(ResourceRecord.UpdatedMark, Date(r.Updated), StringComparison.Ordinal)
            .Replace(ResourceRecord.StatusMark, "active", StringComparison.Ordinal));
    }

    /// <summary>Dublin Core from the VOResource record (what every OAI-PMH harvester reads).</summary>
    private static void DublinCoreRecord(XmlWriter w, StoredRecord r)
    {
        var doc = new XmlDocument();
        doc.LoadXml(r.Body.Replace(ResourceRecord.CreatedMark, "2000-01-01T00:00:00Z").Replace(ResourceRecord.UpdatedMark, "2000-01-01T00:00:00Z").Replace(ResourceRecord.StatusMark, "active"));
        var root = doc.DocumentElement!;
        string? Text(string path) => root.SelectSingleNode(path)?.InnerText;
        w.WriteStartElement("oai_dc", "dc", OaiDc);
        w.WriteAttributeString("xmlns", "dc", null, DublinCore);
        w.WriteAttributeString("xsi", "schemaLocation", VosiXml.Xsi, OaiDc + " http://www.openarchives.org/OAI/2.0/oai_dc.xsd");
        Dc("title", Text("title"));
        Dc("creator", Text("curation/creator/name"));
        foreach (XmlNode s in root.SelectNodes("content/subject")!) Dc("subject", s.InnerText);
        Dc("description", Text("content/description"));
        Dc("publisher", Text("curation/publisher"));
        Dc("date", r.Updated.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        foreach (XmlNode t in root.SelectNodes("content/type")!) Dc("type", t.InnerText);
        Dc("identifier", r.Identifier);
        Dc("identifier", Text("content/referenceURL"));
        w.WriteEndElement();

        void Dc(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value)) w.WriteElementString(name, DublinCore, value);
        }
    }
}
