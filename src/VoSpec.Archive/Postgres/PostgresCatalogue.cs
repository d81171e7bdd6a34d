using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text;
using Npgsql;
using VoSpec.Adql.Translator;
using VoSpec.Archive.Catalogue;
using VoSpec.Archive.Jobs;
using VoSpec.Archive.Queries;
using VoSpec.Archive.Sqlite;
using VoSpec.Core.Schema;
using VoSpec.Core.Sky;
using VoSpec.Core.Spectra;

namespace VoSpec.Archive.Postgres;

/// <summary>
/// The catalogue's answers on PostgreSQL with pgSphere and Q3C: the same questions as <see cref="SqliteCatalogue"/> answers,
/// asked of a database that several servers can share (pixels, previews and job results stay in the archive
/// directory). Connections come from one Npgsql data source (pooled, statements auto-prepared); pgSphere and Q3C must
/// be in the database (deploy/postgresql/install-pgsphere.sh), and every physical connection writes pgSphere values in
/// degrees, the form the DALI geometry outputs are made from. With several hosts in the connection string (a primary
/// and hot standbys, docs/scale-out.md) reads follow its Target Session Attributes (prefer-standby: a standby while one
/// answers, else the primary) and every write (<see cref="OpenPrimary"/>: set-up, ingest, UWS jobs, TAP uploads) goes
/// to the primary.
/// </summary>
internal sealed class PostgresCatalogue : ICatalogue
{
    private readonly SpectrumArchive _archive;
    private readonly NpgsqlDataSource _data;
    private readonly string _connectionString;
    private readonly PostgresStandbyWatch? _watch;
    private readonly PostgresDatasetCache? _datasets;

    public PostgresCatalogue(SpectrumArchive archive, string connectionString)
    {
        _archive = archive;
        var csb = new NpgsqlConnectionStringBuilder(connectionString);
        // Every statement the server sends again and again (lookups, ADQL skeletons) is prepared once per connection.
        if (csb.MaxAutoPrepare == 0) csb.MaxAutoPrepare = 128;
        // A pooled connection keeps its session as it is (no DISCARD ALL): queries change nothing that outlives their
        // transaction (SET LOCAL, temporary tables ON COMMIT DROP), and the prepared statements stay prepared.
        csb.NoResetOnClose = true;
        // A result is read in pieces of up to 256 KiB rather than 8 KiB: a whole-table stream makes 30 times fewer
        // receive calls and waits (each connection of the pool keeps its buffer).
        if (csb.ReadBufferSize == 8192) csb.ReadBufferSize = 256 * 1024;
        _connectionString = csb.ConnectionString;
        Location = Describe(csb);
        _data = Build(_connectionString);
        _watch = PostgresStandbyWatch.For(csb, archive.Options);
        // With one host only: reads on a standby could be older than the primary's notifications (PostgresDatasetCache).
        if (archive.Options.DatasetCache && _data is not NpgsqlMultiHostDataSource) _datasets = new PostgresDatasetCache(_connectionString, archive.Options.Log);
    }

    /// <summary>The cache of dataset lookups, when there is one (tests look at its state).</summary>
    internal PostgresDatasetCache? DatasetCache => _datasets;

