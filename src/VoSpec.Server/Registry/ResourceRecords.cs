using System.Globalization;
using System.Text;
using System.Xml;
using VoSpec.Archive;
using VoSpec.Core.Schema;
using VoSpec.Core.Sky;
using VoSpec.Server.Tap;
using VoSpec.Server.Vosi;

namespace VoSpec.Server.Registry;

/// <summary>
/// One VOResource record as it is now: identifier, OAI-PMH set and the whole <c>ri:Resource</c> element, whose
/// created/updated/status attributes are left as placeholders that <see cref="RegistryPublisher"/> fills from the
/// stored datestamps (so that a record's text, and not the clock, decides whether it changed).
/// </summary>
public sealed record ResourceRecord(string Identifier, string Title, string Type, string Body)
{
    public const string Set = "ivo_managed";
    public const string CreatedMark = "@CREATED@", UpdatedMark = "@UPDATED@", StatusMark = "@STATUS@";
}

/// <summary>
/// The registry records of this deployment, made from <see cref="PublishingSettings"/> and from what the archive and the
/// server hold: the naming authority, the organisation, this publishing registry, the TAP, SSA and /spec services (each
/// with the DataLink and SODA capabilities its results lead to), and one data collection record per public collection
/// (IVOA Discovering Data Collections: auxiliary TAP and SSA capabilities). Coverage comes from the archive: the sky as
/// a MOC, time as MJD and wavelength as energy intervals (VODataService 1.2).
/// </summary>
public sealed class ResourceRecords(PublishingSettings settings, string authority, string publicUrl, TapService tap)
{
    public const string RegistryInterface = "http://www.ivoa.net/xml/RegistryInterface/v1.0";
    public const string VoRegistry = "http://www.ivoa.net/xml/VORegistry/v1.0";
    public const string Ssa = "http://www.ivoa.net/xml/SSA/v1.1";
    public const string MocStandard = "ivo://ivoa.net/std/MOC";
    private const double PlanckTimesLight = 1.98644586e-25; // h·c in J·m: E = hc/λ

    /// <summary>ivo://AUTHORITY, the root of every identifier here.</summary>
    public string Root { get; } = "ivo://" + authority;
    private string Id(string key) => Root + "/" + key;
    private string Url(string path) => publicUrl + path;

    public IReadOnlyList<ResourceRecord> Make(IReadOnlyList<CollectionCoverage> collections)
    {
        var all = collections.Count == 0 ? null : collections.Aggregate(Union);
        var records = new List<ResourceRecord>
        {
            Authority(), Organisation(), Registry(),
            Service("tap", "vs:CatalogService", settings.Title + " — TAP service",
                "Table Access Protocol service (TAP 1.1, ADQL 2.1) on the archive's ObsCore table and its spectroscopic catalogue. " + settings.Description,
                ["Archive", "Catalog"], w =>
                {
                    CapabilitiesDocument.WriteCapabilities(w, Url("tap"), tap.LanguageFeatures, TapService.OutputFormats, tap.Limits);
                    LinkedCapabilities(w);
                }, all, w => { w.WriteStartElement("tableset"); TablesDocument.WriteSchemas(w, SchemaCatalog.Published, withColumns: true); w.WriteEndElement(); }),
            Service("ssa", "vs:CatalogService", settings.Title + " — SSA service",
                "Simple Spectral Access (SSA 1.1) on every public spectrum. " + settings.Description, ["Archive"], w =>
                {
                    SsaCapability(w);
                    LinkedCapabilities(w);
                }, all, null),
            Service("spec", "vs:DataService", settings.Title + " — spectroscopic data service",
                "A spectroscopic data service in the style of NOIRLab Data Lab's (its specClient works unchanged): catalogue queries, " +
                "spectra as aligned NumPy arrays, FITS, VOTable or CSV, and preview plots. Every call is described in OpenAPI.", ["Archive"], w =>
                {
                    w.WriteStartElement("capability");
                    w.WriteElementString("description", "The /spec calls (contexts, query, getSpec, preview...): HTTP GET and POST with JSON, NumPy, FITS or PNG answers.");
                    ServiceCapabilitiesDocument.WriteInterface(w, new ServiceCapability("", Url("spec"), null, "application/json") { Role = "std" });
                    w.WriteEndElement();
                    w.WriteStartElement("capability");
                    w.WriteElementString("description", "The OpenAPI reference of the /spec calls, for people.");
                    w.WriteStartElement("interface");
                    w.WriteAttributeString("xsi", "type", VosiXml.Xsi, "vr:WebBrowser");
                    w.WriteStartElement("accessURL"); w.WriteAttributeString("use", "full"); w.WriteString(Url("docs/api")); w.WriteEndElement();
                    w.WriteEndElement();
                    w.WriteEndElement();
                }, all, null, referenceUrl: Url("docs/api")),
        };
        records.AddRange(collections.Select(Collection));
        return records;
    }

