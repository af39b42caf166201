using System.Collections.Concurrent;

namespace OpenApim.Gateway.Policies;

/// <summary>
/// Fixed-window counters for rate limits and quotas, kept per node and outside the configuration
/// snapshot, so a configuration reload (or a restore) does not reset them; a restart does. Each policy
/// placement gets a partition once, when it is compiled; a request then only looks up its subject
/// (subscription, counter key) and counts without locks. Windows that have ended are evicted every
/// <see cref="SweepEvery"/> counts, and partitions left without windows (a policy that changed) with them,
/// so memory follows the subjects seen within the current windows, not every subject ever seen.
/// </summary>
internal sealed class Counters(TimeProvider time)
{
    /// <summary>How many counts pass between two sweeps of ended windows.</summary>
    public const int SweepEvery = 8192;

    private readonly ConcurrentDictionary<string, Partition> _partitions = new(StringComparer.Ordinal);
    private long _counts;

    public Partition For(string placement) => _partitions.GetOrAdd(placement, key => new Partition(this, key));

    /// <summary>Windows held across all partitions (for tests and diagnostics).</summary>
    internal int WindowCount => _partitions.Values.Sum(p => p.WindowCount);

    internal int PartitionCount => _partitions.Count;

    private void Counted(long now)
    {
        if (Interlocked.Increment(ref _counts) % SweepEvery == 0)
        {
            Sweep(now);
        }
    }

    /// <summary>Drops every window that has ended; a partition with none left goes too (it is created again on use).</summary>
    internal void Sweep(long now)
    {
        foreach (var (placement, partition) in _partitions)
        {
            if (partition.Sweep(now) == 0 && _partitions.TryRemove(KeyValuePair.Create(placement, partition)))
            {
                partition.Detached = true;
            }
        }
    }

    /// <summary>The windows of one policy placement, by subject.</summary>
    internal sealed class Partition(Counters owner, string placement)
    {
        private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);
        private volatile bool _detached;

        /// <summary>Set when a sweep removed this (empty) partition; a compiled policy that still counts here puts it back.</summary>
        internal bool Detached
        {
            get => _detached;
            set => _detached = value;
        }

        internal int WindowCount => _windows.Count;

        /// <summary>Counts <paramref name="amount"/>; returns whether it fits, what remains and when the window renews.</summary>
        public (bool Allowed, long Remaining, TimeSpan RetryAfter) Take(string subject, long limit, TimeSpan period, long amount = 1)
        {
            var now = owner.Now;
            var window = _windows.GetOrAdd(subject, static _ => new Window());
            Volatile.Write(ref window.Period, period.Ticks);
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
            if (_detached)
            {
                _detached = false;
                owner._partitions.TryAdd(placement, this);
            }

            owner.Counted(now);
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

        /// <summary>
        /// Removes windows that have ended; returns how many are left. A request racing with the removal may count
        /// into the removed window, which only lets it start its next window a moment early.
        /// </summary>
        internal int Sweep(long now)
        {
            foreach (var (subject, window) in _windows)
            {
                if (now >= Volatile.Read(ref window.Start) + Volatile.Read(ref window.Period))
                {
                    _windows.TryRemove(KeyValuePair.Create(subject, window));
                }
            }

            return _windows.Count;
        }
    }

    private long Now => time.GetUtcNow().UtcTicks;

    private sealed class Window
    {
#pragma warning disable SA1401, CA1051 // Interlocked needs fields.
        public long Start;
        public long Used;
        public long Period;
#pragma warning restore SA1401, CA1051
    }
}
