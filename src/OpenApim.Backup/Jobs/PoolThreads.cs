namespace OpenApim.Backup.Jobs;

/// <summary>
/// Thread-pool threads a job holds in blocking calls, added to the pool's minimum while it holds them. A restore on SQLite
/// keeps a pool thread blocked for seconds (the store's single writer, synchronous under its async API); with the pool's
/// minimum (one thread per core) gateway requests under load then queue until its starvation logic adds threads, a couple
/// a second: the first restore of the reference service into a gateway serving it stalled every connection for 1.6 s (over
/// 2 s in bench/gateway.sh). Raising the minimum for the whole server instead cost the gateway about 8% more CPU per
/// request in steady state (more threads spinning), so it is raised only while a job needs it.
/// </summary>
internal sealed class PoolThreads : IDisposable
{
    private static readonly Lock Gate = new();
    private readonly int _threads;
    private bool _released;

    private PoolThreads(int threads) => _threads = threads;

    /// <summary>Adds <paramref name="threads"/> to the pool's minimum of worker threads until the reservation is disposed.</summary>
    public static PoolThreads Reserve(int threads)
    {
        lock (Gate)
        {
            ThreadPool.GetMinThreads(out var workers, out var io);
            ThreadPool.SetMinThreads(workers + threads, io);
        }

        return new PoolThreads(threads);
    }

    public void Dispose()
    {
        lock (Gate)
        {
            if (_released)
            {
                return;
            }

            _released = true;
            ThreadPool.GetMinThreads(out var workers, out var io);
            ThreadPool.SetMinThreads(workers - _threads, io);
        }
    }
}
