using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;
using VoSpec.Archive.Catalogue;
using VoSpec.Archive.Jobs;
using VoSpec.Archive.Queries;
using VoSpec.Archive.Sqlite;
using VoSpec.Archive.Pixels;
using VoSpec.Core.Spectra;

namespace VoSpec.Archive;

/// <summary>
/// An archive directory: the SQLite catalogue (catalogue.sqlite) and one pixel store file per
/// collection (pixels/NAME.px). Opening creates what is missing. Reading is safe from many threads;
/// writing goes through <see cref="Ingest.Ingester"/>, one process at a time.
/// </summary>
public sealed class SpectrumArchive : IDisposable
{
    public const string CatalogueFileName = "catalogue.sqlite";
    public const string PixelsFolder = "pixels";

    private readonly ConcurrentDictionary<string, PixelStoreReader> _readers = new();
    private readonly string _readOnlyConnectionString;
    private readonly string _readWriteConnectionString;
    private readonly ConcurrentDictionary<Type, ConcurrentQueue<IDisposable>> _kept = new();
    private volatile bool _disposed;
    private readonly SqliteCatalogue _catalogue;

    static SpectrumArchive() => SqliteThreading.Configure();

    private SpectrumArchive(string directory, ArchiveOptions options, bool readOnlyMedium)
    {
        _catalogue = new SqliteCatalogue(this);
        Directory = Path.GetFullPath(directory);
        Options = options;
        CataloguePath = Path.Combine(Directory, CatalogueFileName);
        IsReadOnly = readOnlyMedium;
        if (readOnlyMedium && !(File.Exists(CataloguePath + "-wal") && File.Exists(CataloguePath + "-shm")))
        {
            // On read-only media SQLite cannot create the WAL index (-shm) a WAL database needs even for reading:
            // immutable=1 reads the file as it is, without locks or WAL.
            var uri = "file:" + Uri.EscapeDataString(CataloguePath).Replace("%2F", "/", StringComparison.Ordinal) + "?immutable=1";
            _readOnlyConnectionString = new SqliteConnectionStringBuilder { DataSource = uri, Mode = SqliteOpenMode.ReadOnly, Pooling = true }.ToString();
            _readWriteConnectionString = _readOnlyConnectionString;
            return;
        }
        if (readOnlyMedium)
        {
            // A WAL not folded in yet (the last writer did not close cleanly): SQLite reads it with the existing -shm.
            _readOnlyConnectionString = new SqliteConnectionStringBuilder { DataSource = CataloguePath, Mode = SqliteOpenMode.ReadOnly, Pooling = true }.ToString();
            _readWriteConnectionString = _readOnlyConnectionString;
            return;
        }
        _readWriteConnectionString = new SqliteConnectionStringBuilder { DataSource = CataloguePath, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true }.ToString();
        _readOnlyConnectionString = new SqliteConnectionStringBuilder { DataSource = CataloguePath, Mode = SqliteOpenMode.ReadOnly, Pooling = true }.ToString();
    }

    public string Directory { get; }

    /// <summary>The catalogue's answers about named spectra and collections (DataLink, SODA, /spec, VOSI).</summary>
    public ISpectrumLookup Lookup => _catalogue;
    /// <summary>Searches by position, wavelength, time... (SSA).</summary>
    public ISpectrumSearch Search => _catalogue;
    /// <summary>Checked ADQL on the catalogue (TAP, the /spec query call).</summary>
    public IAdqlExecutor Adql => _catalogue;

    /// <summary>The store of UWS jobs kept with this archive (ARCHIVE/jobs).</summary>
    public IJobStore OpenJobStore() => new SqliteJobStore(Directory);

    /// <summary>
    /// The archive sits on a medium that cannot be written (a read-only mount): it is served as it is — nothing is
    /// created, upgraded or rewritten at open, and every write fails (SQLITE_READONLY).
    /// </summary>
    public bool IsReadOnly { get; }
    public string CataloguePath { get; }
    public ArchiveOptions Options { get; private set; }

    public static SpectrumArchive Open(string directory, ArchiveOptions? options = null)
    {
        CatalogueRows.CheckSchemasAreFilled();
        System.IO.Directory.CreateDirectory(directory);
        var archive = new SpectrumArchive(directory, options ?? new ArchiveOptions(), !CanWrite(directory));
        if (archive.IsReadOnly)
        {
            archive.CheckCatalogue();
            archive.Options = archive.Options with { PublicUrl = archive.Options.PublicUrl ?? archive.StoredPublicUrl() };
            return archive;
        }
        System.IO.Directory.CreateDirectory(Path.Combine(archive.Directory, PixelsFolder));
        archive.CreateCatalogue();
        archive.SetPublicUrl(archive.Options.PublicUrl ?? archive.StoredPublicUrl());
        return archive;
    }

