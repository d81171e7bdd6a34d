using VoSpec.Server.Limits;
using Xunit;

namespace VoSpec.Server.Tests;

/// <summary>
/// The thread pool's minimum covers every slot the limits allow plus one thread per core, so long SQLite queries in
/// every slot leave threads to read (and, if need be, refuse) the next request; it is only ever raised.
/// </summary>
public class ThreadPoolFloorTests
{
    [Fact]
    public void The_floor_is_one_thread_per_core_plus_one_per_running_slot() =>
        Assert.Equal(2 + 8 + 2, ThreadPoolFloor.For(new LimitSettings(), cores: 2));

    [Fact]
    public void Ensuring_the_floor_raises_the_minimum_and_never_lowers_it()
    {
        var big = new LimitSettings { GlobalConcurrency = 40, MaxExecutingJobs = 4 };
        int raised = ThreadPoolFloor.Ensure(big);
        Assert.True(raised >= ThreadPoolFloor.For(big, Environment.ProcessorCount), $"minimum {raised}");
        // A smaller configuration (another server in the same process) leaves it where it is.
        Assert.Equal(raised, ThreadPoolFloor.Ensure(new LimitSettings { GlobalConcurrency = 1, MaxExecutingJobs = 1 }));
    }
}
