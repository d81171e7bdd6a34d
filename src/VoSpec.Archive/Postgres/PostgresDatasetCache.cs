using System.Collections.Concurrent;
using Npgsql;
using VoSpec.Archive.Queries;

namespace VoSpec.Archive.Postgres;

/// <summary>
/// The datasets this server has looked up (DataLink, SODA, previews: <see cref="IDatasetFinder.Find"/>), kept while
/// the database says nothing has changed, so that a repeated lookup costs no round trip. The database says so through
/// LISTEN/NOTIFY: statement triggers on the tables a dataset (and its metadata) is read from (<see cref="Triggers"/>:
/// spectrum_store, ivoa_obscore, specobj, collections) notify <see cref="Channel"/> when a transaction that changed them commits, whoever
/// changed them (this server, another one, psql); each server keeps one connection listening, and any notification
/// empties its cache. The cache is used only while that connection listens and the triggers are there, enabled
/// ALWAYS (checked once a second on it): a lost connection, a missing or disabled trigger, empties the cache and
/// turns it off until listening again — then every lookup asks the database, as without it.
/// <para>
/// Why it is right: an entry is stored only if no notification arrived (and the cache was not turned off) between the
/// start of the lookup and its end (<see cref="Generation"/>): a lookup whose snapshot missed a change that committed
/// meanwhile is either dropped or, stored before the notification arrived, removed by it. So once a change's
/// notification has reached this server, no answer older than it is served; between the commit and that moment
/// (the notification's delivery: PostgreSQL signals the listening backend, which writes to this server's socket) an answer may be the one from before, as a
/// read on a standby may be. Not used with several hosts (a standby's reads may lag the primary's notifications: an
/// entry read from a standby after a notification could be older than it) — only with one.
/// </para>
/// </summary>
internal sealed class PostgresDatasetCache : IDisposable
{
    /// <summary>The channel the triggers notify.</summary>
    public const string Channel = "vospec_catalogue";

    /// <summary>The name of the trigger (and its function) on each table a dataset is read from.</summary>
    public const string TriggerName = "vospec_catalogue_changed";

    /// <summary>The tables whose changes can change a dataset lookup's answer (or who may see it).</summary>
    public static readonly string[] Tables = ["spectrum_store", "ivoa_obscore", "specobj", "collections"];

    /// <summary>The listening connection's application_name.</summary>
    public const string ListenerName = "vospec dataset cache";

    /// <summary>Entries kept at most (a few hundred bytes each); when full, the cache starts again empty.</summary>
    public const int MaxEntries = 100_000;

    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(1);

    private readonly string _connectionString;
    private readonly Action<string>? _log;
    private readonly ConcurrentDictionary<(string Collection, long SpecObjId), Dataset> _entries = new();
    private readonly object _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _listener;
    private long _generation;
    private volatile bool _enabled;
    private long _notifications;

    public PostgresDatasetCache(string connectionString, Action<string>? log)
    {
        // The listening connection is its own (not one of the pool's), and never reset or kept by a pool.
        // Named, so that an operator sees it in pg_stat_activity.
        var csb = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, MaxAutoPrepare = 0, ApplicationName = ListenerName };
        _connectionString = csb.ConnectionString;
        _log = log;
    }

    /// <summary>The DDL of the notifying triggers (replaced as they are): run in <see cref="PostgresCatalogue.Create"/>.</summary>
    public static IEnumerable<string> Triggers()
    {
        yield return $"""
            CREATE OR REPLACE FUNCTION {TriggerName}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              PERFORM pg_notify('{Channel}', TG_TABLE_NAME);
              RETURN NULL;
            END $$
            """;
        foreach (var table in Tables)
        {
            yield return $"CREATE OR REPLACE TRIGGER {TriggerName} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {TriggerName}()";
            // ALWAYS: also in sessions with session_replication_role = replica (logical replication, pg_restore --disable-triggers).
            yield return $"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {TriggerName}";
        }
    }

    /// <summary>How many of the triggers are there and fire always (all are when it equals the number of tables).</summary>
    public const string TriggersInPlace = $"""
        SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE t.tgname = '{TriggerName}' AND t.tgenabled = 'A' AND n.nspname = current_schema()
          AND c.relname IN ('spectrum_store', 'ivoa_obscore', 'specobj', 'collections')
        """;

    /// <summary>Whether lookups may be answered from the cache now.</summary>
    public bool Enabled => _enabled;

    /// <summary>Notifications received so far (for tests and /spec/debug-like views).</summary>
    public long Notifications => Interlocked.Read(ref _notifications);

    /// <summary>Changes whenever the cache is emptied or turned on or off; a lookup stores its answer only if it did not change meanwhile.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>Starts listening (once; later calls do nothing).</summary>
    public void Start()
    {
        if (_listener is not null) return;
        lock (_lock) _listener ??= Task.Run(ListenAsync);
    }

    public bool TryGet(string collection, long specObjId, out Dataset dataset)
    {
        dataset = null!;
        return _enabled && _entries.TryGetValue((collection, specObjId), out dataset!);
    }

    /// <summary>Keeps <paramref name="dataset"/> unless the cache is off or was emptied since <paramref name="generation"/> was read (before the lookup).</summary>
    public void Add(Dataset dataset, long generation)
    {
        lock (_lock)
        {
            if (!_enabled || _generation != generation) return;
            if (_entries.Count >= MaxEntries) _entries.Clear();
            _entries[(dataset.Location.Collection, dataset.Location.SpecObjId)] = dataset;
        }
    }

    private void Invalidate(bool? enable = null)
    {
        lock (_lock)
        {
            if (enable is bool e) _enabled = e;
            _generation++;
            _entries.Clear();
        }
    }

    private async Task ListenAsync()
    {
        var stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var conn = new NpgsqlConnection(_connectionString);
                await conn.OpenAsync(stop);
                conn.Notification += (_, _) => { Interlocked.Increment(ref _notifications); Invalidate(); };
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", conn)) await listen.ExecuteNonQueryAsync(stop);
                _log?.Invoke($"dataset cache: listening on {Channel}");
                // Listening from here on: every change committed after this point empties the cache when its notification
                // arrives; whatever was cached before is dropped as the cache is turned on.
                while (!stop.IsCancellationRequested)
                {
                    await using (var check = new NpgsqlCommand(TriggersInPlace, conn))
                    {
                        bool inPlace = Convert.ToInt64(await check.ExecuteScalarAsync(stop), System.Globalization.CultureInfo.InvariantCulture) == Tables.Length;
                        if (inPlace != _enabled)
                        {
                            Invalidate(inPlace);
                            if (!inPlace) _log?.Invoke("dataset cache: off (its notifying triggers are missing or not enabled ALWAYS)");
                        }
                    }
                    // Notifications arrive while waiting (the handler above runs on this task); a lost connection throws.
                    await conn.WaitAsync(CheckEvery, stop);
                }
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                if (_enabled) _log?.Invoke($"dataset cache: off, its listening connection failed ({e.Message}); listening again in a second");
            }
            catch (OperationCanceledException) { }
            finally
            {
                Invalidate(false);
            }
            try { await Task.Delay(CheckEvery, stop); }
            catch (OperationCanceledException) { }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try { _listener?.Wait(TimeSpan.FromSeconds(5)); }
        catch (AggregateException) { }
        _stop.Dispose();
        Invalidate(false);
    }
}