    /// <summary>
    /// Ends a transaction that failed. After SQLITE_FULL or an I/O error SQLite has already rolled back on its own; the
    /// ROLLBACK that Microsoft.Data.Sqlite then sends fails ("cannot rollback - no transaction is active"), hides the
    /// real cause and leaves the connection believing a transaction is open, so that closing it throws again. Opening
    /// an empty transaction first lets that ROLLBACK succeed.
    /// </summary>
    public static void Abandon(SqliteConnection conn, SqliteTransaction tx)
    {
        if (SQLitePCL.raw.sqlite3_get_autocommit(conn.Handle) != 0) SQLitePCL.raw.sqlite3_exec(conn.Handle, "BEGIN");
        try { tx.Dispose(); } catch (SqliteException) { }
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

    /// <summary>On a read-only archive: the catalogue must exist with this build's version, since nothing can be created.</summary>
    private void CheckCatalogue()
    {
        if (!File.Exists(CataloguePath)) throw new InvalidOperationException($"{Directory} is read-only and holds no catalogue ({CatalogueFileName})");
        using var conn = OpenConnection();
        var version = Scalar<string>(conn, "SELECT value FROM archive_meta WHERE key='schema_version'");
        if (version != CatalogueDdl.SchemaVersion.ToString(CultureInfo.InvariantCulture))
            throw new InvalidOperationException($"the read-only archive in {Directory} has catalogue version {version}, this VoSpec needs {CatalogueDdl.SchemaVersion}");
    }

    private void CreateCatalogue()
    {
        var conn = OpenConnection(readOnly: false);
        try
        {
            CreateCatalogue(conn);
        }
        finally { conn.Dispose(); }
    }

    private void CreateCatalogue(SqliteConnection conn)
    {
        Execute(conn, "PRAGMA journal_mode=WAL");
        Execute(conn, "CREATE TABLE IF NOT EXISTS archive_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
        var version = Scalar<string>(conn, "SELECT value FROM archive_meta WHERE key='schema_version'");
        if (version is not null && version != CatalogueDdl.SchemaVersion.ToString(CultureInfo.InvariantCulture))
            throw new InvalidOperationException($"the archive in {Directory} has catalogue version {version}, this VoSpec needs {CatalogueDdl.SchemaVersion}: ingest its files into a new archive");
        var tx = conn.BeginTransaction();
        try
        {
            foreach (var sql in CatalogueDdl.Statements()) Execute(conn, sql, tx);
            TapSchemaTables.Refresh(conn, tx);
            RowImages.Ensure(conn, tx);
            Execute(conn, $"INSERT OR IGNORE INTO archive_meta(key, value) VALUES ('schema_version', '{CatalogueDdl.SchemaVersion}')", tx);
            Execute(conn, "INSERT OR IGNORE INTO archive_meta(key, value) VALUES ('public_url', $v)", tx, ("$v", Options.PublicUrl ?? ArchiveOptions.DefaultPublicUrl));
            tx.Commit();
        }
        catch (SqliteException)
        {
            Abandon(conn, tx);
            throw;
        }
        tx.Dispose();
    }

    /// <summary>A new connection to the catalogue; the caller disposes it.</summary>
    public SqliteConnection OpenConnection(bool readOnly = true)
    {
        var conn = new SqliteConnection(readOnly ? _readOnlyConnectionString : _readWriteConnectionString);
        conn.Open();
        // Readers wait briefly for a concurrent ingest's commit rather than failing; and read the
        // catalogue through a memory map (table scans step about twice as fast as with read()).
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "PRAGMA busy_timeout=5000; PRAGMA mmap_size=17179869184";
        cmd.ExecuteNonQuery();
        // Writes to a table with row images run its triggers, which call the encoding functions.
        if (!readOnly) RowImages.Register(conn);
        return conn;
    }

    private string StoredPublicUrl()
    {
        using var conn = OpenConnection();
        return Scalar<string>(conn, "SELECT value FROM archive_meta WHERE key='public_url'") ?? ArchiveOptions.DefaultPublicUrl;
    }

    /// <summary>The base URL every access_url starts with.</summary>
    public string PublicUrl => Options.PublicUrl!;

    /// <summary>
    /// access_url values hold the server's public base URL; when it changes (another port, a proxy),
    /// every row is rewritten once here rather than on every query.
    /// </summary>
    public void SetPublicUrl(string publicUrl)
    {
        if (!publicUrl.EndsWith('/')) publicUrl += "/";
        if (IsReadOnly)
        {
            // access_url keeps the stored base URL: set VoSpec:PublicUrl to the one stored, or serve a writable copy.
            Options = Options with { PublicUrl = publicUrl };
            return;
        }
        using var conn = OpenConnection(readOnly: false);
        using var tx = conn.BeginTransaction();
        var old = Scalar<string>(conn, "SELECT value FROM archive_meta WHERE key='public_url'", tx) ?? publicUrl;
        if (old != publicUrl)
        {
            Execute(conn, "UPDATE ivoa_obscore SET access_url = $new || substr(access_url, length($old) + 1) WHERE substr(access_url, 1, length($old)) = $old",
                tx, ("$new", publicUrl), ("$old", old));
            Execute(conn, "UPDATE archive_meta SET value=$v WHERE key='public_url'", tx, ("$v", publicUrl));
        }
        tx.Commit();
        Options = Options with { PublicUrl = publicUrl };
    }

    public IReadOnlyList<CollectionInfo> Collections()
    {
        using var conn = OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """
            SELECT c.name, c.title, c.data_rights, count(s.spec_id), min(s.wavemin), max(s.wavemax), min(s.z), max(s.z)
            FROM collections c LEFT JOIN specobj s ON s.collection = c.name
            GROUP BY c.name ORDER BY c.name
            """;
        using var r = cmd.ExecuteReader();
        var list = new List<CollectionInfo>();
        while (r.Read())
            list.Add(new CollectionInfo(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3),
                r.IsDBNull(4) ? null : r.GetDouble(4), r.IsDBNull(5) ? null : r.GetDouble(5),
                r.IsDBNull(6) ? null : r.GetDouble(6), r.IsDBNull(7) ? null : r.GetDouble(7)));
        return list;
    }

    public long CountSpectra(string? collection = null)
    {
        using var conn = OpenConnection();
        return collection is null
            ? Scalar<long>(conn, "SELECT count(*) FROM spectrum_store")
            : Scalar<long>(conn, "SELECT count(*) FROM spectrum_store WHERE collection=$c", null, ("$c", collection));
    }

    private const string LocateSql = "SELECT spec_id, collection, specobjid, px_offset, px_length, npix FROM spectrum_store ";

    public SpectrumLocation? Locate(string collection, long specObjId)
    {
        using var conn = OpenConnection();
        return Locate(conn, collection, specObjId);
    }

    /// <summary>Finds a spectrum on an open connection (callers that look up many ids reuse one).</summary>
    public static SpectrumLocation? Locate(SqliteConnection conn, string collection, long specObjId)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = LocateSql + "WHERE collection=$c AND specobjid=$id";
        cmd.Parameters.AddWithValue("$c", collection);
        cmd.Parameters.AddWithValue("$id", specObjId);
        return ReadLocation(cmd);
    }

