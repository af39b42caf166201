using System.Collections.Concurrent;

namespace OpenApim.Gateway.Policies;

/// <summary>
/// Fixed-window counters for rate limits and quotas, kept per node and outside the configuration
/// snapshot, so a configuration reload (or a restore) does not reset them. Each policy placement gets
/// a partition once, when it is compiled; a request then only looks up its subject (subscription,
/// counter key) and counts without locks.
/// </summary>
internal sealed class Counters(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Partition> _partitions = new(StringComparer.Ordinal);

    public Partition For(string placement) => _partitions.GetOrAdd(placement, _ => new Partition(time));


    /// <summary>The windows of one policy placement, by subject.</summary>
    internal sealed class Partition(TimeProvider time)
    {
        private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

        /// <summary>Counts <paramref name="amount"/>; returns whether it fits, what remains and when the window renews.</summary>
        public (bool Allowed, long Remaining, TimeSpan RetryAfter) Take(string subject, long limit, TimeSpan period, long amount = 1)
        {
            var now = time.GetUtcNow().UtcTicks;
            var window = _windows.GetOrAdd(subject, static _ => new Window());
            var start = Volatile.Read(ref window.Start);
            if (now >= start + period.Ticks && Interlocked.CompareExchange(ref window.Start, now, start) == start)
            {
                // This request opened the next window; a racing one counts into it as well.
                Interlocked.Exchange(ref window.Used, 0);
                start = now;
            }
            else
            {
                start = Volatile.Read(ref window.Start);
            }

            var retry = TimeSpan.FromTicks(Math.Max(0, start + period.Ticks - now));
            var used = Interlocked.Add(ref window.Used, amount);
            if (used > limit)
            {
                Interlocked.Add(ref window.Used, -amount);
                return (false, 0, retry);
            }

            return (true, limit - used, retry);
        }

        /// <summary>Adds without checking (bandwidth is known only after the response).</summary>
        public void Add(string subject, long amount)
        {
            if (_windows.TryGetValue(subject, out var window))
            {
                Interlocked.Add(ref window.Used, amount);
            }
        }
    }

    private sealed class Window
    {
#pragma warning disable SA1401, CA1051 // Interlocked needs fields.
        public long Start;
        public long Used;
#pragma warning restore SA1401, CA1051
    }
}
