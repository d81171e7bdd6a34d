using VoSpec.Archive.Jobs;
using VoSpec.Archive.Queries;

namespace VoSpec.Archive.Catalogue;

/// <summary>
/// One catalogue backend (SQLite in the archive directory, or a PostgreSQL database): the answers the protocols ask
/// for, and what the archive itself needs to open, ingest and keep its settings. <see cref="SpectrumArchive"/> holds one.
/// </summary>
internal interface ICatalogue : ISpectrumLookup, ISpectrumSearch, IAdqlExecutor, IDisposable
{
    /// <summary>Where the catalogue lives, for logs (a file path, or the database without its password).</summary>
    string Location { get; }

    /// <summary>Creates what is missing (tables, indexes, TAP_SCHEMA) and upgrades an older layout; not on read-only media.</summary>
    void Create();

    /// <summary>On a read-only archive: the catalogue must exist with this build's version.</summary>
    void Check();

    string StoredPublicUrl();
    void StorePublicUrl(string publicUrl);

    IRegistryRecords RegistryRecords { get; }
    IJobStore OpenJobStore();

    /// <summary>Sets data_rights of every collection: proprietary when named, public otherwise; returns those that changed.</summary>
    IReadOnlyList<string> ApplyDataRights(IReadOnlyCollection<string> proprietary);

    /// <summary>The one writer of a collection (the ingest lock keeps it one per archive).</summary>
    ICatalogueWriter OpenWriter(string collection, string title, long expectedRows);
}
