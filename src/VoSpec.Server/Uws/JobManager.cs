using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace VoSpec.Server.Uws;

/// <summary>
/// The life of UWS jobs: creation, parameters, PHASE=RUN/ABORT, a bounded queue, the
/// execution-duration limit, WAIT (blocking until the phase changes), destruction and deletion.
/// Every change is saved to the <see cref="IJobStore"/>; jobs caught mid-run by a restart end in ERROR.
/// The queue (<see cref="JobLimits"/>) starts QUEUED jobs in the order they were run, skipping those of a client that
/// already has its share executing: one client's many jobs wait while another client's job starts.
/// On a store several servers share (<see cref="IJobStore.Shared"/>, PostgreSQL) the store is the truth: every request
/// reads the job from it, so any server can poll, abort or delete a job another one runs; the server that runs a job
/// renews its lease every few seconds and cancels it once another server aborted or deleted it; every server ends
/// in ERROR the jobs of a server that stopped renewing (it died), and a server's restart leaves the others' jobs alone.
/// </summary>
public sealed class JobManager : IAsyncDisposable
{
    private readonly IJobStore _store;
    private readonly IJobExecutor _executor;
    private readonly ILogger _log;
    private readonly int _maxDurationSeconds;
    private readonly int _retentionSeconds;
    private readonly ConcurrentDictionary<string, UwsJob> _jobs = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _changed = new();
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new();
    private readonly JobLimits _limits;
    // QUEUED job ids in the order they were run; the executing count in all and per client. All under _gate.
    private readonly List<string> _queued = [];
    private readonly Dictionary<string, int> _executingByClient = new(StringComparer.Ordinal);
    private int _executing;
    private readonly ConcurrentDictionary<string, Task> _executions = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Timer _sweeper;
    private readonly object _gate = new();

    /// <summary>The error of a job that was QUEUED or EXECUTING when the server stopped (or was killed).</summary>
    public const string InterruptedMessage = "the server restarted while the job was queued or running; submit it again";

    /// <summary>The error of a job whose server stopped renewing its lease (it was killed or lost the database).</summary>
    public static readonly string AbandonedMessage =
        $"the server running the job stopped (no sign of it for {(int)IJobStore.Lease.TotalSeconds} s); submit it again";

    private readonly Timer? _leases;

    /// <summary>A result being written is named ID/result.partial until it is complete.</summary>
    public const string PartialSuffix = ".partial";

    public JobManager(IJobStore store, IJobExecutor executor, ILogger log, int maxDurationSeconds, int retentionSeconds, JobLimits? limits = null)
    {
        _limits = limits ?? new JobLimits();
        _store = store;
        _executor = executor;
        _log = log;
        _maxDurationSeconds = maxDurationSeconds;
        _retentionSeconds = retentionSeconds;
        // Shared: other servers' jobs are theirs; those of a dead server end when their lease runs out.
        foreach (var job in store.Shared ? [] : store.LoadAll())
        {
            // A job that was queued or running when the server stopped cannot resume.
            var j = job.IsActive ? job with { Phase = ExecutionPhase.ERROR, EndTime = DateTimeOffset.UtcNow, ErrorMessage = InterruptedMessage } : job;
            if (!ReferenceEquals(j, job))
            {
                // Whatever it had written of its result is not a result.
                try { File.Delete(store.ResultPath(j.Id) + PartialSuffix); File.Delete(store.ResultPath(j.Id)); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
                try { store.Save(j); }
                catch (Exception e) when (Hosting.StorageFault.Describe(e) is not null) { log.LogWarning("job {Id}: {Error}", j.Id, e.Message); }
            }
            _jobs[j.Id] = j;
        }
        _sweeper = new Timer(_ => Sweep(), null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60));
        if (store.Shared) _leases = new Timer(_ => KeepLeases(), null, LeaseTick, LeaseTick);
    }

    private static readonly TimeSpan LeaseTick = IJobStore.Lease / 5;

