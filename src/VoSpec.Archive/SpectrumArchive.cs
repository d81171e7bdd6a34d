using System.Collections.Concurrent;
using VoSpec.Archive.Catalogue;
using VoSpec.Archive.Jobs;
using VoSpec.Archive.Queries;
using VoSpec.Archive.Sqlite;
using VoSpec.Archive.Postgres;
using VoSpec.Archive.Pixels;
using VoSpec.Core.Spectra;

namespace VoSpec.Archive;

/// <summary>
/// An archive directory: the catalogue (SQLite: catalogue.sqlite, see <see cref="SqliteCatalogue"/>; or a PostgreSQL
/// database named by <see cref="ArchiveOptions.Database"/>, see <see cref="PostgresCatalogue"/>) and one pixel store
/// file per collection (pixels/NAME.px). Opening creates what is missing. The protocols ask the catalogue
/// through <see cref="Lookup"/>, <see cref="Search"/>, <see cref="Adql"/> and <see cref="OpenJobStore"/>, never in SQL.
/// Reading is safe from many threads; writing goes through <see cref="Ingest.Ingester"/>, one process at a time.
/// </summary>
public sealed class SpectrumArchive : IDisposable
{
    public const string CatalogueFileName = "catalogue.sqlite";
    public const string PixelsFolder = "pixels";

    private readonly ConcurrentDictionary<string, PixelStoreReader> _readers = new();
    private readonly ConcurrentDictionary<Type, ConcurrentQueue<IDisposable>> _kept = new();
    private volatile bool _disposed;
    private readonly ICatalogue _catalogue;

    static SpectrumArchive() => SqliteThreading.Configure();

    private SpectrumArchive(string directory, ArchiveOptions options, bool readOnlyMedium)
    {
        Directory = Path.GetFullPath(directory);
        Options = options;
        IsReadOnly = readOnlyMedium;
        _catalogue = options.Database is { Length: > 0 } database
            ? new PostgresCatalogue(this, database)
            : new SqliteCatalogue(this, readOnlyMedium);
    }

    public string Directory { get; }

    /// <summary>The catalogue's answers about named spectra and collections (DataLink, SODA, /spec, VOSI).</summary>
    public ISpectrumLookup Lookup => _catalogue;
    /// <summary>Searches by position, wavelength, time... (SSA).</summary>
    public ISpectrumSearch Search => _catalogue;
    /// <summary>Checked ADQL on the catalogue (TAP, the /spec query call).</summary>
    public IAdqlExecutor Adql => _catalogue;
    /// <summary>The registry records the server publishes (OAI-PMH), kept with their datestamps.</summary>
    public IRegistryRecords RegistryRecords => _catalogue.RegistryRecords;

    /// <summary>The store of UWS jobs kept with this archive (their results in ARCHIVE/jobs).</summary>
    public IJobStore OpenJobStore() => _catalogue.OpenJobStore();

    /// <summary>The SQLite catalogue itself: connections and statements for ingest, tools and tests, never for the server.</summary>
    public SqliteCatalogue Sqlite => _catalogue as SqliteCatalogue
        ?? throw new InvalidOperationException($"the catalogue of {Directory} is in PostgreSQL ({_catalogue.Location}), not SQLite");

    /// <summary>Which database holds the catalogue.</summary>
    public CatalogueBackend Backend => _catalogue is SqliteCatalogue ? CatalogueBackend.Sqlite : CatalogueBackend.Postgres;

    /// <summary>The backend itself (migration between backends).</summary>
    internal ICatalogue Catalogue => _catalogue;

    internal ICatalogueWriter OpenWriter(string collection, string title, long expectedRows) => _catalogue.OpenWriter(collection, title, expectedRows);

    /// <summary>
    /// The archive sits on a medium that cannot be written (a read-only mount): it is served as it is — nothing is
    /// created, upgraded or rewritten at open, and every write fails (SQLITE_READONLY).
    /// </summary>
    public bool IsReadOnly { get; }
    /// <summary>Where the catalogue lives (its file, or its database without the password): for logs.</summary>
    public string CataloguePath => _catalogue.Location;
    public ArchiveOptions Options { get; private set; }

    public static SpectrumArchive Open(string directory, ArchiveOptions? options = null)
    {
        CatalogueRows.CheckSchemasAreFilled();
        System.IO.Directory.CreateDirectory(directory);
        var archive = new SpectrumArchive(directory, options ?? new ArchiveOptions(), !CanWrite(directory));
        if (archive.IsReadOnly)
        {
            archive._catalogue.Check();
            archive.Options = archive.Options with { PublicUrl = archive.Options.PublicUrl ?? archive._catalogue.StoredPublicUrl() };
            return archive;
        }
        System.IO.Directory.CreateDirectory(Path.Combine(archive.Directory, PixelsFolder));
        archive._catalogue.Create();
        archive.SetPublicUrl(archive.Options.PublicUrl ?? archive._catalogue.StoredPublicUrl());
        return archive;
    }

    /// <summary>Whether a file can be created in <paramref name="directory"/> (false on a read-only mount, whoever we are).</summary>
    private static bool CanWrite(string directory)
    {
        var probe = Path.Combine(directory, $".vospec-write-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose)) { }
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A full disk still lets us create an empty file; what fails here is a read-only file system or permissions.
            return false;
        }
    }

