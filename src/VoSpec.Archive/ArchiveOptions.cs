namespace VoSpec.Archive;

/// <summary>Settings of an archive that end up in its rows (identifiers and links).</summary>
public sealed record ArchiveOptions
{
    /// <summary>The IVOA naming authority in publisher DIDs: ivo://AUTHORITY/collection?specobjid.</summary>
    public string Authority { get; init; } = "vospec.local";

    public const string DefaultPublicUrl = "http://127.0.0.1:5000/";

    /// <summary>
    /// The server's public base URL (ending in '/'): access_url values start with it. Null keeps the
    /// URL the archive already uses (or the default, for a new archive).
    /// </summary>
    public string? PublicUrl { get; init; }

    /// <summary>Spectra per ingest transaction.</summary>
    public int IngestBatchSize { get; init; } = 500;
}