    private static NpgsqlDataSource Build(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.UsePhysicalConnectionInitializer(
            static c => { using var cmd = new NpgsqlCommand(SphereOutput, c); cmd.ExecuteNonQuery(); },
            static async c => { await using var cmd = new NpgsqlCommand(SphereOutput, c); await cmd.ExecuteNonQueryAsync(); });
        return builder.Build();
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, NpgsqlDataSource> _queryData = new();

    /// <summary>
    /// The pool of ADQL connections with a database-time budget of <paramref name="timeoutMs"/> (0: none): every
    /// session starts as <see cref="PostgresDdl.QueryRole"/>, with every transaction READ ONLY and that
    /// statement_timeout (startup options, which the server applies before the first statement), so a query is one
    /// statement in one round trip, with no transaction or settings of its own. One pool per budget (a server has
    /// two: sync and async), each sized as the connection string says.
    /// </summary>
    internal NpgsqlDataSource QueryData(long timeoutMs) => _queryData.GetOrAdd(timeoutMs, ms =>
    {
        var csb = new NpgsqlConnectionStringBuilder(_connectionString);
        csb.Options = ((csb.Options ?? "") + string.Create(CultureInfo.InvariantCulture,
            $" -c role={PostgresDdl.QueryRole} -c default_transaction_read_only=on -c statement_timeout={ms}")).Trim();
        return Build(csb.ConnectionString);
    });

    private const string SphereOutput = "SELECT set_sphere_output('DEG')";

    public string Location { get; }

    /// <summary>host:port/database as user: never the password.</summary>
    private static string Describe(NpgsqlConnectionStringBuilder csb) =>
        $"postgresql://{csb.Username}@{csb.Host}:{csb.Port}/{csb.Database}";

    /// <summary>
    /// A connection for reading (a standby when the connection string prefers one, unless reads go to the primary now), and the host:port of the standby it may be on (null: the primary, or one host only),
    /// for <see cref="StandbyLost"/>.
    /// </summary>
    internal (NpgsqlConnection Conn, string? Standby) OpenRead() => OpenRead(_data);

    private (NpgsqlConnection Conn, string? Standby) OpenRead(NpgsqlDataSource data)
    {
        if (_watch is null || data is not NpgsqlMultiHostDataSource hosts) return (data.OpenConnection(), null);
        if (_watch.ReadsOnPrimary is not null) return (hosts.OpenConnection(TargetSessionAttributes.Primary), null);
        var conn = data.OpenConnection();
        var at = $"{conn.Host}:{conn.Port}";
        return (conn, _watch.IsPrimary(at) ? null : at);
    }

    /// <summary>
    /// Whether a read that failed with <paramref name="e"/> on the standby at <paramref name="standby"/> (host:port,
    /// from <see cref="OpenRead"/>) runs again on the primary: when its connection was lost or refused (the standby
    /// stopped, restarted, crashed, its network went; not the query's own error, nor its cancellation). The standby is
    /// then marked lost, so that every read goes to the primary until the watch sees it again; the first read to lose
    /// it clears the pools, whose idle connections to it died with it.
    /// </summary>
    internal bool StandbyLost(string? standby, Exception e)
    {
        if (standby is null || _watch is null || e is not NpgsqlException n || PostgresFaults.Describe(n).Kind != CatalogueFaultKind.Unavailable) return false;
        if (_watch.Lost(standby, n.Message)) { _data.Clear(); foreach (var q in _queryData.Values) q.Clear(); }
        return _archive.Options.RetryReadsOnPrimary;
    }

    /// <summary>
    /// A read on a connection of its own (<see cref="OpenRead"/>, disposed after), run once more on the primary when the
    /// standby under it is lost (<see cref="StandbyLost"/>). What it returns must be complete (rows in memory): nothing
    /// may have left the server when it fails.
    /// </summary>
    internal T Read<T>(Func<NpgsqlConnection, T> read) => ReadOwning(conn => { using (conn) return read(conn); });

    /// <summary>
    /// <see cref="Read"/> for a read that owns its connection when it succeeds (a data reader that closes it), and
    /// disposes it when it fails. A reader's first row must be read before it returns (<see cref="FirstRowRead"/>):
    /// what fails after that, while rows stream to the client, is not retried.
    /// </summary>
    internal T ReadOwning<T>(Func<NpgsqlConnection, T> read)
    {
        var (conn, standby) = OpenRead();
        try { return read(conn); }
        catch (Exception e) when (Failed(e) || StandbyLost(standby, e)) { }
        return read(OpenPrimary());
    }

    /// <summary><see cref="ReadOwning"/> for an asynchronous read (on connections of <paramref name="data"/>; the catalogue's own by default).</summary>
    internal async Task<T> ReadOwningAsync<T>(Func<NpgsqlConnection, Task<T>> read, NpgsqlDataSource? data = null)
    {
        data ??= _data;
        var (conn, standby) = OpenRead(data);
        try { return await read(conn); }
        catch (Exception e) when (Failed(e) || StandbyLost(standby, e)) { }
        return await read(data is NpgsqlMultiHostDataSource hosts ? hosts.OpenConnection(TargetSessionAttributes.Primary) : data.OpenConnection());
    }

    /// <summary>A connection that can write: the primary of a multi-host connection string (the only host otherwise).</summary>
    internal NpgsqlConnection OpenPrimary() =>
        _data is NpgsqlMultiHostDataSource hosts ? hosts.OpenConnection(TargetSessionAttributes.Primary) : _data.OpenConnection();

    internal SpectrumArchive Archive => _archive;

    // ------------------------------------------------------------------ set-up

    /// <summary>
    /// Fails with the remedy when pgSphere or Q3C is missing (checked without the data source, whose connections need
    /// pgSphere): pgSphere for ADQL's geometry and the footprints' index, Q3C for the positions' index.
    /// </summary>
    private void RequireExtensions()
    {
        using var conn = new NpgsqlConnection(_connectionString);
        conn.Open();
        using var cmd = new NpgsqlCommand("SELECT to_regtype('spoint') IS NOT NULL, to_regprocedure('q3c_ang2ipix(double precision, double precision)') IS NOT NULL", conn);
        using var r = cmd.ExecuteReader();
        r.Read();
        bool sphere = r.GetBoolean(0), q3c = r.GetBoolean(1);
        if (!sphere || !q3c)
            throw new InvalidOperationException($"the database {Location} has no {(sphere ? "Q3C" : q3c ? "pgSphere" : "pgSphere and no Q3C")}: install them with deploy/postgresql/install-pgsphere.sh (see docs/postgresql.md)");
    }

    public void Check()
    {
        RequireExtensions();
        var version = Read(conn => Scalar<string>(conn, "SELECT value FROM archive_meta WHERE key = 'schema_version'"));
        if (version != PostgresDdl.SchemaVersion)
            throw new InvalidOperationException($"the catalogue in {Location} has version {version ?? "none"}, this VoSpec needs {PostgresDdl.SchemaVersion}");
    }

    public void Create()
    {
        RequireExtensions();
        using var conn = OpenPrimary();
        using var tx = conn.BeginTransaction();
        // One server creates at a time (several may start together on one database).
        Execute(conn, "SELECT pg_advisory_xact_lock(7158246)", tx);
        Execute(conn, "CREATE TABLE IF NOT EXISTS archive_meta(key text PRIMARY KEY, value text NOT NULL)", tx);
        var version = Scalar<string>(conn, "SELECT value FROM archive_meta WHERE key = 'schema_version'", tx);
        if (version is not null && version != PostgresDdl.SchemaVersion)
            throw new InvalidOperationException($"the catalogue in {Location} has version {version}, this VoSpec needs {PostgresDdl.SchemaVersion}: ingest its files into a new database");
        foreach (var sql in PostgresDdl.Statements()) Execute(conn, sql, tx);
        PostgresRowImages.Ensure(conn, tx, _archive.Options.Log);
        PostgresTapSchema.Refresh(conn, tx);
        Execute(conn, $"INSERT INTO archive_meta(key, value) VALUES ('schema_version', '{PostgresDdl.SchemaVersion}') ON CONFLICT DO NOTHING", tx);
        Execute(conn, "INSERT INTO archive_meta(key, value) VALUES ('public_url', @v) ON CONFLICT DO NOTHING", tx, ("v", _archive.Options.PublicUrl ?? ArchiveOptions.DefaultPublicUrl));
        Execute(conn, "INSERT INTO archive_meta(key, value) VALUES (@k, @v) ON CONFLICT (key) DO UPDATE SET value = excluded.value", tx,
            ("k", SkyCoverage.OrderKey), ("v", _archive.Options.CoverageOrder.ToString(CultureInfo.InvariantCulture)));
        PostgresRoles.Grant(conn, tx, _archive.Options.Log);
        // The triggers that tell every server's dataset cache of a change (replaced only when not as they should be:
        // replacing takes a lock that waits for the tables' writers).
        if (Scalar<long>(conn, PostgresDatasetCache.TriggersInPlace, tx) != PostgresDatasetCache.Tables.Length)
            foreach (var sql in PostgresDatasetCache.Triggers()) Execute(conn, sql, tx);
        CommitMaintenance(conn, tx); // a new layout of the stored rows re-encoded every row

        _rowImagesCurrent = true;
    }

    private bool? _rowImagesCurrent;

    /// <summary>Whether ObsCore's stored BINARY2 rows were made for this build (checked once; <see cref="Create"/> makes them so).</summary>
    internal bool RowImagesCurrent => _rowImagesCurrent ??= Read(PostgresRowImages.Current);

    public string StoredPublicUrl() =>
        Read(conn => Scalar<string>(conn, "SELECT value FROM archive_meta WHERE key = 'public_url'")) ?? ArchiveOptions.DefaultPublicUrl;

    public void StorePublicUrl(string publicUrl)
    {
        if (StoredPublicUrl() == publicUrl) return;
        using var conn = OpenPrimary();
        Execute(conn, "INSERT INTO archive_meta(key, value) VALUES ('public_url', @v) ON CONFLICT (key) DO UPDATE SET value = excluded.value", null, ("v", publicUrl));
    }

    public IRegistryRecords RegistryRecords => new PostgresRegistryRecords(this);

    public IJobStore OpenJobStore()
    {
        using (var conn = OpenPrimary())
            if (Scalar<long>(conn, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'uws_jobs' AND column_name = 'lease_until'") == 0)
                Execute(conn, PostgresDdl.JobLease);
        return new PostgresJobStore(this, Path.Combine(_archive.Directory, "jobs"));
    }

    public ICatalogueWriter OpenWriter(string collection, string title, long expectedRows) => new PostgresCatalogueWriter(this, collection, title, expectedRows);

    public IReadOnlyList<string> ApplyDataRights(IReadOnlyCollection<string> proprietary)
    {
        var changes = Collections()
            .Select(c => (c.Name, Rights: proprietary.Contains(c.Name, StringComparer.OrdinalIgnoreCase) ? DataRights.Proprietary : DataRights.Public, c.DataRights))
            .Where(c => c.Rights != c.DataRights).ToList();
        if (changes.Count == 0) return [];
        using var conn = OpenPrimary();
        using var tx = conn.BeginTransaction();
        foreach (var (name, rights, _) in changes)
        {
            Maintenance(conn, "UPDATE collections SET data_rights = @r WHERE name = @n", tx, ("r", rights), ("n", name));
            Maintenance(conn, "UPDATE ivoa_obscore SET data_rights = @r WHERE obs_collection = @n", tx, ("r", rights), ("n", name));
        }
        // The changed rows' stored bytes (set to NULL by the update) are encoded again before the commit, which refuses NULL ones.
        PostgresRowImages.EncodeMissing(conn, tx);
        CommitMaintenance(conn, tx);
        return changes.Select(c => c.Name).ToList();
    }

    // ------------------------------------------------------------------ collections and probes (constant time)

    public IReadOnlyList<(string Name, string Title)> CollectionNames() => Read<IReadOnlyList<(string, string)>>(conn =>
    {
        using var cmd = new NpgsqlCommand("SELECT name, title FROM collections ORDER BY name", conn);
        using var r = cmd.ExecuteReader();
        var list = new List<(string, string)>();
        while (r.Read()) list.Add((r.GetString(0), r.GetString(1)));
        return list;
    });

    public IReadOnlyList<CollectionInfo> Collections() => Read<IReadOnlyList<CollectionInfo>>(conn =>
    {
        using var cmd = new NpgsqlCommand("""
            SELECT c.name, c.title, c.data_rights, coalesce(st.n, 0), st.wave_min, st.wave_max, st.z_min, st.z_max
            FROM collections c LEFT JOIN collection_stats st ON st.name = c.name ORDER BY c.name
            """, conn);
        using var r = cmd.ExecuteReader();
        var list = new List<CollectionInfo>();
        while (r.Read())
            list.Add(new CollectionInfo(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3),
                Opt(r, 4), Opt(r, 5), Opt(r, 6), Opt(r, 7)));
        return list;
    });

    public IReadOnlyDictionary<string, IReadOnlyList<(string Class, long Count)>> CollectionClasses() => Read(conn =>
    {
        using var cmd = new NpgsqlCommand(CollectionClassRows.Sql, conn);
        return CollectionClassRows.Read(cmd);
    });

    public long CountSpectra(string? collection = null) => Read(conn => collection is null
        ? Scalar<long>(conn, "SELECT coalesce(sum(n), 0)::bigint FROM collection_stats")
        : Scalar<long>(conn, "SELECT coalesce(sum(n), 0)::bigint FROM collection_stats WHERE name = @c", null, ("c", collection)));

    /// <summary>How long a probe that succeeded stands for the catalogue's health (VOSI availability, /spec/available, readiness, metrics).</summary>
    internal static readonly TimeSpan ProbeValidFor = TimeSpan.FromSeconds(1);

    private long _upUntil;      // Environment.TickCount64 until which the last successful probe stands
    private long _downs;        // connection failures seen: a probe stands only if none was seen while it ran

    /// <summary>
    /// Whether the catalogue answers. A probe's success stands for <see cref="ProbeValidFor"/> (availability is asked
    /// on every load balancer's and monitor's beat, and each probe would be a round trip to the database); a query of
    /// any request that fails because the database cannot be reached (<see cref="Failed"/>) ends it at once, so that
    /// the next probe asks the database again (and fails as it does). While down, every probe asks.
    /// </summary>
    public void Probe()
    {
        if (Environment.TickCount64 < Volatile.Read(ref _upUntil)) return;
        long downs = Interlocked.Read(ref _downs), started = Environment.TickCount64;
        _ = Read(conn => Scalar<string>(conn, "SELECT value FROM archive_meta WHERE key = 'schema_version'")) ?? throw new IOException("the catalogue has no schema version");
        lock (_probeLock)
            if (Interlocked.Read(ref _downs) == downs) Volatile.Write(ref _upUntil, started + (long)ProbeValidFor.TotalMilliseconds);
    }

    private readonly object _probeLock = new();

    /// <summary>
    /// Notes a query's failure (never handles it: an exception filter's test): a database that cannot be reached ends
    /// the last probe's standing (<see cref="Probe"/>).
    /// </summary>
    internal bool Failed(Exception e)
    {
        if (e is NpgsqlException n && PostgresFaults.Describe(n).Kind == CatalogueFaultKind.Unavailable)
            lock (_probeLock) { Interlocked.Increment(ref _downs); Volatile.Write(ref _upUntil, 0); }
        return false;
    }

    public CollectionCoverage? Coverage(string collection) => Read<CollectionCoverage?>(conn =>
    {
        using var cmd = new NpgsqlCommand("""
            SELECT cv.t_min, cv.t_max, cv.updated, st.wave_min, st.wave_max, coalesce(st.n, 0), (SELECT value FROM archive_meta WHERE key = @k)
            FROM collection_coverage cv LEFT JOIN collection_stats st ON st.name = cv.name WHERE cv.name = @n
            """, conn);
        cmd.Parameters.AddWithValue("n", collection);
        cmd.Parameters.AddWithValue("k", SkyCoverage.OrderKey);
        double? tMin, tMax, wMin, wMax; DateTimeOffset updated; long n; int order;
        using (var r = cmd.ExecuteReader())
        {
            if (!r.Read()) return null;
            (tMin, tMax) = (Opt(r, 0), Opt(r, 1));
            updated = DateTimeOffset.Parse(r.GetString(2), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            (wMin, wMax, n) = (Opt(r, 3), Opt(r, 4), r.GetInt64(5));
            order = int.Parse(r.GetString(6), CultureInfo.InvariantCulture);
        }
        var cells = new List<long>();
        using (var c2 = new NpgsqlCommand("SELECT cell FROM coverage_cells WHERE collection = @n", conn))
        {
            c2.Parameters.AddWithValue("n", collection);
            using var r = c2.ExecuteReader();
            while (r.Read()) cells.Add(r.GetInt64(0));
        }
        return new CollectionCoverage(collection, n, Moc.FromCells(order, cells), tMin, tMax, wMin, wMax, updated);
    });

    public IReadOnlyList<(string Collection, long Bytes)> PixelStores() => Read<IReadOnlyList<(string, long)>>(conn =>
    {
        using var cmd = new NpgsqlCommand("SELECT name, committed_length FROM collections ORDER BY name", conn);
        using var r = cmd.ExecuteReader();
        var list = new List<(string, long)>();
        while (r.Read()) list.Add((r.GetString(0), r.GetInt64(1)));
        return list;
    });

    public (string Did, double Ra, double Dec)? AnyPublicSpectrum() => Read<(string, double, double)?>(conn =>
    {
        using var cmd = new NpgsqlCommand("SELECT obs_publisher_did, s_ra, s_dec FROM ivoa_obscore WHERE data_rights = 'public' LIMIT 1", conn);
        using var r = cmd.ExecuteReader();
        return r.Read() ? (r.GetString(0), r.GetDouble(1), r.GetDouble(2)) : null;
    });

    // ------------------------------------------------------------------ spectra by name

    private const string LocationColumns = "st.spec_id, st.collection, st.specobjid, st.px_offset, st.px_length, st.npix, st.source_path";

    public SpectrumLocation? Locate(string collection, long specObjId) => Read<SpectrumLocation?>(conn =>
    {
        using var cmd = new NpgsqlCommand($"SELECT {LocationColumns} FROM spectrum_store st WHERE st.collection = @c AND st.specobjid = @id", conn);
        cmd.Parameters.AddWithValue("c", collection);
        cmd.Parameters.AddWithValue("id", specObjId);
        using var r = cmd.ExecuteReader();
        return r.Read() ? LocationOf(r) : null;
    });

    public SpectrumMeta? LoadMeta(long specId) => Read<SpectrumMeta?>(conn =>
    {
        using var cmd = new NpgsqlCommand(MetaRow.Sql + "@id", conn);
        cmd.Parameters.AddWithValue("id", specId);
        using var r = cmd.ExecuteReader();
        return r.Read() ? MetaRow.Read(r) : null;
    });

    public IDatasetFinder OpenDatasetFinder()
    {
        _datasets?.Start();
        return new DatasetFinder(this, _datasets);
    }

    /// <summary>
    /// One connection for the identifiers of a request; the statement is prepared once per physical connection. Announced
    /// identifiers (<see cref="Prefetch"/>) are read in one statement: 50 lookups would be 50 round trips.
    /// </summary>
    private sealed class DatasetFinder(PostgresCatalogue catalogue, PostgresDatasetCache? cache) : IDatasetFinder
    {
        private const string Select = """
            SELECT st.spec_id, st.collection, st.specobjid, st.px_offset, st.px_length, st.npix, st.source_path, st.source_bytes,
                   o.obs_id, o.em_min, o.em_max, o.s_ra, o.s_dec, o.s_fov, o.t_min, o.t_max, o.instrument_name
            """;
        private const string From = " FROM spectrum_store st JOIN ivoa_obscore o ON o.spec_id = st.spec_id";
        private const string Columns = Select + From;

        /// <summary>How many columns <see cref="Select"/> has (the metadata's start after them).</summary>
        private const int DatasetColumns = 17;
        private NpgsqlConnection? _conn;
        private string? _standby;
        private NpgsqlCommand? _cmd, _cmdMeta;
        private Dictionary<(string, long), Dataset>? _prefetched;

        public void Prefetch(IReadOnlyCollection<(string Collection, long SpecObjId)> keys) => _prefetched = Ask(conn =>
        {
            using var cmd = new NpgsqlCommand(Columns + " JOIN unnest(@cs, @ids) AS k(c, id) ON st.collection = k.c AND st.specobjid = k.id", conn);
            cmd.Parameters.AddWithValue("cs", keys.Select(k => k.Collection).ToArray());
            cmd.Parameters.AddWithValue("ids", keys.Select(k => k.SpecObjId).ToArray());
            var found = new Dictionary<(string, long), Dataset>();
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var d = Read(r, "");
                found[(d.Location.Collection, d.Location.SpecObjId)] = d;
            }
            return found;
        });

        public Dataset? Find(string did, string collection, long specObjId) => Find(did, collection, specObjId, withMeta: false);

        /// <summary>The dataset and its metadata in one statement (specobj joined; <see cref="MetaRow"/>'s columns after the dataset's).</summary>
        public Dataset? FindWithMeta(string did, string collection, long specObjId) => Find(did, collection, specObjId, withMeta: true);

        private Dataset? Find(string did, string collection, long specObjId, bool withMeta)
        {
            if (_prefetched is not null) return _prefetched.TryGetValue((collection, specObjId), out var d) ? d with { Did = did } : null;
            if (cache is not null && cache.TryGet(collection, specObjId, out var cached) && (!withMeta || cached.Meta is not null)) return cached with { Did = did };
            long generation = cache?.Generation ?? 0;
            var found = Ask(conn =>
            {
                var cmd = withMeta ? _cmdMeta : _cmd;
                if (cmd is null)
                {
                    cmd = new NpgsqlCommand(withMeta
                        ? Select + ", " + MetaRow.Columns + From + " LEFT JOIN specobj s ON s.spec_id = st.spec_id WHERE st.collection = @c AND st.specobjid = @id"
                        : Columns + " WHERE st.collection = @c AND st.specobjid = @id", conn);
                    cmd.Parameters.Add(new NpgsqlParameter<string>("c", ""));
                    cmd.Parameters.Add(new NpgsqlParameter<long>("id", 0L));
                    if (withMeta) _cmdMeta = cmd; else _cmd = cmd;
                }
                ((NpgsqlParameter<string>)cmd.Parameters[0]).TypedValue = collection;
                ((NpgsqlParameter<long>)cmd.Parameters[1]).TypedValue = specObjId;
                using var r = cmd.ExecuteReader();
                if (!r.Read()) return null;
                var dataset = Read(r, did);
                // No specobj row (LoadMeta would find none either): left to LoadMeta, which says so.
                return withMeta && !r.IsDBNull(DatasetColumns) ? dataset with { Meta = MetaRow.Read(r, DatasetColumns) } : dataset;
            });
            if (found is not null) cache?.Add(found, generation);
            return found;
        }

        public IReadOnlyList<RelatedSpectrum> Related(Dataset dataset)
        {
            if (!SpectrumFamilies.MayHaveRelatives(dataset)) return [];
            return Ask(conn =>
            {
                using var cmd = new NpgsqlCommand(SpectrumFamilies.Sql, conn);
                cmd.Parameters.AddWithValue("c", dataset.Location.Collection);
                cmd.Parameters.AddWithValue("id", dataset.Location.SpecObjId);
                using var r = cmd.ExecuteReader();
                return SpectrumFamilies.Read(r, dataset);
            });
        }

        /// <summary>One question on the request's connection; asked again on the primary when its standby is lost (one lookup: nothing was sent).</summary>
        private T Ask<T>(Func<NpgsqlConnection, T> ask)
        {
            if (_conn is null) (_conn, _standby) = catalogue.OpenRead();
            try { return ask(_conn); }
            catch (Exception e) when (catalogue.Failed(e) || catalogue.StandbyLost(_standby, e)) { }
            Dispose();
            (_cmd, _cmdMeta, _conn, _standby) = (null, null, catalogue.OpenPrimary(), null);
            return ask(_conn);
        }

        private static Dataset Read(NpgsqlDataReader r, string did) =>
            new Dataset(did, LocationOf(r),
                ObsId: r.IsDBNull(8) ? "" : r.GetString(8),
                EmMin: r.GetDouble(9), EmMax: r.GetDouble(10),
                Ra: r.GetDouble(11), Dec: r.GetDouble(12), ApertureRadius: (r.IsDBNull(13) ? 0 : r.GetDouble(13)) / 2,
                TMin: Opt(r, 14), TMax: Opt(r, 15),
                SourcePath: r.IsDBNull(6) ? null : r.GetString(6),
                SourceBytes: r.IsDBNull(7) ? null : r.GetInt64(7),
                Instrument: r.IsDBNull(16) ? "" : r.GetString(16));

        public void Dispose()
        {
            _cmd?.Dispose();
            _cmdMeta?.Dispose();
            _conn?.Dispose();
        }
    }

    public (Dictionary<long, List<SpectrumLocation>> BySpecObjId, List<SpectrumLocation>[] ByFibre) LocateSpectra(
        IReadOnlyCollection<long> specObjIds, IReadOnlyList<FibreKey> fibres, IReadOnlyCollection<string> collections)
    {
        if (specObjIds.Count == 0 && fibres.Count == 0) return ([], new List<SpectrumLocation>[fibres.Count]);
        return Read(conn =>
        {
            // Made here: a read retried on the primary starts afresh.
            var bySpecObjId = new Dictionary<long, List<SpectrumLocation>>();
            var byFibre = new List<SpectrumLocation>[fibres.Count];
            var allowed = collections.ToArray();
            if (specObjIds.Count > 0)
            {
                // Every specobjid in one statement: an array parameter, joined as a set.
                using var cmd = new NpgsqlCommand($"""
                    SELECT {LocationColumns} FROM unnest(@ids) AS j(id) JOIN specobj s ON s.specobjid = j.id
                    JOIN spectrum_store st ON st.spec_id = s.spec_id WHERE s.collection = ANY(@cs)
                    """, conn);
                cmd.Parameters.AddWithValue("ids", specObjIds.ToArray());
                cmd.Parameters.AddWithValue("cs", allowed);
                using var r = cmd.ExecuteReader();
                while (r.Read())
                {
                    var loc = LocationOf(r);
                    if (!bySpecObjId.TryGetValue(loc.SpecObjId, out var list)) bySpecObjId[loc.SpecObjId] = list = new List<SpectrumLocation>(1);
                    list.Add(loc);
                }
            }
            if (fibres.Count > 0)
            {
                using var cmd = new NpgsqlCommand($"""
                    SELECT {LocationColumns} FROM specobj s JOIN spectrum_store st ON st.spec_id = s.spec_id
                    WHERE s.collection = @c AND s.plate = @p AND s.mjd = @m AND s.fiberid = @f
                    """, conn);
                var c = cmd.Parameters.Add(new NpgsqlParameter<string>("c", ""));
                var p = cmd.Parameters.Add(new NpgsqlParameter<int>("p", (int)0));
                var m = cmd.Parameters.Add(new NpgsqlParameter<int>("m", 0));
                var f = cmd.Parameters.Add(new NpgsqlParameter<int>("f", 0));
                for (int i = 0; i < fibres.Count; i++)
                {
                    var matches = byFibre[i] = new List<SpectrumLocation>(1);
                    foreach (var collection in collections)
                    {
                        ((NpgsqlParameter<string>)c).TypedValue = collection;
                        ((NpgsqlParameter<int>)p).TypedValue = fibres[i].Plate;
                        ((NpgsqlParameter<int>)m).TypedValue = fibres[i].Mjd;
                        ((NpgsqlParameter<int>)f).TypedValue = fibres[i].FiberId;
                        using var r = cmd.ExecuteReader();
                        while (r.Read()) matches.Add(LocationOf(r));
                    }
                }
            }
            return (bySpecObjId, byFibre);
        });
    }

    private static SpectrumLocation LocationOf(NpgsqlDataReader r) => SpectrumLocation.Read(r);

    // ------------------------------------------------------------------ SSA and ADQL

    /// <summary>SSA's rows: the first read here (so that a standby lost before it is a read retried on the primary), the rest streamed.</summary>
    public DbDataReader Search(SpectrumSearch search)
    {
        var (sql, parameters) = PostgresSpectrumSearch.Build(search, _archive.PublicUrl);
        return ReadOwning<DbDataReader>(conn =>
        {
            try
            {
                var cmd = new NpgsqlCommand(sql, conn);
                foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
                var reader = new FirstRowRead(cmd.ExecuteReader(CommandBehavior.CloseConnection), static () => new InvalidOperationException("SSA has no database-time budget"), static () => false);
                try { reader.ReadFirst(); }
                catch { reader.Dispose(); throw; }
                return reader;
            }
            catch { conn.Dispose(); throw; }
        });
    }

    /// <summary>
    /// An ADQL query: one with uploads on the primary, in a transaction of its own (a hot standby cannot create their
    /// temporary tables); any other on a connection of the query pool for its budget (<see cref="QueryData"/>).
    /// </summary>
    public Task<IAdqlExecution> PrepareAsync(AdqlRequest request, CancellationToken cancel) =>
        request.Uploads.Count > 0
            ? PostgresAdqlExecution.PrepareAsync(this, OpenPrimary(), request, cancel)
            : ReadOwningAsync(conn => PostgresAdqlExecution.PrepareAsync(this, conn, request, cancel), QueryData(PostgresAdqlExecution.BudgetMs(request)));

    // ------------------------------------------------------------------ helpers

    internal static double? Opt(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);

    internal static void Execute(NpgsqlConnection conn, string sql, NpgsqlTransaction? tx = null, params (string Name, object? Value)[] parameters)
    {
        using var cmd = new NpgsqlCommand(sql, conn, tx);
        foreach (var (n, v) in parameters) cmd.Parameters.AddWithValue(n, v ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }

    /// <summary>
    /// <see cref="Execute"/> for a statement whose time grows with the catalogue (an index build, ANALYZE, an UPDATE of
    /// a whole collection) or that waits for other sessions' locks: no client-side time limit, where the connection
    /// string's <c>Command Timeout</c> (Npgsql's default 30 s) would abort it, at ten million rows, in the middle of a
    /// load or a change of data rights. Never for a request's own reads.
    /// </summary>
    internal static void Maintenance(NpgsqlConnection conn, string sql, NpgsqlTransaction? tx = null, params (string Name, object? Value)[] parameters)
    {
        using var cmd = new NpgsqlCommand(sql, conn, tx) { CommandTimeout = 0 };
        foreach (var (n, v) in parameters) cmd.Parameters.AddWithValue(n, v ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }

    /// <summary>
    /// Commits a transaction whose deferred checks grow with the catalogue (the stored rows' constraint trigger runs once
    /// for every row a whole-collection update or a migration touched): they are run first by SET CONSTRAINTS ALL
    /// IMMEDIATE without a client-side limit, as <see cref="Maintenance"/> runs index builds, because Npgsql's COMMIT
    /// waits only as long as the connection string's Command Timeout (30 s by default) and a timed-out COMMIT loses the
    /// whole transaction.
    /// </summary>
    internal static void CommitMaintenance(NpgsqlConnection conn, NpgsqlTransaction tx)
    {
        Maintenance(conn, "SET CONSTRAINTS ALL IMMEDIATE", tx);
        tx.Commit();
    }

    internal static T? Scalar<T>(NpgsqlConnection conn, string sql, NpgsqlTransaction? tx = null, params (string Name, object? Value)[] parameters)
    {
        using var cmd = new NpgsqlCommand(sql, conn, tx);
        foreach (var (n, v) in parameters) cmd.Parameters.AddWithValue(n, v ?? DBNull.Value);
        var o = cmd.ExecuteScalar();
        return o is null or DBNull ? default : (T)Convert.ChangeType(o, typeof(T), CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        _watch?.Dispose();
        _datasets?.Dispose();
        _data.Dispose();
        foreach (var q in _queryData.Values) q.Dispose();
    }
}