    public SpectrumLocation? Locate(long specId)
    {
        using var conn = OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = LocateSql + "WHERE spec_id=$id";
        cmd.Parameters.AddWithValue("$id", specId);
        return ReadLocation(cmd);
    }

    /// <summary>Finds a spectrum by its publisher DID (ivo://authority/collection?specobjid); null when unknown.</summary>
    public SpectrumLocation? LocateByDid(string did)
    {
        var parts = Identifiers.ParseDid(did);
        if (parts is null || !string.Equals(parts.Value.Authority, Options.Authority, StringComparison.OrdinalIgnoreCase)) return null;
        if (!long.TryParse(parts.Value.LocalId, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)) return null;
        return Locate(parts.Value.Collection, id);
    }

    private static SpectrumLocation? ReadLocation(SqliteCommand cmd)
    {
        using var r = cmd.ExecuteReader();
        if (!r.Read()) return null;
        return new SpectrumLocation(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt32(5));
    }

    /// <summary>The spectrum's vectors, viewed in place in the memory-mapped pixel store.</summary>
    public PixelData ReadPixels(SpectrumLocation location) => PixelReader(location.Collection).Read(location.Offset, location.Length);

    internal PixelStoreReader PixelReader(string collection) => _readers.GetOrAdd(collection, c => new PixelStoreReader(PixelFilePath(c)));

    /// <summary>Each collection's pixel store and its committed length in bytes.</summary>
    public IReadOnlyList<(string Collection, long Bytes)> PixelStores()
    {
        using var conn = OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT name, committed_length FROM collections ORDER BY name";
        using var r = cmd.ExecuteReader();
        var list = new List<(string, long)>();
        while (r.Read()) list.Add((r.GetString(0), r.GetInt64(1)));
        return list;
    }

