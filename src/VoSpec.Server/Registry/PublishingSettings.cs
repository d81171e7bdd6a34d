namespace VoSpec.Server.Registry;

/// <summary>
/// What the operator says about the deployment for its registry records (VoSpec:Publishing:*): who publishes it, whom to
/// contact, what it is about. Everything else in the records (services, tables, coverage) comes from the archive and the
/// running server. The defaults give valid records for a local demo; a public deployment sets at least AuthorityId,
/// Publisher, ContactEmail and the server's PublicUrl (docs/publishing.md).
/// </summary>
public sealed record PublishingSettings
{
    /// <summary>The naming authority of every record (ivo://AUTHORITY/tap and so on); by default the archive's DID authority.</summary>
    public string? AuthorityId { get; init; }
    /// <summary>The organisation that runs the server (the publisher of every record).</summary>
    public string Publisher { get; init; } = "VoSpec demonstration archive";
    public string ContactName { get; init; } = "Archive operator";
    public string ContactEmail { get; init; } = "operator@example.org";
    public string Title { get; init; } = "VoSpec spectra";
    /// <summary>At most 16 characters (VOResource's shortName).</summary>
    public string ShortName { get; init; } = "VoSpec";
    public string Description { get; init; } = "One-dimensional optical spectra with their catalogue, searchable through TAP (ObsCore), SSA and a Data Lab style spectroscopic service, with DataLink links and SODA cutouts for every spectrum.";
    /// <summary>Subjects, preferably Unified Astronomy Thesaurus concepts.</summary>
    public string[] Subjects { get; init; } = ["spectroscopy", "redshift-surveys"];
    /// <summary>A page that describes the resources; by default the server's landing page.</summary>
    public string? ReferenceUrl { get; init; }
    /// <summary>VOResource content levels (General, Elementary Education, ..., Research).</summary>
    public string[] ContentLevels { get; init; } = ["Research"];
    /// <summary>Who made the data (the survey), written as creator of the collection records.</summary>
    public string? Creator { get; init; } = "Sloan Digital Sky Survey";
    public string? Facility { get; init; } = "SDSS 2.5m";
    /// <summary>The HEALPix order of the spatial coverage in records (the XSD asks for at least 6 and a MOC of a few dozen kB).</summary>
    public int RecordCoverageOrder { get; init; } = 6;
    /// <summary>The HEALPix order of the coverage kept at ingest and served at /coverage (fibre apertures at order 10 are 3.4′ cells).</summary>
    public int CoverageOrder { get; init; } = VoSpec.Archive.ArchiveOptions.DefaultCoverageOrder;
    /// <summary>Records per OAI-PMH answer before a resumption token.</summary>
    public int OaiPageSize { get; init; } = 100;
}
