namespace OpenApim.Tests.Infrastructure;

/// <summary>
/// The system clock, moved forward on demand. A server runs on it unchanged (timers, delays and timestamps are the
/// system's, so its background loops keep running), but "now" can jump ahead: a test sees an expiry without waiting for it.
/// </summary>
public sealed class MovableClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Interlocked.Add(ref _offsetTicks, by.Ticks);
    }
}