    public string PixelFilePath(string collection) => Path.Combine(Directory, PixelsFolder, collection + ".px");

    /// <summary>The catalogue metadata of one spectrum (from spec.specobj).</summary>
    public SpectrumMeta? LoadMeta(long specId)
    {
        using var conn = OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """
            SELECT s.specobjid, s.plate, s.mjd, s.fiberid, s.run2d, s.run1d, s.ra, s.dec, s.z, s.zerr, s.zwarning, s.class, s.subclass,
                   s.survey, s.programname, s.sn_median, s.instrument, o.s_fov, s.exptime, o.t_min, o.t_max
            FROM specobj s JOIN ivoa_obscore o ON o.spec_id = s.spec_id WHERE s.spec_id=$id
            """;
        cmd.Parameters.AddWithValue("$id", specId);
        using var r = cmd.ExecuteReader();
        if (!r.Read()) return null;
        string Str(int i) => r.IsDBNull(i) ? "" : r.GetString(i);
        double? Opt(int i) => r.IsDBNull(i) ? null : r.GetDouble(i);
        return new SpectrumMeta
        {
            SpecObjId = r.GetInt64(0), Plate = r.GetInt32(1), Mjd = r.GetInt32(2), FiberId = r.GetInt32(3),
            Run2d = Str(4), Run1d = Str(5), Ra = r.GetDouble(6), Dec = r.GetDouble(7), Z = r.GetDouble(8), ZErr = r.GetDouble(9),
            ZWarning = r.GetInt32(10), Class = Str(11), Subclass = Str(12), Survey = Str(13), ProgramName = Str(14),
            SnMedian = r.GetDouble(15), Instrument = Str(16), FiberDiameter = r.GetDouble(17) * 3600.0, ExpTime = Opt(18),
            TMin = Opt(19), TMax = Opt(20),
        };
    }

    /// <summary>Metadata and a managed copy of every vector; for callers that need a whole Spectrum.</summary>
    public Spectrum? Load(string collection, long specObjId)
    {
        var loc = Locate(collection, specObjId);
        if (loc is null) return null;
        var meta = LoadMeta(loc.Value.SpecId)!;
        return new Spectrum { Meta = meta, Arrays = ReadPixels(loc.Value).ToArrays() };
    }

    /// <summary>Spectra within <paramref name="radiusDeg"/> of a position, through the spatial index.</summary>
    public IReadOnlyList<SpectrumLocation> ConeSearch(double ra, double dec, double radiusDeg, string? collection = null)
    {
        using var conn = OpenConnection();
        using var cmd = conn.CreateCommand();
        var box = SpatialIndex.ConeBox(ra, dec, radiusDeg);
        cmd.CommandText = """
            SELECT st.spec_id, st.collection, st.specobjid, st.px_offset, st.px_length, st.npix, s.ra, s.dec
            FROM spatial_idx i JOIN spectrum_store st ON st.spec_id = i.spec_id JOIN specobj s ON s.spec_id = i.spec_id
            WHERE i.x_max >= $x0 AND i.x_min <= $x1 AND i.y_max >= $y0 AND i.y_min <= $y1 AND i.z_max >= $z0 AND i.z_min <= $z1
              AND ($c IS NULL OR st.collection = $c)
            """;
        SpatialIndex.Bind(cmd, box);
        cmd.Parameters.AddWithValue("$c", (object?)collection ?? DBNull.Value);
        using var r = cmd.ExecuteReader();
        var list = new List<SpectrumLocation>();
        var centre = new Core.Sky.SkyPoint(ra, dec);
        while (r.Read())
        {
            if (centre.DistanceTo(new Core.Sky.SkyPoint(r.GetDouble(6), r.GetDouble(7))) > radiusDeg) continue;
            list.Add(new SpectrumLocation(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt32(5)));
        }
        return list;
    }

    internal static void Execute(SqliteConnection conn, string sql, SqliteTransaction? tx = null, params (string Name, object? Value)[] parameters)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        foreach (var (n, v) in parameters) cmd.Parameters.AddWithValue(n, v ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }

    internal static T? Scalar<T>(SqliteConnection conn, string sql, SqliteTransaction? tx = null, params (string Name, object? Value)[] parameters)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        foreach (var (n, v) in parameters) cmd.Parameters.AddWithValue(n, v ?? DBNull.Value);
        var o = cmd.ExecuteScalar();
        return o is null or DBNull ? default : (T)Convert.ChangeType(o, typeof(T), CultureInfo.InvariantCulture);
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
        SqliteConnection.ClearAllPools();
    }
}
