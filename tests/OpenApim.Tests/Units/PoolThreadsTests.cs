using OpenApim.Backup.Jobs;
using OpenApim.Tests.Hardening;

namespace OpenApim.Tests.Units;

/// <summary>
/// A restore reserves the pool thread it blocks (SQLite's writer): before, the first restore into a
/// gateway serving under load stalled every connection for 1.6 s while the pool slowly added threads. Runs alone: the
/// pool's minimum is process-wide, and restores in parallel tests reserve too.
/// </summary>
[Collection(Alone.Name)]
public sealed class PoolThreadsTests
{
    [Fact]
    public void A_reservation_raises_the_pool_minimum_while_held_and_gives_it_back_once()
    {
        ThreadPool.GetMinThreads(out var before, out var io);

        var first = PoolThreads.Reserve(2);
        using (PoolThreads.Reserve(3))
        {
            Assert.Equal(before + 5, Workers());
        }

        Assert.Equal(before + 2, Workers());
        first.Dispose();
        first.Dispose();
        Assert.Equal(before, Workers());
        ThreadPool.GetMinThreads(out _, out var ioAfter);
        Assert.Equal(io, ioAfter);
    }

    private static int Workers()
    {
        ThreadPool.GetMinThreads(out var workers, out _);
        return workers;
    }
}
