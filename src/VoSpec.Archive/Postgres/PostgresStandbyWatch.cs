using Npgsql;

namespace VoSpec.Archive.Postgres;

/// <summary>
/// When reads go to the primary instead of a standby (issue 13). With several hosts in the connection string and reads
/// sent to a standby, every second the primary's WAL position is noted, and each standby's replayed position is
/// compared with where the primary was <see cref="ArchiveOptions.MaxStandbyLag"/> ago. While a standby is further
/// behind than that (a slow network, a long replay conflict, replay paused), every read goes to the primary, so that no
/// answer is staler than the limit; when it has caught up, reads go back to the standbys. Npgsql itself knows only
/// whether a host answers and whether it is a standby, not how far behind it is. A standby that is not replaying at all
/// still counts as behind. A standby whose connection a read lost (<see cref="Lost"/>: it stopped, restarted, or its
/// network went) sends every read to the primary at once, until a tick finds it answering as a standby again: Npgsql
/// would otherwise hand out the pooled connections to it that died with it, one failed read each.
/// </summary>
internal sealed class PostgresStandbyWatch : IDisposable
{
    private readonly (string Host, NpgsqlDataSource Data)[] _hosts;
    private readonly TimeSpan _limit;
    private readonly Action<string>? _log;
    private readonly Queue<(DateTime At, long Lsn)> _primary = new();
    private readonly Timer _timer;
    private int _ticking;
    private volatile string? _lagging;
    private volatile string? _lost;
    private long _lostAt;
    private volatile string[] _primaries = [];

    private PostgresStandbyWatch(NpgsqlConnectionStringBuilder csb, IReadOnlyList<string> hosts, TimeSpan limit, Action<string>? log)
    {
        _limit = limit;
        _log = log;
        _hosts = hosts.Select(h =>
        {
            // One small pool per host, asked directly: the watch must see each host, not the one Npgsql would pick.
            var one = new NpgsqlConnectionStringBuilder(csb.ConnectionString)
            {
                Host = h, TargetSessionAttributes = null, LoadBalanceHosts = false, MaxPoolSize = 1, MinPoolSize = 0, Timeout = 3, CommandTimeout = 3,
            };
            one.Remove("Port");
            if (!h.Contains(':')) one.Port = csb.Port;
            return (h.Contains(':') ? h : $"{h}:{csb.Port}", NpgsqlDataSource.Create(one.ConnectionString));
        }).ToArray();
        _timer = new Timer(_ => Tick(), null, TimeSpan.Zero, TimeSpan.FromSeconds(1));
    }

    /// <summary>A watch when reads may go to a standby of several hosts; null otherwise.</summary>
    public static PostgresStandbyWatch? For(NpgsqlConnectionStringBuilder csb, ArchiveOptions options)
    {
        var hosts = (csb.Host ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        bool readsOnStandby = csb.TargetSessionAttributes is { } t
            && (t.Equals("prefer-standby", StringComparison.OrdinalIgnoreCase) || t.Equals("standby", StringComparison.OrdinalIgnoreCase));
        return hosts.Length > 1 && readsOnStandby ? new PostgresStandbyWatch(csb, hosts, options.MaxStandbyLag, options.Log) : null;
    }

    /// <summary>Why reads go to the primary now (a standby lost, or too far behind), or null.</summary>
    public string? ReadsOnPrimary => _lost ?? _lagging;

    /// <summary>Whether host:port answered as the primary at the last tick (a read lost there is not retried there).</summary>
    public bool IsPrimary(string endpoint) => _primaries.Contains(endpoint, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A read lost its connection to the standby at <paramref name="endpoint"/> (host:port): reads go to the primary
    /// until a tick finds it answering again. True for the first read to say so (which clears the pools).
    /// </summary>
    public bool Lost(string endpoint, string why)
    {
        var now = $"standby {endpoint} lost ({why})";
        // The time first: a tick must not take a loss it has not seen for one that happened before it began.
        Interlocked.Exchange(ref _lostAt, Environment.TickCount64);
        if (Interlocked.CompareExchange(ref _lost, now, null) is not null) return false;
        _log?.Invoke(now + ": reads go to the primary");
        return true;
    }

    private void Tick()
    {
        if (Interlocked.Exchange(ref _ticking, 1) == 1) return;
        try
        {
            long started = Environment.TickCount64;
            var standbys = new List<(string Host, long Replayed)>();
            var primaries = new List<string>();
            long? primary = null;
            foreach (var (host, data) in _hosts)
            {
                try
                {
                    using var conn = data.OpenConnection();
                    using var cmd = new NpgsqlCommand(
                        "SELECT pg_is_in_recovery(), pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN coalesce(pg_last_wal_replay_lsn(), '0/0') ELSE pg_current_wal_lsn() END, '0/0')::bigint",
                        conn);
                    using var r = cmd.ExecuteReader();
                    r.Read();
                    if (r.GetBoolean(0)) standbys.Add((host, r.GetInt64(1)));
                    else { primary = r.GetInt64(1); primaries.Add(host); }
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException) { }
            }
            _primaries = [.. primaries];
            // A lost standby is back once every host answers again, asked after the loss (not by a tick already under way).
            if (_lost is not null && started > Interlocked.Read(ref _lostAt) && _hosts.Length == standbys.Count + primaries.Count && standbys.Count > 0)
            {
                _lost = null;
                _log?.Invoke("standbys answer again: reads go to them again");
            }
            if (_limit <= TimeSpan.Zero) return;
            var now = DateTime.UtcNow;
            if (primary is { } p) _primary.Enqueue((now, p));
            while (_primary.Count > 0 && now - _primary.Peek().At > _limit + TimeSpan.FromSeconds(5)) _primary.Dequeue();
            // Where the primary was at least the limit ago: a standby that has not replayed that far is too far behind.
            long? due = null;
            foreach (var (at, lsn) in _primary) if (now - at >= _limit) due = lsn;
            var behind = due is { } d ? standbys.Where(s => s.Replayed < d).Select(s => s.Host).ToList() : [];
            string? lagging = behind.Count > 0 ? $"standby {string.Join(", ", behind)} more than {_limit.TotalSeconds:0} s behind the primary" : null;
            if (lagging != _lagging)
                _log?.Invoke(lagging is null ? "standbys caught up: reads go to them again" : lagging + ": reads go to the primary");
            _lagging = lagging;
        }
        finally { Volatile.Write(ref _ticking, 0); }
    }

    public void Dispose()
    {
        _timer.Dispose();
        foreach (var (_, data) in _hosts) data.Dispose();
    }
}
