using VoSpec.Core.Spectra;

namespace VoSpec.Archive.Queries;

/// <summary>What {links} and SODA need to know about one spectrum, read in one query.</summary>
public sealed record Dataset(
    string Did,
    SpectrumLocation Location,
    string ObsId,
    double EmMin, double EmMax,
    double Ra, double Dec, double ApertureRadius,
    double? TMin, double? TMax,
    string? SourcePath, long? SourceBytes,
    string Instrument)
{
    /// <summary>
    /// The spectrum's catalogue metadata, when the lookup read it with the dataset (<see cref="IDatasetFinder.FindWithMeta"/>
    /// on PostgreSQL: one round trip, not two); null: ask <see cref="ISpectrumLookup.LoadMeta"/>.
    /// </summary>
    public SpectrumMeta? Meta { get; init; }
}

/// <summary>How a <see cref="RelatedSpectrum"/> stands to the spectrum asked about (DataLink's semantics).</summary>
public enum SpectrumRelation
{
    /// <summary>Made into the spectrum asked about (a single exposure of a coadd): #progenitor.</summary>
    Progenitor,
    /// <summary>Made from the spectrum asked about (the coadd a single exposure went into): #derivation.</summary>
    Derivation,
}

/// <summary>
/// Another spectrum in the archive that the one asked about was made from or went into: DESI's coadd of a target
/// and the single exposures of the same target and grouping, when both files were ingested.
/// </summary>
public sealed record RelatedSpectrum(
    SpectrumRelation Relation,
    string Did,
    string ObsId,
    string Collection,
    long? ExpId,
    int NPix,
    string Instrument);

/// <summary>A spectrum named by its SDSS fibre: plate, MJD and fibre number.</summary>
public readonly record struct FibreKey(int Plate, int Mjd, int FiberId);

/// <summary>
/// A lookup kept open for many identifiers (a {links} request with 50 IDs): the backend keeps its connection and
/// prepared statement for the next request when the finder is disposed after a clean run.
/// </summary>
public interface IDatasetFinder : IDisposable
{
    /// <summary>The spectrum <paramref name="specObjId"/> of <paramref name="collection"/>; null when there is none.</summary>
    /// <param name="did">The identifier as the caller gave it, kept in the answer.</param>
    Dataset? Find(string did, string collection, long specObjId);

    /// <summary>
    /// <see cref="Find"/> for a caller that will also need the spectrum's metadata (SODA, the dataset itself): a backend
    /// whose every statement is a round trip reads it in the same statement (<see cref="Dataset.Meta"/>); SQLite leaves it to LoadMeta.
    /// </summary>
    Dataset? FindWithMeta(string did, string collection, long specObjId) => Find(did, collection, specObjId);

    /// <summary>
    /// Says which spectra <see cref="Find"/> will be asked for next: a backend whose every statement is a network round
    /// trip (PostgreSQL) reads them all in one; SQLite, where a lookup costs microseconds, ignores it.
    /// </summary>
    void Prefetch(IReadOnlyCollection<(string Collection, long SpecObjId)> keys) { }

    /// <summary>
    /// The spectra <paramref name="dataset"/> was made from or went into (<see cref="Catalogue.SpectrumFamilies"/>), in every
    /// collection: the caller drops those it may not see. Empty, without a query, for a spectrum of no such family.
    /// </summary>
    IReadOnlyList<RelatedSpectrum> Related(Dataset dataset);
}

/// <summary>
/// The catalogue's answers about spectra the caller already names: by identifier (DataLink, SODA, previews), by
/// specobjid or fibre (the /spec service), and what the archive holds (collections, counts, the pixel stores).
/// Access rights are the caller's: it passes the collections it may see, or filters what comes back.
/// </summary>
public interface ISpectrumLookup
{
    /// <summary>Every collection with its statistics (spectra, wavelength and redshift ranges).</summary>
    IReadOnlyList<CollectionInfo> Collections();

    /// <summary>Every collection's name and title, without statistics (read from a small table).</summary>
    IReadOnlyList<(string Name, string Title)> CollectionNames();

    /// <summary>One collection's coverage (sky, time, wavelength, last change) as kept at ingest; null for an empty or unknown one.</summary>
    CollectionCoverage? Coverage(string collection);

    /// <summary>
    /// Each collection's spectral classes (specobj.class) with how many spectra have each, most first: kept at ingest
    /// (collection_classes), so the cost does not grow with the archive.
    /// </summary>
    IReadOnlyDictionary<string, IReadOnlyList<(string Class, long Count)>> CollectionClasses();

    /// <summary>How many spectra the archive (or one collection) holds; constant time.</summary>
    long CountSpectra(string? collection = null);

    /// <summary>Throws unless the catalogue answers a query; constant time (the probes of monitors and load balancers).</summary>
    void Probe();

    /// <summary>Each collection's pixel store and its committed length in bytes.</summary>
    IReadOnlyList<(string Collection, long Bytes)> PixelStores();

    SpectrumLocation? Locate(string collection, long specObjId);

    /// <summary>The catalogue metadata of one spectrum.</summary>
    SpectrumMeta? LoadMeta(long specId);

    IDatasetFinder OpenDatasetFinder();

    /// <summary>
    /// For each distinct specobjid, every spectrum that has it in <paramref name="collections"/>; and for each fibre,
    /// the spectra with it in those collections (in the order of <paramref name="fibres"/>). One connection for all.
    /// </summary>
    (Dictionary<long, List<SpectrumLocation>> BySpecObjId, List<SpectrumLocation>[] ByFibre) LocateSpectra(
        IReadOnlyCollection<long> specObjIds, IReadOnlyList<FibreKey> fibres, IReadOnlyCollection<string> collections);

    /// <summary>Any public spectrum's DID and position (the warm-up's sample requests); null in an archive without one.</summary>
    (string Did, double Ra, double Dec)? AnyPublicSpectrum();
}
