using System.Text.Json.Nodes;
using OpenApim.OperatorConsole.Arm;

namespace OpenApim.OperatorConsole.Posture;

/// <summary>One service's recovery posture, as the overview shows it.</summary>
public sealed record ServicePosture(
    ServiceAddress Address,
    string Sku,
    string Location,
    IReadOnlyList<string> Hostnames,
    long? Apis,
    long? Products,
    long? Subscriptions,
    RecoveryPoint? Point,
    TimeSpan Target,
    LastBackup? Backup,
    IReadOnlyList<ReplicationState> Replications,
    IReadOnlyList<ScheduleState> Schedules,
    Records.DrillSummary? LastDrill,
    Records.Verification? LastVerification)
{
    public TimeSpan? Age(DateTimeOffset now) => Point is { } p ? now - p.At : null;

    /// <summary>Green within the target, amber up to twice it, red beyond or with nothing to recover from.</summary>
    public Health Health(DateTimeOffset now) => Age(now) is not { } age ? Posture.Health.Red
        : age <= Target ? Posture.Health.Green
        : age <= Target * 2 ? Posture.Health.Amber
        : Posture.Health.Red;

    public DateTimeOffset? NextRun => Schedules.Select(s => s.NextRunAt).OfType<DateTimeOffset>().DefaultIfEmpty().Min() is { } at && at != default ? at : null;

    /// <summary>True when the newest backup verified, false when its verification failed, null when it was never checked.</summary>
    public bool? BackupVerified => Backup?.Name is { } name && LastVerification is { } v && string.Equals(v.BackupName, name, StringComparison.Ordinal) ? v.Passed : null;

    public static string Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";
}
