namespace VoSpec.Server.Limits;

/// <summary>
/// Raises the thread pool's minimum so that the expensive requests the limits let run at once cannot starve the rest.
/// Database work blocks the thread that steps it: each running TAP sync query, /spec query or async job holds a pool
/// thread until it ends. With the pool's default minimum (one thread per core) a few long queries on a 2-core machine
/// take every thread, and Kestrel cannot read the next request — a cheap one, or one the limiter would refuse at once —
/// until the pool's starvation logic adds a thread (about two a second). The floor is one thread per core for the cheap
/// work plus one per slot the limits allow (VoSpec:Limits:GlobalConcurrency, MaxExecutingJobs). It only ever raises the
/// minimum (several servers may share a process, as in the tests); threads above the default are made only when needed.
/// </summary>
public static class ThreadPoolFloor
{
    /// <summary>The minimum worker threads for <paramref name="s"/> on <paramref name="cores"/> cores.</summary>
    public static int For(LimitSettings s, int cores) =>
        cores + Math.Max(1, s.GlobalConcurrency) + Math.Max(1, s.MaxExecutingJobs);

    /// <summary>Raises the process's minimum worker threads to <see cref="For"/> (never lowers it); returns the minimum now in force.</summary>
    public static int Ensure(LimitSettings s)
    {
        ThreadPool.GetMinThreads(out int workers, out int io);
        int floor = For(s, Environment.ProcessorCount);
        if (floor > workers) ThreadPool.SetMinThreads(floor, io);
        ThreadPool.GetMinThreads(out workers, out _);
        return workers;
    }
}
