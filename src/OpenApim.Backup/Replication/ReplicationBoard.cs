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
/// One stream's state on the node that ships or follows it (what <c>properties.status</c> shows besides what it computes from
/// the journal): what it is doing, why it is not, where it stands and what it has written.
/// </summary>
internal sealed record ReplicationStatus
{
    public string State { get; init; } = "starting";

    public string? Message { get; init; }

    public long Position { get; init; }

    public DateTimeOffset? LastSealedAt { get; init; }

    public DateTimeOffset? LastBaseAt { get; init; }

    public long Segments { get; init; }

    public long Bases { get; init; }

    public long Records { get; init; }

    public long Bytes { get; init; }

    public long Failures { get; init; }
}
