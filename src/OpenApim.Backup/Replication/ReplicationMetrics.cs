using System.Diagnostics;
using System.Diagnostics.Metrics;
using OpenApim.Backup.Telemetry;
using OpenApim.Resources.Kinds;

namespace OpenApim.Backup.Replication;

/// <summary>
/// The replication streams' instruments (meter <c>OpenApim.Backup</c>), observed from the <see cref="ReplicationBoard"/> when
/// a reader collects: per stream on this node, the recovery point's age, the position, and what it shipped or failed.
/// </summary>
internal static class ReplicationMetrics
{
    public static void Register(IMeterFactory meters, ReplicationBoard board, TimeProvider time)
    {
        var meter = meters.Create(BackupMetrics.Name);
        meter.CreateObservableGauge("openapim.replication.recovery_point.age", () => Streams<double>(board, ReplicationKinds.Primary, s => s.RecoveryPoint is { } at ? Math.Max(0, (time.GetUtcNow() - at).TotalSeconds) : null),
            "s", "Age of each primary stream's recovery point on the node that ships it: every change committed before it is durable in storage.");
        meter.CreateObservableGauge("openapim.replication.position", () => Streams<long>(board, null, s => s.Position), "{record}",
            "Journal position of each stream: durable in storage (a primary) or applied (a standby).");
        meter.CreateObservableCounter("openapim.replication.segments", () => Streams<long>(board, ReplicationKinds.Primary, s => s.Segments), "{segment}", "Segments this node sealed into each stream.");
        meter.CreateObservableCounter("openapim.replication.bases", () => Streams<long>(board, ReplicationKinds.Primary, s => s.Bases), "{base}", "Bases this node wrote into each stream.");
        meter.CreateObservableCounter("openapim.replication.shipped", () => Streams<long>(board, ReplicationKinds.Primary, s => s.Bytes), "By", "Segment bytes this node shipped into each stream.");
        meter.CreateObservableCounter("openapim.replication.failures", () => Streams<long>(board, null, s => s.Failures), "{failure}",
            "Shipping or applying attempts that failed (storage unreachable, a corrupted segment), per stream.");
    }

    private static IEnumerable<Measurement<T>> Streams<T>(ReplicationBoard board, string? mode, Func<ReplicationStatus, T?> value)
        where T : struct
    {
        foreach (var status in board.All())
        {
            if (status.Service is { } service && (mode is null || status.Mode == mode) && value(status) is { } v)
            {
                yield return new Measurement<T>(v, new TagList { { "openapim.service.name", service }, { "openapim.replication.name", status.Replication }, { "openapim.replication.mode", status.Mode } });
            }
        }
    }
}