    /// <summary>
    /// Shared store: renews the leases of this server's queued and running jobs, cancels those another server aborted
    /// or deleted, and ends in ERROR every job whose lease ran out (its server died).
    /// </summary>
    private void KeepLeases()
    {
        try
        {
            List<string> held;
            lock (_gate) held = [.. _queued, .. _running.Keys];
            var alive = _store.Renew(held.Distinct().ToList());
            foreach (var id in held.Where(id => !alive.Contains(id)))
                if (_running.TryGetValue(id, out var cts)) cts.Cancel();
            foreach (var id in _store.ExpireLeases(AbandonedMessage))
            {
                _log.LogWarning("job {Id}: {Error}", id, AbandonedMessage);
                try { File.Delete(_store.ResultPath(id) + PartialSuffix); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
                _jobs.TryRemove(id, out _);
                Signal(id);
            }
        }
        catch (Exception e) when (Hosting.StorageFault.Describe(e) is not null || CatalogueFault.Of(e) is not null)
        {
            // The database is away: the next tick tries again (a lease outlasts a few missed ticks).
            _log.LogWarning("UWS leases: {Error}", e.Message);
        }
    }

    /// <summary>Every job: from the store when it is shared, else from memory.</summary>
    private IEnumerable<UwsJob> All() => _store.Shared ? _store.LoadAll() : _jobs.Values;

    /// <param name="client">Who submits it, for the queue's per-client bounds.</param>
    /// <exception cref="JobLimitException">The client has as many unfinished jobs as it may.</exception>
    public UwsJob Create(IEnumerable<JobParameter> parameters, string? runId, IReadOnlyList<string>? grants = null, string? client = null)
    {
        var now = DateTimeOffset.UtcNow;
        if (client is not null && All().Count(j => j.Client == client && j.Phase is ExecutionPhase.PENDING or ExecutionPhase.HELD or ExecutionPhase.QUEUED or ExecutionPhase.EXECUTING)
            >= _limits.MaxUnfinishedPerClient)
            throw new JobLimitException($"this client already has {_limits.MaxUnfinishedPerClient} unfinished jobs (VoSpec:Limits:MaxUnfinishedJobsPerClient): let some finish, or delete them");
        var job = new UwsJob
        {
            Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
            RunId = runId,
            CreationTime = now,
            ExecutionDuration = _maxDurationSeconds,
            Destruction = now.AddSeconds(_retentionSeconds),
            Parameters = Merge([], parameters),
            Grants = grants ?? [],
            Client = client,
        };
        Put(job);
        return job;
    }

    public UwsJob? Get(string id)
    {
        if (_store.Shared)
        {
            // Another server may have changed or deleted it.
            if (_store.Load(id) is { } stored) _jobs[id] = stored;
            else { _jobs.TryRemove(id, out _); return null; }
        }
        if (!_jobs.TryGetValue(id, out var job)) return null;
        if (job.Destruction <= DateTimeOffset.UtcNow) { Delete(id); return null; }
        return job;
    }

    public IEnumerable<UwsJob> List() => All().Where(j => j.Destruction > DateTimeOffset.UtcNow).OrderByDescending(j => j.CreationTime);

    /// <summary>Adds parameters to a PENDING job (single-valued ones replace, UPLOAD accumulates); false if not PENDING.</summary>
    public bool AddParameters(string id, IEnumerable<JobParameter> parameters, string? runId)
    {
        lock (_gate)
        {
            if (Get(id) is not { Phase: ExecutionPhase.PENDING } job) return false;
            Put(job with { Parameters = Merge(job.Parameters, parameters), RunId = runId ?? job.RunId });
            return true;
        }
    }

    /// <summary>Throws <see cref="JobLimitException"/> when <paramref name="client"/> may not queue another job now.</summary>
    public void CheckCanQueue(string? client)
    {
        if (client is not null && All().Count(j => j.Client == client && j.Phase == ExecutionPhase.QUEUED) >= _limits.MaxQueuedPerClient)
            throw QueueFull();
    }

    private JobLimitException QueueFull() =>
        new($"this client already has {_limits.MaxQueuedPerClient} jobs waiting to run (VoSpec:Limits:MaxQueuedJobsPerClient): run this one when they have started");

    /// <summary>PHASE=RUN: PENDING jobs become QUEUED at once (clients check straight after), and start when the queue allows.</summary>
    /// <exception cref="JobLimitException">The job's client has as many QUEUED jobs as it may; the job stays as it was.</exception>
    public void Run(string id)
    {
        lock (_gate)
        {
            if (Get(id) is not { Phase: ExecutionPhase.PENDING or ExecutionPhase.HELD } job) return;
            CheckCanQueue(job.Client);
            // Shared store: only if no other server queued, aborted or deleted it meanwhile.
            if (!PutIf(job with { Phase = ExecutionPhase.QUEUED }, job.Phase)) return;
            _queued.Add(id);
        }
        Dispatch();
    }

    public void Abort(string id)
    {
        lock (_gate)
        {
            if (Get(id) is not { } job || job.IsFinal) return;
            Put(job with { Phase = ExecutionPhase.ABORTED, EndTime = DateTimeOffset.UtcNow });
        }
        if (_running.TryGetValue(id, out var cts)) cts.Cancel();
    }

    public void Delete(string id)
    {
        if (_running.TryGetValue(id, out var cts)) cts.Cancel();
        if (_jobs.TryRemove(id, out _)) _store.Delete(id);
        Signal(id);
    }

    public bool SetExecutionDuration(string id, int seconds)
    {
        lock (_gate)
        {
            if (Get(id) is not { } job || job.IsFinal) return false;
            // 0 (unlimited) or anything above our limit is clamped to the limit.
            int s = seconds <= 0 || seconds > _maxDurationSeconds ? _maxDurationSeconds : seconds;
            Put(job with { ExecutionDuration = s });
            return true;
        }
    }

    public bool SetDestruction(string id, DateTimeOffset when)
    {
        lock (_gate)
        {
            if (Get(id) is not { } job) return false;
            var latest = job.CreationTime.AddSeconds(_retentionSeconds);
            Put(job with { Destruction = when > latest ? latest : when });
            return true;
        }
    }

    /// <summary>Blocks while the job is active (or PENDING) and its phase stays as it is, up to the timeout.</summary>
    public async Task<UwsJob?> WaitAsync(string id, TimeSpan timeout, ExecutionPhase? onlyWhile, CancellationToken cancel)
    {
        var job = Get(id);
        if (job is null || job.IsFinal || (onlyWhile is not null && job.Phase != onlyWhile)) return job;
        if (job.Phase is not (ExecutionPhase.PENDING or ExecutionPhase.QUEUED or ExecutionPhase.EXECUTING)) return job;
        var end = DateTimeOffset.UtcNow + timeout;
        do
        {
            var changed = _changed.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            if (Get(id) is not { } now || now.Phase != job.Phase) return Get(id);
            // Shared: another server may change it without a signal here, so look at the store twice a second.
            var left = end - DateTimeOffset.UtcNow;
            if (_store.Shared && left > SharedPoll) left = SharedPoll;
            try { await changed.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, cancel); }
            catch (TimeoutException) { }
        }
        while (_store.Shared && DateTimeOffset.UtcNow < end);
        return Get(id);
    }

