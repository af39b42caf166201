using Microsoft.Extensions.Time.Testing;
using OpenApim.Gateway.Policies;

namespace OpenApim.Tests.Units;

/// <summary>Review finding 17: rate-limit windows are evicted once they end, so memory does not grow with every counter key ever seen.</summary>
public sealed class CountersTests
{
    [Fact]
    public void Ended_windows_are_evicted_and_live_ones_keep_counting()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var counters = new Counters(time);
        var partition = counters.For("svc|api:a:inbound:3:rate-limit-by-key");
        var period = TimeSpan.FromSeconds(60);

        for (var i = 0; i < 20_000; i++)
        {
            partition.Take($"caller-{i}", 5, period);
        }

        Assert.Equal(20_000, counters.WindowCount);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(partition.Take("steady", 3, period).Allowed);
        }

        time.Advance(TimeSpan.FromSeconds(61));
        for (var i = 0; i < Counters.SweepEvery; i++)
        {
            partition.Take("steady", long.MaxValue, period);
        }

        Assert.True(counters.WindowCount <= 1, $"{counters.WindowCount} windows left");
        Assert.False(partition.Take("steady", 3, period).Allowed);
    }

    [Fact]
    public void An_empty_partition_is_dropped_and_comes_back_when_its_policy_counts_again()
    {
        var time = new FakeTimeProvider();
        var counters = new Counters(time);
        var stale = counters.For("old-placement");
        stale.Take("x", 10, TimeSpan.FromSeconds(1));
        var live = counters.For("live-placement");

        time.Advance(TimeSpan.FromSeconds(2));
        counters.Sweep(time.GetUtcNow().UtcTicks);
        Assert.Equal(0, counters.PartitionCount);

        Assert.True(live.Take("y", 1, TimeSpan.FromSeconds(10)).Allowed);
        Assert.False(live.Take("y", 1, TimeSpan.FromSeconds(10)).Allowed);
        Assert.Equal(1, counters.PartitionCount);
        Assert.Same(live, counters.For("live-placement"));
    }
}
