using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace OpenApim.Backup.Replication;

/// <summary>What this node's shippers and followers last did, per stream: for the replication's status and the metrics.</summary>
internal sealed class ReplicationBoard
{
    public ReplicationBoard(IMeterFactory meters, TimeProvider time) => ReplicationMetrics.Register(meters, this, time);

    private readonly ConcurrentDictionary<string, ReplicationStatus> _streams = new(StringComparer.Ordinal);

    public ReplicationStatus? Get(string key) => _streams.GetValueOrDefault(key);

    /// <summary>Every stream this node ships or follows (for the metrics).</summary>
    public IEnumerable<ReplicationStatus> All() => _streams.Values;

    /// <summary>Starts a stream's record, named for the metrics.</summary>
    public void Start(ReplicationConfig config) =>
        _streams[config.Key] = new ReplicationStatus { Service = config.Service.Name, Replication = config.Name, Mode = config.Mode };

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
    public string? Service { get; init; }

    public string? Replication { get; init; }

    public string? Mode { get; init; }

    public string State { get; init; } = "starting";

    public string? Message { get; init; }

    public long Position { get; init; }

    public DateTimeOffset? LastSealedAt { get; init; }

    /// <summary>A primary's: every change committed before it is durable (when the shipper last found nothing left to ship).</summary>
    public DateTimeOffset? RecoveryPoint { get; init; }

    public DateTimeOffset? LastBaseAt { get; init; }

    public long Segments { get; init; }

    public long Bases { get; init; }

    public long Records { get; init; }

    public long Bytes { get; init; }

    public long Failures { get; init; }
}