    private static readonly TimeSpan SharedPoll = TimeSpan.FromMilliseconds(500);

    public string ResultPath(string id) => _store.ResultPath(id);
    public IJobExecutor Executor => _executor;

    /// <summary>Starts every QUEUED job the bounds allow, oldest first; a job whose client has its share executing waits.</summary>
    private void Dispatch()
    {
        var started = new List<UwsJob>();
        lock (_gate)
        {
            if (_shutdown.IsCancellationRequested) return;
            for (int i = 0; i < _queued.Count && _executing < _limits.MaxExecuting;)
            {
                var id = _queued[i];
                // Aborted or deleted while it waited.
                if (Get(id) is not { Phase: ExecutionPhase.QUEUED } queued) { _queued.RemoveAt(i); continue; }
                var client = queued.Client ?? "";
                if (_executingByClient.GetValueOrDefault(client) >= _limits.MaxExecutingPerClient) { i++; continue; }
                _queued.RemoveAt(i);
                var job = queued with { Phase = ExecutionPhase.EXECUTING, StartTime = DateTimeOffset.UtcNow };
                try
                {
                    // Aborted or deleted through another server since: it does not start.
                    if (!PutIf(job, ExecutionPhase.QUEUED)) continue;
                }
                catch (Exception e) when (Hosting.StorageFault.Describe(e) is { } fault)
                {
                    // Not even the phase can be stored: the job ends in ERROR (in memory) rather than stopping the queue.
                    _log.LogWarning("job {Id}: cannot start ({Error})", id, e.Message);
                    _jobs[id] = queued with { Phase = ExecutionPhase.ERROR, EndTime = DateTimeOffset.UtcNow, ErrorMessage = fault.Message };
                    Signal(id);
                    continue;
                }
                _executing++;
                _executingByClient[client] = _executingByClient.GetValueOrDefault(client) + 1;
                started.Add(job);
            }
        }
        foreach (var job in started)
        {
            var execution = Task.Run(() => ExecuteAsync(job));
            _executions[job.Id] = execution;
            // A job that ended before it was recorded is not left behind.
            if (execution.IsCompleted) _executions.TryRemove(KeyValuePair.Create(job.Id, execution));
        }
    }

