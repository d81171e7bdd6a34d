using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using VoSpec.Archive.Catalogue;
using VoSpec.Archive.Jobs;
using VoSpec.Archive.Queries;
using VoSpec.Core.Spectra;

namespace VoSpec.Archive.Sqlite;

/// <summary>
/// The catalogue's answers on SQLite: every statement the protocols need, behind <see cref="ISpectrumLookup"/>,
/// <see cref="ISpectrumSearch"/> and <see cref="IAdqlExecutor"/>. Lookups that run once per request keep their
/// connection and prepared statement in the archive between requests (<see cref="SpectrumArchive.Rent{T}"/>):
/// opening a connection (two PRAGMAs) and preparing a join cost more than the lookup itself.
/// </summary>
public sealed class SqliteCatalogue : ICatalogue
{
    private readonly SpectrumArchive archive;
    private readonly string _readOnlyConnectionString;
    private readonly string _readWriteConnectionString;

    static SqliteCatalogue() => SqliteThreading.Configure();

    internal SqliteCatalogue(SpectrumArchive archive, bool readOnlyMedium)
    {
        this.archive = archive;
        Path = System.IO.Path.Combine(archive.Directory, SpectrumArchive.CatalogueFileName);
        if (readOnlyMedium && !(File.Exists(Path + "-wal") && File.Exists(Path + "-shm")))
        {
            // On read-only media SQLite cannot create the WAL index (-shm) a WAL database needs even for reading:
            // immutable=1 reads the file as it is, without locks or WAL.
            var uri = "file:" + Uri.EscapeDataString(Path).Replace("%2F", "/", StringComparison.Ordinal) + "?immutable=1";
            _readOnlyConnectionString = new SqliteConnectionStringBuilder { DataSource = uri, Mode = SqliteOpenMode.ReadOnly, Pooling = true }.ToString();
            _readWriteConnectionString = _readOnlyConnectionString;
            return;
        }
        if (readOnlyMedium)
        {
            // A WAL not folded in yet (the last writer did not close cleanly): SQLite reads it with the existing -shm.
            _readOnlyConnectionString = new SqliteConnectionStringBuilder { DataSource = Path, Mode = SqliteOpenMode.ReadOnly, Pooling = true }.ToString();
            _readWriteConnectionString = _readOnlyConnectionString;
            return;
        }
        _readWriteConnectionString = new SqliteConnectionStringBuilder { DataSource = Path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true }.ToString();
        _readOnlyConnectionString = new SqliteConnectionStringBuilder { DataSource = Path, Mode = SqliteOpenMode.ReadOnly, Pooling = true }.ToString();
    }

    /// <summary>The catalogue file (ARCHIVE/catalogue.sqlite).</summary>
    public string Path { get; }

    public string Location => Path;

    IRegistryRecords ICatalogue.RegistryRecords => new SqliteRegistryRecords(this);

    /// <summary>Jobs in ARCHIVE/jobs/jobs.sqlite, apart from the catalogue, which the server only reads.</summary>
    IJobStore ICatalogue.OpenJobStore() => new SqliteJobStore(archive.Directory);

    IReadOnlyList<string> ICatalogue.ApplyDataRights(IReadOnlyCollection<string> proprietary) => DataRights.Apply(archive, proprietary);

    ICatalogueWriter ICatalogue.OpenWriter(string collection, string title, long expectedRows) => new CatalogueWriter(archive, collection, title, expectedRows);

    /// <summary>Connections are pooled by Microsoft.Data.Sqlite: cleared when the archive closes.</summary>
    public void Dispose() => SqliteConnection.ClearAllPools();

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

    /// <summary>On a read-only archive: the catalogue must exist with this build's version, since nothing can be created.</summary>
    public void Check()
    {
        if (!File.Exists(Path)) throw new InvalidOperationException($"{archive.Directory} is read-only and holds no catalogue ({SpectrumArchive.CatalogueFileName})");
        using var conn = OpenConnection();
        var version = Scalar<string>(conn, "SELECT value FROM archive_meta WHERE key='schema_version'");
        if (version != CatalogueDdl.SchemaVersion.ToString(CultureInfo.InvariantCulture))
            throw new InvalidOperationException($"the read-only archive in {archive.Directory} has catalogue version {version}, this VoSpec needs {CatalogueDdl.SchemaVersion}");
    }

