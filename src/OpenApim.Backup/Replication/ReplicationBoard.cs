using System.Collections.Concurrent;

namespace OpenApim.Backup.Replication;

/// <summary>What this node's shippers last did, per stream: for the replication's status and the logs.</summary>
internal sealed class ReplicationBoard
{
    private readonly ConcurrentDictionary<string, ReplicationStatus> _streams = new(StringComparer.Ordinal);

    public ReplicationStatus? Get(string key) => _streams.GetValueOrDefault(key);

    public void Set(string key, Func<ReplicationStatus, ReplicationStatus> update) =>
        _streams.AddOrUpdate(key, _ => update(new ReplicationStatus()), (_, s) => update(s));

    public void Remove(string key) => _streams.TryRemove(key, out _);
}

/// <summary>
/// One stream's shipping state. The recovery point is the time up to which every change is durable in storage: while the
/// stream is caught up, the last time it found nothing left to ship; otherwise the commit time of the last change shipped.
/// </summary>
internal sealed record ReplicationStatus
{
    public string State { get; init; } = "starting";

    public string? Message { get; init; }

    public long Position { get; init; }

    public DateTimeOffset? LastSealedAt { get; init; }

    public DateTimeOffset? LastShippedChangeAt { get; init; }

    public DateTimeOffset? CaughtUpAt { get; init; }

    public DateTimeOffset? LastBaseAt { get; init; }

    public long Segments { get; init; }

    public long Bases { get; init; }

    public long Records { get; init; }

    public long Bytes { get; init; }

    public long Failures { get; init; }

    public DateTimeOffset? RecoveryPoint => CaughtUpAt is { } caughtUp && caughtUp >= (LastSealedAt ?? DateTimeOffset.MinValue) ? caughtUp : LastShippedChangeAt;
}