    /// <summary>The base URL every access_url is answered with (it is stored relative to it).</summary>
    public string PublicUrl => Options.PublicUrl!;

    /// <summary>
    /// The server's public base URL (another port, a proxy). access_url is stored relative to it and answered with it in
    /// front, so changing it rewrites no row: a start on a new address costs the same at any size.
    /// </summary>
    public void SetPublicUrl(string publicUrl)
    {
        if (!publicUrl.EndsWith('/')) publicUrl += "/";
        if (!IsReadOnly) _catalogue.StorePublicUrl(publicUrl);
        Options = Options with { PublicUrl = publicUrl };
    }

    /// <summary>
    /// Sets ObsCore's data_rights of every collection from the configuration: proprietary when named, public otherwise.
    /// Returns the collections that changed (none on a read-only archive, which keeps what it has).
    /// </summary>
    public IReadOnlyList<string> ApplyDataRights(IReadOnlyCollection<string> proprietary) => _catalogue.ApplyDataRights(proprietary);


    /// <summary>
    /// The spectrum's vectors, viewed in place in the memory-mapped pixel store — or, for a spectrum ingested in place,
    /// merged from its source file (<see cref="SourceFiles"/>: a <see cref="VoSpec.Core.Faults.NotFoundException"/> when
    /// that file is gone or changed).
    /// </summary>
    public PixelData ReadPixels(SpectrumLocation location) => location.InSource
        ? _sources.Read(location)
        : PixelReader(location.Collection).Read(location.Offset, location.Length);

    /// <summary>
    /// Fails (<see cref="VoSpec.Core.Faults.NotFoundException"/>) when a spectrum among <paramref name="locations"/> is
    /// served from a source file that is gone or changed since ingest: a response of several spectra checks before it
    /// starts, rather than failing half-way through.
    /// </summary>
    public static void CheckSources(IEnumerable<SpectrumLocation> locations) => SourceFiles.Check(locations);

    private readonly SourceFiles _sources = new();

    /// <summary>
    /// A DESI spectrum's arms as its source file has them, for {links}: null when it is not a DESI spectrum or its file is
    /// gone, changed (in place) or no longer holds it (<see cref="SourceArms.Describe"/>).
    /// </summary>
    public SpectrumArms? Arms(Dataset dataset) => _arms.Describe(dataset);

    /// <summary>
    /// Writes one arm of a DESI spectrum as FITS, read from its source file after checking it against the archive's merged
    /// spectrum (<see cref="SourceArms.Write"/>): a <see cref="VoSpec.Core.Faults.NotFoundException"/> when it cannot be served.
    /// </summary>
    public VoSpec.Fits.Desi.DesiArmLayout WriteArm(Dataset dataset, string arm, Stream output) =>
        _arms.Write(dataset, arm, output, () => ReadPixels(dataset.Location).ToArrays());

    private readonly SourceArms _arms = new();

    internal PixelStoreReader PixelReader(string collection) => _readers.GetOrAdd(collection, c => new PixelStoreReader(PixelFilePath(c)));

    public string PixelFilePath(string collection) => Path.Combine(Directory, PixelsFolder, collection + ".px");

    /// <summary>Metadata and a managed copy of every vector; for callers that need a whole Spectrum.</summary>
    public Spectrum? Load(string collection, long specObjId)
    {
        var loc = _catalogue.Locate(collection, specObjId);
        if (loc is null) return null;
        var meta = _catalogue.LoadMeta(loc.Value.SpecId)!;
        return new Spectrum { Meta = meta, Arrays = ReadPixels(loc.Value).ToArrays() };
    }

    /// <summary>
    /// A <typeparamref name="T"/> kept from an earlier <see cref="Return{T}"/> (or a new one from <paramref name="create"/>):
    /// for objects that hold an open connection and prepared statements, which cost more to set up than a point lookup.
    /// </summary>
    public T Rent<T>(Func<SpectrumArchive, T> create) where T : class, IDisposable =>
        _kept.TryGetValue(typeof(T), out var queue) && queue.TryDequeue(out var kept) ? (T)kept : create(this);

    /// <summary>Keeps <paramref name="item"/> for the next <see cref="Rent{T}"/>; a few per type (one per busy thread), the rest are disposed.</summary>
    public void Return<T>(T item) where T : class, IDisposable
    {
        var queue = _kept.GetOrAdd(typeof(T), _ => new());
        if (_disposed || queue.Count >= 2 * Environment.ProcessorCount + 2) { item.Dispose(); return; }
        queue.Enqueue(item);
        // Disposed meanwhile: whatever was just added must not outlive the archive.
        if (_disposed) DisposeKept();
    }

    private void DisposeKept()
    {
        foreach (var queue in _kept.Values)
            while (queue.TryDequeue(out var item)) item.Dispose();
    }

    public void Dispose()
    {
        _disposed = true;
        DisposeKept();
        foreach (var r in _readers.Values) r.Dispose();
        _readers.Clear();
        _sources.Dispose();
        _catalogue.Dispose();
    }
}

/// <summary>The database that holds an archive's catalogue.</summary>
public enum CatalogueBackend { Sqlite, Postgres }