    private async Task ExecuteAsync(UwsJob job)
    {
        var id = job.Id;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token);
        if (job.ExecutionDuration > 0) cts.CancelAfter(TimeSpan.FromSeconds(job.ExecutionDuration));
        _running[id] = cts;
        var path = _store.ResultPath(id);
        var partial = path + PartialSuffix;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            string mime;
            // Written aside and renamed when complete: a crash or a full disk never leaves half a result under its name.
            await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                mime = await _executor.ExecuteAsync(job, file, cts.Token).ConfigureAwait(false);
                await file.FlushAsync(cts.Token).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }
            File.Move(partial, path, overwrite: true);
            Finish(id, j => j with { Phase = ExecutionPhase.COMPLETED, ResultMime = mime, ResultSize = new FileInfo(path).Length });
        }
        catch (Exception e) when (cts.IsCancellationRequested && (e is OperationCanceledException || CatalogueFault.Of(e) is not null))
        {
            // Aborted by the user (already ABORTED), or out of time.
            Finish(id, j => j.Phase == ExecutionPhase.EXECUTING ? j with { Phase = ExecutionPhase.ABORTED } : j);
        }
        catch (Exception e)
        {
            var message = _executor.Describe(e);
            if (message.StartsWith("internal error", StringComparison.Ordinal)) _log.LogError(e, "job {Id} failed", id);
            else if (Hosting.StorageFault.Describe(e) is not null) _log.LogWarning("job {Id}: {Message} ({Error})", id, message, e.Message);
            Finish(id, j => j with { Phase = ExecutionPhase.ERROR, ErrorMessage = message });
        }
        finally
        {
            _running.TryRemove(id, out _);
            try { File.Delete(partial); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            lock (_gate)
            {
                _executing--;
                var client = job.Client ?? "";
                if (_executingByClient.GetValueOrDefault(client) <= 1) _executingByClient.Remove(client);
                else _executingByClient[client]--;
            }
            _executions.TryRemove(id, out _);
            Dispatch();
        }
    }

    private void Finish(string id, Func<UwsJob, UwsJob> change)
    {
        lock (_gate)
        {
            if (_store.Shared)
            {
                // Another server may have aborted, deleted or expired it meanwhile: what it stored stands.
                UwsJob? stored;
                try { stored = _store.Load(id); }
                catch (Exception e) when (Hosting.StorageFault.Describe(e) is not null || CatalogueFault.Of(e) is not null) { stored = _jobs.GetValueOrDefault(id); }
                if (stored is null) { _jobs.TryRemove(id, out _); Signal(id); return; }
                _jobs[id] = stored;
                if (stored.IsFinal && stored.Phase != ExecutionPhase.ABORTED) { Signal(id); return; }
            }
            if (!_jobs.TryGetValue(id, out var job)) return; // deleted meanwhile
            var next = change(job);
            if (next.Phase == ExecutionPhase.ABORTED && job.Phase == ExecutionPhase.ABORTED) return;
            next = next with { EndTime = next.EndTime ?? DateTimeOffset.UtcNow };
            try { Put(next); }
            catch (Exception e) when (Hosting.StorageFault.Describe(e) is not null)
            {
                // The job store cannot be written (disk full, read-only): the job still ends here, in memory; after a
                // restart the stored EXECUTING phase becomes ERROR like any job a restart interrupted.
                _log.LogWarning("job {Id}: its end could not be stored ({Error})", id, e.Message);
                _jobs[id] = next;
                Signal(id);
            }
        }
    }

    private void Put(UwsJob job)
    {
        var previous = _jobs.GetValueOrDefault(job.Id);
        _store.Save(job);
        _jobs[job.Id] = job;
        if (previous is null || previous.Phase != job.Phase) Signal(job.Id);
    }

    /// <summary><see cref="Put"/>, only if the stored phase is still <paramref name="expected"/> (<see cref="IJobStore.SaveIf"/>).</summary>
    private bool PutIf(UwsJob job, ExecutionPhase expected)
    {
        var previous = _jobs.GetValueOrDefault(job.Id);
        if (!_store.SaveIf(job, expected))
        {
            _jobs.TryRemove(job.Id, out _);
            return false;
        }
        _jobs[job.Id] = job;
        if (previous is null || previous.Phase != job.Phase) Signal(job.Id);
        return true;
    }

    private void Signal(string id)
    {
        if (_changed.TryRemove(id, out var tcs)) tcs.TrySetResult();
    }

    private static List<JobParameter> Merge(IReadOnlyList<JobParameter> existing, IEnumerable<JobParameter> added)
    {
        var list = existing.ToList();
        foreach (var p in added)
        {
            // UPLOAD accumulates; every other parameter is single-valued and replaced.
            if (!string.Equals(p.Name, "UPLOAD", StringComparison.OrdinalIgnoreCase))
                list.RemoveAll(q => string.Equals(q.Name, p.Name, StringComparison.OrdinalIgnoreCase));
            list.Add(p);
        }
        return list;
    }

    private void Sweep()
    {
        var now = DateTimeOffset.UtcNow;
        try
        {
            foreach (var job in All().Where(j => j.Destruction <= now).ToList()) Delete(job.Id);
        }
        catch (Exception e) when (Hosting.StorageFault.Describe(e) is not null || CatalogueFault.Of(e) is not null)
        {
            _log.LogWarning("UWS sweep: {Error}", e.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _sweeper.DisposeAsync();
        if (_leases is not null) await _leases.DisposeAsync();
        lock (_gate) _shutdown.Cancel();
        try { await Task.WhenAll(_executions.Values).WaitAsync(TimeSpan.FromSeconds(10)); }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException) { }
        _shutdown.Dispose();
    }
}