    public void Create()
    {
        var conn = OpenConnection(readOnly: false);
        try
        {
            Create(conn);
        }
        finally { conn.Dispose(); }
    }

    private void Create(SqliteConnection conn)
    {
        try
        {
            // Also ends the rollback journal a bulk load into an empty archive writes through (CatalogueWriter), if it was killed.
            Execute(conn, "PRAGMA journal_mode=WAL");
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 5)
        {
            archive.Options.Log?.Invoke("a bulk load is writing through a rollback journal: the archive returns to the write-ahead log when it ends");
        }
        Execute(conn, "CREATE TABLE IF NOT EXISTS archive_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
        var version = Scalar<string>(conn, "SELECT value FROM archive_meta WHERE key='schema_version'");
        if (version is not null && version != CatalogueDdl.SchemaVersion.ToString(CultureInfo.InvariantCulture))
            throw new InvalidOperationException($"the archive in {archive.Directory} has catalogue version {version}, this VoSpec needs {CatalogueDdl.SchemaVersion}: ingest its files into a new archive");
        var tx = conn.BeginTransaction();
        try
        {
            foreach (var sql in CatalogueDdl.Statements()) Execute(conn, sql, tx);
            // An archive from before the statistics: counted once here (with the triggers in place from now on).
            if (Scalar<string>(conn, "SELECT value FROM archive_meta WHERE key = $k", tx, ("$k", CatalogueDdl.StatisticsKey)) is null)
            {
                Execute(conn, "DELETE FROM collection_stats", tx);
                Execute(conn, "INSERT INTO collection_stats(name, n, wave_min, wave_max, z_min, z_max) SELECT collection, count(*), min(wavemin), max(wavemax), min(z), max(z) FROM specobj GROUP BY collection", tx);
                Execute(conn, "INSERT INTO archive_meta(key, value) VALUES ($k, '1')", tx, ("$k", CatalogueDdl.StatisticsKey));
            }
            // An archive from before per-collection classes: counted once here; the writer keeps them from now on.
            if (Scalar<string>(conn, "SELECT value FROM archive_meta WHERE key = $k", tx, ("$k", CollectionClassRows.Key)) is null)
            {
                Execute(conn, "DELETE FROM collection_classes", tx);
                Execute(conn, "INSERT INTO collection_classes(name, class, n) SELECT collection, class, count(*) FROM specobj WHERE class IS NOT NULL AND class <> '' GROUP BY collection, class", tx);
                Execute(conn, "INSERT INTO archive_meta(key, value) VALUES ($k, '1')", tx, ("$k", CollectionClassRows.Key));
            }
            // An archive from before the surveys' own tables: filled once from the source files.
            SurveyTablesBackfill.Run(conn, tx, archive.Options.Log);
            SkyCoverage.Ensure(conn, tx, archive.Options.CoverageOrder, archive.Options.Log);
            RebuildSpatialIndexIfPending(conn, tx);
            TapSchemaTables.Refresh(conn, tx);
            RowImages.Ensure(conn, tx, archive.Options.Log);
            MakeUrlsRelative(conn, tx, archive.Options.Log);
            Execute(conn, $"INSERT OR IGNORE INTO archive_meta(key, value) VALUES ('schema_version', '{CatalogueDdl.SchemaVersion}')", tx);
            Execute(conn, "INSERT OR IGNORE INTO archive_meta(key, value) VALUES ('public_url', $v)", tx, ("$v", archive.Options.PublicUrl ?? ArchiveOptions.DefaultPublicUrl));
            tx.Commit();
        }
        catch (SqliteException)
        {
            Abandon(conn, tx);
            throw;
        }
        tx.Dispose();
    }

    /// <summary>The archive's ingest lock for a repair at open, or null while an ingest holds it.</summary>
    private FileStream? TryTakeIngestLock()
    {
        try
        {
            return new FileStream(System.IO.Path.Combine(archive.Directory, Ingest.Ingester.LockFileName), FileMode.OpenOrCreate,
                FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (IOException) { return null; }
    }

    /// <summary>
    /// A bulk load that did not finish left its rows out of the R*Tree (<see cref="SpatialIndex"/>): packed here once, unless
    /// an ingest holds the archive's lock (it packs the tree itself when it ends).
    /// </summary>
    private void RebuildSpatialIndexIfPending(SqliteConnection conn, SqliteTransaction tx)
    {
        if (!SpatialIndex.IsPending(conn, tx)) return;
        using var ingestLock = TryTakeIngestLock();
        if (ingestLock is null) return;
        archive.Options.Log?.Invoke("an interrupted bulk load left the spatial index incomplete: packing it from every position (once)");
        long n = SpatialIndex.Rebuild(conn, tx);
        archive.Options.Log?.Invoke($"spatial index packed: {n} positions");
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

    /// <summary>Closes this catalogue's idle pooled connections (a change of journal mode needs the file to itself).</summary>
    internal void ClearPools()
    {
        foreach (var cs in new[] { _readOnlyConnectionString, _readWriteConnectionString })
            using (var conn = new SqliteConnection(cs)) SqliteConnection.ClearPool(conn);
    }

    public string StoredPublicUrl()
    {
        using var conn = OpenConnection();
        return Scalar<string>(conn, "SELECT value FROM archive_meta WHERE key='public_url'") ?? ArchiveOptions.DefaultPublicUrl;
    }

    public IReadOnlyList<(string Name, string Title)> CollectionNames()
    {
        using var conn = OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT name, title FROM collections ORDER BY name";
        using var r = cmd.ExecuteReader();
        var list = new List<(string, string)>();
        while (r.Read()) list.Add((r.GetString(0), r.GetString(1)));
        return list;
    }

    /// <summary>Remembers the public URL (the default at the next start when none is configured); no row changes with it.</summary>
    public void StorePublicUrl(string publicUrl)
    {
        if (StoredPublicUrl() == publicUrl) return;
        using var conn = OpenConnection(readOnly: false);
        Execute(conn, "INSERT OR REPLACE INTO archive_meta(key, value) VALUES ('public_url', $v)", null, ("$v", publicUrl));
    }

    /// <summary>archive_meta's mark of an archive whose URLs are stored relative to the public URL.</summary>
    internal const string RelativeUrlsKey = "relative_urls";

    private volatile int _relativeUrls; // 0 unknown, 1 relative, 2 whole (a read-only archive from before)

    /// <summary>
    /// What answers put in front of columns stored relative to the public URL (schemas/: publicUrlRelative): the URL
    /// configured now, so a start on a new address rewrites nothing. Null for a read-only archive from before, whose
    /// rows hold whole URLs.
    /// </summary>
    public string? AnswerUrl
    {
        get
        {
            if (_relativeUrls == 0)
            {
                using var conn = OpenConnection();
                _relativeUrls = Scalar<string>(conn, "SELECT value FROM archive_meta WHERE key = $k", null, ("$k", RelativeUrlsKey)) is null ? 2 : 1;
            }
            return _relativeUrls == 1 ? archive.PublicUrl : null;
        }
    }

    /// <summary>
    /// An archive from before relative URLs: its whole URLs lose the stored public URL, once (the triggers re-encode the
    /// stored rows). A new archive only gets the mark.
    /// </summary>
    private static void MakeUrlsRelative(SqliteConnection conn, SqliteTransaction tx, Action<string>? log)
    {
        if (Scalar<string>(conn, "SELECT value FROM archive_meta WHERE key = $k", tx, ("$k", RelativeUrlsKey)) is not null) return;
        var old = Scalar<string>(conn, "SELECT value FROM archive_meta WHERE key = 'public_url'", tx);
        long rows = old is null ? 0 : Scalar<long>(conn, "SELECT count(*) FROM spectrum_store", tx);
        if (rows > 0)
        {
            log?.Invoke($"storing access_url relative to the public URL in {rows} rows (once, for an archive written before relative URLs)");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            Execute(conn, "UPDATE ivoa_obscore SET access_url = substr(access_url, length($old) + 1) WHERE substr(access_url, 1, length($old)) = $old",
                tx, ("$old", old));
            log?.Invoke($"access_url stored relative in {rows} rows in {clock.Elapsed.TotalSeconds:0.0} s");
        }
        Execute(conn, "INSERT INTO archive_meta(key, value) VALUES ($k, '1')", tx, ("$k", RelativeUrlsKey));
    }

    /// <summary>
    /// Every collection with its statistics: one row each from collection_stats, kept by triggers at ingest, so the
    /// cost does not grow with the archive. A read-only archive written before the statistics aggregates instead.
    /// </summary>
    public IReadOnlyList<CollectionInfo> Collections()
    {
        using var conn = OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = HasStatistics(conn) ? CollectionsSql : """
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

    public CollectionCoverage? Coverage(string collection)
    {
        using var conn = OpenConnection();
        return SkyCoverage.Load(conn, collection);
    }

    public IReadOnlyDictionary<string, IReadOnlyList<(string Class, long Count)>> CollectionClasses()
    {
        using var conn = OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = CollectionClassRows.Sql;
        return CollectionClassRows.Read(cmd);
    }

    /// <summary>How many spectra the archive (or one collection) holds, from the statistics (constant time).</summary>
    public long CountSpectra(string? collection = null)
    {
        using var conn = OpenConnection();
        if (!HasStatistics(conn))
            return collection is null
                ? Scalar<long>(conn, "SELECT count(*) FROM spectrum_store")
                : Scalar<long>(conn, "SELECT count(*) FROM spectrum_store WHERE collection=$c", null, ("$c", collection));
        return collection is null ? Scalar<long>(conn, CountSql) : Scalar<long>(conn, CountOneSql, null, ("$c", collection));
    }

    // The statements of the constant-time answers (their plans are checked by the tests: no scan of a large table).
    internal const string CollectionsSql = """
        SELECT c.name, c.title, c.data_rights, coalesce(st.n, 0), st.wave_min, st.wave_max, st.z_min, st.z_max
        FROM collections c LEFT JOIN collection_stats st ON st.name = c.name ORDER BY c.name
        """;
    internal const string CountSql = "SELECT coalesce(sum(n), 0) FROM collection_stats";
    internal const string CountOneSql = "SELECT coalesce(sum(n), 0) FROM collection_stats WHERE name=$c";
    internal const string ProbeSql = "SELECT value FROM archive_meta WHERE key='schema_version'";

    /// <summary>Whether the catalogue answers at all: one primary-key read, whatever its size (VOSI availability, /spec/available).</summary>
    public void Probe()
    {
        using var conn = OpenConnection();
        _ = Scalar<string>(conn, ProbeSql)
            ?? throw new IOException("the catalogue has no schema version");
    }

    private volatile int _statistics; // 0 unknown, 1 kept, 2 not (a read-only archive from before them)

    private bool HasStatistics(SqliteConnection conn)
    {
        if (_statistics == 0)
            _statistics = Scalar<string>(conn, "SELECT value FROM archive_meta WHERE key = $k", null, ("$k", CatalogueDdl.StatisticsKey)) is null ? 2 : 1;
        return _statistics == 1;
    }

    private const string LocateSql = "SELECT spec_id, collection, specobjid, px_offset, px_length, npix, source_path FROM spectrum_store ";

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
        if (parts is null || !string.Equals(parts.Value.Authority, archive.Options.Authority, StringComparison.OrdinalIgnoreCase)) return null;
        if (!long.TryParse(parts.Value.LocalId, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)) return null;
        return Locate(parts.Value.Collection, id);
    }

    private static SpectrumLocation? ReadLocation(SqliteCommand cmd)
    {
        using var r = cmd.ExecuteReader();
        if (!r.Read()) return null;
        return SpectrumLocation.Read(r);
    }

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

    /// <summary>The catalogue metadata of one spectrum (from spec.specobj).</summary>
    public SpectrumMeta? LoadMeta(long specId)
    {
        using var conn = OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = MetaRow.Sql + "$id";
        cmd.Parameters.AddWithValue("$id", specId);
        using var r = cmd.ExecuteReader();
        return r.Read() ? MetaRow.Read(r) : null;
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

    public (string Did, double Ra, double Dec)? AnyPublicSpectrum()
    {
        using var conn = OpenConnection();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT obs_publisher_did, s_ra, s_dec FROM ivoa_obscore WHERE data_rights = 'public' LIMIT 1";
        using var r = cmd.ExecuteReader();
        return r.Read() ? (r.GetString(0), r.GetDouble(1), r.GetDouble(2)) : null;
    }

    // ------------------------------------------------------------------ datasets (DataLink, SODA)

    private const string DatasetSql = """
        SELECT st.spec_id, st.collection, st.specobjid, st.px_offset, st.px_length, st.npix, st.source_path, st.source_bytes,
               o.obs_id, o.em_min, o.em_max, o.s_ra, o.s_dec, o.s_fov, o.t_min, o.t_max, o.instrument_name
        FROM spectrum_store st JOIN ivoa_obscore o ON o.spec_id = st.spec_id
        WHERE st.collection = $c AND st.specobjid = $id
        """;

    /// <summary>A connection with the dataset lookup prepared on it, kept between requests.</summary>
    private sealed class DatasetStatement : IDisposable
    {
        public readonly SqliteConnection Connection;
        public readonly SqliteCommand Command;
        public readonly SqliteParameter Collection, SpecObjId;

        public DatasetStatement(SpectrumArchive archive)
        {
            Connection = archive.Sqlite.OpenConnection();
            Command = Connection.CreateCommand();
            Command.CommandText = DatasetSql;
            Collection = Command.Parameters.Add("$c", SqliteType.Text);
            SpecObjId = Command.Parameters.Add("$id", SqliteType.Integer);
            Command.Prepare();
        }

        private SqliteCommand? _family;

        /// <summary>The relatives' statement (<see cref="SpectrumFamilies"/>), prepared on first use: most lookups never need it.</summary>
        public SqliteCommand Family(string collection, long specObjId)
        {
            if (_family is null)
            {
                _family = Connection.CreateCommand();
                _family.CommandText = SpectrumFamilies.Sql;
                _family.Parameters.Add("@c", SqliteType.Text);
                _family.Parameters.Add("@id", SqliteType.Integer);
                _family.Prepare();
            }
            _family.Parameters[0].Value = collection;
            _family.Parameters[1].Value = specObjId;
            return _family;
        }

        public void Dispose()
        {
            _family?.Dispose();
            Command.Dispose();
            Connection.Dispose();
        }
    }

    public IDatasetFinder OpenDatasetFinder() => new DatasetFinder(archive);

    private sealed class DatasetFinder(SpectrumArchive archive) : IDatasetFinder
    {
        private DatasetStatement? _statement = archive.Rent(static a => new DatasetStatement(a));
        private bool _failed;

        public Dataset? Find(string did, string collection, long specObjId)
        {
            var st = _statement ?? throw new ObjectDisposedException(nameof(IDatasetFinder));
            // A statement that failed mid-use is not handed back.
            _failed = true;
            st.Collection.Value = collection;
            st.SpecObjId.Value = specObjId;
            Dataset? found;
            using (var r = st.Command.ExecuteReader())
            {
                found = r.Read() ? new Dataset(
                    did, SpectrumLocation.Read(r),
                    ObsId: r.IsDBNull(8) ? "" : r.GetString(8),
                    EmMin: r.GetDouble(9), EmMax: r.GetDouble(10),
                    Ra: r.GetDouble(11), Dec: r.GetDouble(12), ApertureRadius: (r.IsDBNull(13) ? 0 : r.GetDouble(13)) / 2,
                    TMin: r.IsDBNull(14) ? null : r.GetDouble(14), TMax: r.IsDBNull(15) ? null : r.GetDouble(15),
                    SourcePath: r.IsDBNull(6) ? null : r.GetString(6),
                    SourceBytes: r.IsDBNull(7) ? null : r.GetInt64(7),
                    Instrument: r.IsDBNull(16) ? "" : r.GetString(16)) : null;
            }
            _failed = false;
            return found;
        }

        public IReadOnlyList<RelatedSpectrum> Related(Dataset dataset)
        {
            if (!SpectrumFamilies.MayHaveRelatives(dataset)) return [];
            var st = _statement ?? throw new ObjectDisposedException(nameof(IDatasetFinder));
            _failed = true;
            List<RelatedSpectrum> found;
            using (var r = st.Family(dataset.Location.Collection, dataset.Location.SpecObjId).ExecuteReader())
                found = SpectrumFamilies.Read(r, dataset);
            _failed = false;
            return found;
        }

        public void Dispose()
        {
            if (_statement is not { } st) return;
            _statement = null;
            if (_failed) st.Dispose(); else archive.Return(st);
        }
    }

    // ------------------------------------------------------------------ specobjids and fibres (/spec)

    private const string LocationColumns = "st.spec_id, st.collection, st.specobjid, st.px_offset, st.px_length, st.npix, st.source_path";
    // Every specobjid in one statement (a JSON array joined through json_each: one step per id instead of one execution).
    private const string BySpecObjIds = "SELECT " + LocationColumns + " FROM json_each($ids) j JOIN specobj s ON s.specobjid = j.value JOIN spectrum_store st ON st.spec_id = s.spec_id";
    private const string ByFibre = "SELECT " + LocationColumns + " FROM specobj s JOIN spectrum_store st ON st.spec_id = s.spec_id " +
        "WHERE s.collection = $c AND s.plate = $p AND s.mjd = $m AND s.fiberid = $f";

    public (Dictionary<long, List<SpectrumLocation>> BySpecObjId, List<SpectrumLocation>[] ByFibre) LocateSpectra(
        IReadOnlyCollection<long> specObjIds, IReadOnlyList<FibreKey> fibres, IReadOnlyCollection<string> collections)
    {
        var bySpecObjId = new Dictionary<long, List<SpectrumLocation>>();
        var byFibre = new List<SpectrumLocation>[fibres.Count];
        if (specObjIds.Count == 0 && fibres.Count == 0) return (bySpecObjId, byFibre);
        using var conn = OpenConnection();
        if (specObjIds.Count > 0)
        {
            var json = new StringBuilder("[");
            foreach (var v in specObjIds) json.Append(json.Length > 1 ? "," : "").Append(v.ToString(CultureInfo.InvariantCulture));
            using var cmd = conn.CreateCommand();
            cmd.CommandText = BySpecObjIds;
            cmd.Parameters.AddWithValue("$ids", json.Append(']').ToString());
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var loc = LocationOf(r);
                if (!collections.Contains(loc.Collection)) continue;
                if (!bySpecObjId.TryGetValue(loc.SpecObjId, out var list)) bySpecObjId[loc.SpecObjId] = list = new List<SpectrumLocation>(1);
                list.Add(loc);
            }
        }
        if (fibres.Count > 0)
        {
            using var cmd = conn.CreateCommand();
            cmd.CommandText = ByFibre;
            var (c, p, m, f) = (cmd.Parameters.Add("$c", SqliteType.Text), cmd.Parameters.Add("$p", SqliteType.Integer),
                cmd.Parameters.Add("$m", SqliteType.Integer), cmd.Parameters.Add("$f", SqliteType.Integer));
            cmd.Prepare();
            for (int i = 0; i < fibres.Count; i++)
            {
                var matches = byFibre[i] = new List<SpectrumLocation>(1);
                foreach (var collection in collections)
                {
                    c.Value = collection;
                    p.Value = fibres[i].Plate;
                    m.Value = fibres[i].Mjd;
                    f.Value = fibres[i].FiberId;
                    using var r = cmd.ExecuteReader();
                    while (r.Read()) matches.Add(LocationOf(r));
                }
            }
        }
        return (bySpecObjId, byFibre);
    }

    private static SpectrumLocation LocationOf(SqliteDataReader r) => SpectrumLocation.Read(r);

    // ------------------------------------------------------------------ SSA

    public DbDataReader Search(SpectrumSearch search)
    {
        var conn = OpenConnection();
        try
        {
            var (sql, parameters) = SqliteSpectrumSearch.Build(search, AnswerUrl ?? "");
            // Read through SQLite's statement API (as TAP does): a fraction of the per-cell cost of SqliteDataReader.
            return RawSqliteReader.Open(conn, sql, parameters, owner: conn);
        }
        catch { conn.Dispose(); throw; }
    }

    // ------------------------------------------------------------------ ADQL

    public Task<IAdqlExecution> PrepareAsync(AdqlRequest request, CancellationToken cancel) => SqliteAdqlExecution.PrepareAsync(archive, request, cancel);
}