    private static CollectionCoverage Union(CollectionCoverage a, CollectionCoverage b) => a with
    {
        Sky = a.Sky.Union(b.Sky),
        TMin = Min(a.TMin, b.TMin), TMax = Max(a.TMax, b.TMax),
        WaveMin = Min(a.WaveMin, b.WaveMin), WaveMax = Max(a.WaveMax, b.WaveMax),
        Spectra = a.Spectra + b.Spectra,
        Updated = a.Updated > b.Updated ? a.Updated : b.Updated,
    };
    private static double? Min(double? a, double? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);
    private static double? Max(double? a, double? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

    private ResourceRecord Authority() => Record(Root, "vg:Authority", settings.Publisher + " naming authority", null,
        "The naming authority of the resources that " + settings.Publisher + " publishes with VoSpec.", ["Other"], null, null, w =>
        {
            w.WriteStartElement("managingOrg");
            w.WriteAttributeString("ivo-id", Id("org"));
            w.WriteString(settings.Publisher);
            w.WriteEndElement();
        });

    private ResourceRecord Organisation() => Record(Id("org"), "vr:Organisation", settings.Publisher, null,
        settings.Publisher + " runs this VoSpec server and publishes its services.", ["Organisation"], null, null, w =>
        {
            if (settings.Facility is { Length: > 0 } f) w.WriteElementString("facility", f);
        });

    private ResourceRecord Registry() => Record(Id("registry"), "vg:Registry", settings.Title + " — publishing registry", null,
        "The OAI-PMH publishing registry of the resources under " + Root + ".", ["Registry"], null, null, w =>
        {
            w.WriteStartElement("capability");
            w.WriteAttributeString("xsi", "type", VosiXml.Xsi, "vg:Harvest");
            w.WriteAttributeString("standardID", "ivo://ivoa.net/std/Registry");
            w.WriteStartElement("interface");
            w.WriteAttributeString("xsi", "type", VosiXml.Xsi, "vg:OAIHTTP");
            w.WriteAttributeString("role", "std");
            w.WriteAttributeString("version", "1.0");
            w.WriteStartElement("accessURL"); w.WriteAttributeString("use", "base"); w.WriteString(Url("oai")); w.WriteEndElement();
            w.WriteEndElement();
            w.WriteElementString("maxRecords", Math.Max(1, settings.OaiPageSize).ToString(CultureInfo.InvariantCulture));
            w.WriteEndElement();
            w.WriteElementString("full", "false");
            w.WriteElementString("managedAuthority", authority);
        });

    private ResourceRecord Service(string key, string type, string title, string description, string[] contentTypes, Action<XmlWriter> capabilities,
        CollectionCoverage? coverage, Action<XmlWriter>? tableset, string? referenceUrl = null) =>
        Record(Id(key), type, title, null, description, contentTypes, null, referenceUrl, w =>
        {
            capabilities(w);
            if (settings.Facility is { Length: > 0 } f) w.WriteElementString("facility", f);
            if (coverage is not null) Coverage(w, coverage, Url("coverage"));
            tableset?.Invoke(w);
        });

    private ResourceRecord Collection(CollectionCoverage c)
    {
        string description = string.Create(CultureInfo.InvariantCulture,
            $"The {c.Name} collection: {c.Spectra:N0} one-dimensional spectra") +
            (c.WaveMin is { } lo && c.WaveMax is { } hi ? string.Create(CultureInfo.InvariantCulture, $" from {lo:0} to {hi:0} Å") : "") +
            ", each with its catalogue row in ivoa.obscore and spec.specobj, DataLink links and SODA cutouts.";
        return Record(Id(c.Name), "vs:CatalogResource", settings.Title + " — " + c.Name, null, description, ["Survey"], c,
            null, w =>
            {
                Auxiliary(w, "ivo://ivoa.net/std/TAP#aux", Url("tap"), "1.1", "application/x-votable+xml");
                Auxiliary(w, "ivo://ivoa.net/std/SSA#aux", Url("ssa"), "1.1", "application/x-votable+xml");
                if (settings.Facility is { Length: > 0 } f) w.WriteElementString("facility", f);
                Coverage(w, c, Url("coverage/" + Uri.EscapeDataString(c.Name)));
                w.WriteStartElement("tableset");
                TablesDocument.WriteSchemas(w, SchemaCatalog.Published.Where(t => t.QualifiedName is "ivoa.obscore" or "spec.specobj").ToList(), withColumns: false);
                w.WriteEndElement();
            }, servedBy: [Id("tap"), Id("ssa")]);
    }

    /// <summary>An auxiliary capability (Discovering Data Collections): the service's own interface, found from the collection.</summary>
    private static void Auxiliary(XmlWriter w, string standardId, string url, string version, string resultType)
    {
        w.WriteStartElement("capability");
        w.WriteAttributeString("standardID", standardId);
        ServiceCapabilitiesDocument.WriteInterface(w, new ServiceCapability(standardId, url, version, resultType));
        w.WriteEndElement();
    }

    /// <summary>The DataLink and SODA services that every TAP and SSA result row leads to.</summary>
    private void LinkedCapabilities(XmlWriter w)
    {
        foreach (var c in DataLink.DataLinkCapabilities.Of(Url("datalink")).Concat(Soda.SodaCapabilities.Of(Url("soda"))))
            ServiceCapabilitiesDocument.WriteCapability(w, c);
    }

    private void SsaCapability(XmlWriter w)
    {
        w.WriteStartElement("capability");
        w.WriteAttributeString("standardID", "ivo://ivoa.net/std/SSA");
        w.WriteAttributeString("xsi", "type", VosiXml.Xsi, "ssa:SimpleSpectralAccess");
        ServiceCapabilitiesDocument.WriteInterface(w, new ServiceCapability("ivo://ivoa.net/std/SSA", Url("ssa"), "1.1", "application/x-votable+xml"));
        w.WriteElementString("complianceLevel", "minimal");
        w.WriteElementString("dataSource", "survey");
        w.WriteElementString("creationType", "archival");
        w.WriteElementString("creationType", "cutout");
        w.WriteElementString("supportedFrame", "ICRS");
        w.WriteElementString("maxSearchRadius", "180");
        w.WriteElementString("maxRecords", tap.Limits.HardMaxRec.ToString(CultureInfo.InvariantCulture));
        w.WriteElementString("defaultMaxRecords", tap.Limits.DefaultMaxRec.ToString(CultureInfo.InvariantCulture));
        w.WriteStartElement("testQuery");
        w.WriteStartElement("pos");
        w.WriteElementString("long", "180");
        w.WriteElementString("lat", "0");
        w.WriteElementString("refframe", "ICRS");
        w.WriteEndElement();
        w.WriteElementString("size", "1");
        w.WriteEndElement();
        w.WriteEndElement();
    }

    private void Coverage(XmlWriter w, CollectionCoverage c, string footprintUrl)
    {
        w.WriteStartElement("coverage");
        w.WriteElementString("spatial", c.Sky.Degrade(Math.Min(settings.RecordCoverageOrder, c.Sky.MaxOrder)).ToAscii());
        if (c.TMin is { } t0 && c.TMax is { } t1) w.WriteElementString("temporal", Interval(t0, t1));
        if (c.WaveMin is { } l0 && c.WaveMax is { } l1 && l0 > 0 && l1 > 0)
            w.WriteElementString("spectral", Interval(PlanckTimesLight / (l1 * 1e-10), PlanckTimesLight / (l0 * 1e-10)));
        w.WriteStartElement("footprint");
        w.WriteAttributeString("ivo-id", MocStandard);
        w.WriteString(footprintUrl + "?format=fits");
        w.WriteEndElement();
        w.WriteElementString("waveband", "Optical");
        w.WriteEndElement();
    }

    private static string Interval(double lo, double hi) => string.Create(CultureInfo.InvariantCulture, $"{lo:R} {hi:R}");

    /// <summary>A whole ri:Resource element; <paramref name="rest"/> writes what follows content (capabilities, coverage...).</summary>
    private ResourceRecord Record(string identifier, string type, string title, string? shortName, string description, string[] contentTypes,
        CollectionCoverage? updated, string? referenceUrl, Action<XmlWriter> rest, string[]? servedBy = null)
    {
        var sb = new StringBuilder();
        using (var w = XmlWriter.Create(sb, new XmlWriterSettings { OmitXmlDeclaration = true, Indent = true, ConformanceLevel = ConformanceLevel.Fragment }))
        {
            w.WriteStartElement("ri", "Resource", RegistryInterface);
            // The record's children are unqualified (VOResource), also inside an answer whose default namespace is OAI-PMH's.
            w.WriteAttributeString("xmlns", "");
            w.WriteAttributeString("xmlns", "vr", null, VosiXml.VoResource);
            w.WriteAttributeString("xmlns", "vs", null, VosiXml.VoDataService);
            w.WriteAttributeString("xmlns", "vg", null, VoRegistry);
            w.WriteAttributeString("xmlns", "tr", null, VosiXml.TapRegExt);
            w.WriteAttributeString("xmlns", "ssa", null, Ssa);
            w.WriteAttributeString("xmlns", "xsi", null, VosiXml.Xsi);
            w.WriteAttributeString("xsi", "type", VosiXml.Xsi, type);
            w.WriteAttributeString("created", ResourceRecord.CreatedMark);
            w.WriteAttributeString("updated", ResourceRecord.UpdatedMark);
            w.WriteAttributeString("status", ResourceRecord.StatusMark);
            w.WriteAttributeString("version", "1.1");
            w.WriteElementString("title", title);
            if (shortName is not null) w.WriteElementString("shortName", shortName);
            w.WriteElementString("identifier", identifier);
            w.WriteStartElement("curation");
            w.WriteStartElement("publisher");
            w.WriteAttributeString("ivo-id", Id("org"));
            w.WriteString(settings.Publisher);
            w.WriteEndElement();
            if (updated is not null && settings.Creator is { Length: > 0 } creator)
            {
                w.WriteStartElement("creator");
                w.WriteElementString("name", creator);
                w.WriteEndElement();
            }
            if (updated is not null)
            {
                // What ingest last changed in the collection: a new date here changes the record (and its OAI datestamp).
                w.WriteStartElement("date");
                w.WriteAttributeString("role", "Updated");
                w.WriteString(updated.Updated.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture));
                w.WriteEndElement();
            }
            w.WriteStartElement("contact");
            w.WriteElementString("name", settings.ContactName);
            w.WriteElementString("email", settings.ContactEmail);
            w.WriteEndElement();
            w.WriteEndElement();
            w.WriteStartElement("content");
            foreach (var s in settings.Subjects.Length > 0 ? settings.Subjects : ["spectroscopy"]) w.WriteElementString("subject", s);
            w.WriteElementString("description", description);
            w.WriteElementString("referenceURL", referenceUrl ?? settings.ReferenceUrl ?? publicUrl);
            foreach (var t in contentTypes) w.WriteElementString("type", t);
            foreach (var level in settings.ContentLevels) w.WriteElementString("contentLevel", level);
            if (servedBy is not null)
            {
                w.WriteStartElement("relationship");
                w.WriteElementString("relationshipType", "IsServedBy");
                foreach (var s in servedBy)
                {
                    w.WriteStartElement("relatedResource");
                    w.WriteAttributeString("ivo-id", s);
                    w.WriteString(s);
                    w.WriteEndElement();
                }
                w.WriteEndElement();
            }
            w.WriteEndElement();
            rest(w);
            w.WriteEndElement();
        }
        return new ResourceRecord(identifier, title, type, sb.ToString());
    }
}
