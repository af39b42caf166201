using System.Collections.Concurrent;

namespace OpenApim.Gateway.Policies;

/// <summary>
/// Fixed-window counters for rate limits and quotas, kept per node and outside the configuration
/// snapshot, so a configuration reload (or a restore) does not reset them.
/// </summary>
internal sealed class Counters(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    /// <summary>Counts one call (and <paramref name="amount"/>); returns whether it fits and when the window renews.</summary>
    public (bool Allowed, long Remaining, TimeSpan RetryAfter) Take(string key, long limit, TimeSpan period, long amount = 1)
    {
        var now = time.GetUtcNow().UtcTicks;
        var window = _windows.GetOrAdd(key, _ => new Window());
        lock (window)
        {
            if (now >= window.Start + period.Ticks)
            {
                window.Start = now;
                window.Used = 0;
            }

            var retry = TimeSpan.FromTicks(window.Start + period.Ticks - now);
            if (window.Used + amount > limit)
            {
                return (false, Math.Max(0, limit - window.Used), retry);
            }

            window.Used += amount;
            return (true, limit - window.Used, retry);
        }
    }

    /// <summary>Adds to a window without checking (bandwidth known only after the response).</summary>
    public void Add(string key, long amount)
    {
        if (_windows.TryGetValue(key, out var window))
        {
            lock (window)
            {
                window.Used += amount;
            }
        }
    }

    /// <summary>Forgets windows that ended long ago.</summary>
    public void Trim(TimeSpan olderThan)
    {
        var cutoff = time.GetUtcNow().UtcTicks - olderThan.Ticks;
        foreach (var (key, window) in _windows)
        {
            if (window.Start < cutoff)
            {
                _windows.TryRemove(key, out _);
            }
        }
    }

    private sealed class Window
    {
        public long Start { get; set; }

        public long Used { get; set; }
    }
}
