using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using OpenApim.Resources.Operations;

namespace OpenApim.Backup.Telemetry;

/// <summary>
/// The instruments of backup and restore jobs (meter and activity source <c>OpenApim.Backup</c>; the replication streams'
/// are the <see cref="Replication.ReplicationBoard"/>'s): each job's duration and outcome, the bytes and entities it moved.
/// Attributes name services, operation kinds and ARM error codes, never a storage key or account secret.
/// </summary>
internal sealed class BackupMetrics
{
    public const string Name = "OpenApim.Backup";

    public static readonly ActivitySource Activities = new(Name);

    private static readonly double[] DurationBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

    private readonly Histogram<double> _backupDuration;
    private readonly Histogram<double> _restoreDuration;
    private readonly Counter<long> _failures;
    private readonly Histogram<long> _archiveBytes;
    private readonly Histogram<long> _entities;

    public BackupMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(Name);
        _backupDuration = meter.CreateHistogram<double>("openapim.backup.duration", "s", "Duration of backup operations, from start to the archive committed in storage (or the failure).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _restoreDuration = meter.CreateHistogram<double>("openapim.restore.duration", "s", "Duration of restore operations (and restore previews), from start to the service serving the restored state (or the failure).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _failures = meter.CreateCounter<long>("openapim.backup.failures", "{operation}", "Backup, restore and preview operations that failed, by operation and ARM error code.");
        _archiveBytes = meter.CreateHistogram<long>("openapim.backup.size", "By", "Size of each archive a backup wrote.");
        _entities = meter.CreateHistogram<long>("openapim.backup.entities", "{entity}", "Entities each backup archived or each restore wrote.");

    }

    /// <summary>Records one backup or restore job: its duration and outcome, and what its summary says it moved.</summary>
    public void Job(string kind, string service, TimeSpan elapsed, JsonObject? result, string? errorCode)
    {
        var tags = new TagList { { "openapim.operation.kind", kind }, { "openapim.service.name", service }, { "openapim.outcome", errorCode is null ? "succeeded" : "failed" } };
        if (errorCode is not null)
        {
            tags.Add("error.type", errorCode);
            _failures.Add(1, tags);
        }

        (kind == OperationKinds.Backup ? _backupDuration : _restoreDuration).Record(elapsed.TotalSeconds, tags);
        var summary = result?["summary"];
        if (summary?["archiveBytes"] is JsonValue bytes && bytes.TryGetValue<long>(out var archiveBytes))
        {
            _archiveBytes.Record(archiveBytes, tags);
        }

        if ((summary?["entitiesRestored"] ?? summary?["entities"]) is JsonValue count && count.TryGetValue<long>(out var entities))
        {
            _entities.Record(entities, tags);
        }
    }
}
