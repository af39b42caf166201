using System.Globalization;
using System.Text.Json.Nodes;
using Cronos;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Model;

namespace OpenApim.Backup.Schedules;

/// <summary>One backup schedule as the runner uses it: when it is due, what each run writes, what it keeps.</summary>
internal sealed record BackupSchedule(
    ServiceRef Service, string Name, CronExpression Cron, TimeZoneInfo Zone, JsonObject Storage, string NamePattern, TimeSpan? AfterChanges,
    int? RetentionCount, TimeSpan? RetentionAge, bool Enabled, DateTimeOffset Created, ScheduleState State, string ETag)
{
    /// <summary>Blob metadata naming the schedule that wrote a backup.</summary>
    public const string MetadataName = "openapim_schedule";

    /// <summary>After a failed run: retried after 1, 2, 4 and 8 minutes, then at the next slot.</summary>
    public const int MaxAttempts = 5;

    /// <summary>The schedule's identity in blob metadata (the service's key and the schedule's name: containers are shared).</summary>
    public string Id => $"{Service.Key}/{Name.ToLowerInvariant()}";

    public static BackupSchedule? From(StoredResource resource)
    {
        var p = resource.Body["properties"]!.AsObject();
        if (!ScheduleKinds.TryParse(p["cron"]?.GetValue<string>() ?? "", out var cron) || !ScheduleKinds.TryZone(p["timeZone"]?.GetValue<string>() ?? "UTC", out var zone))
        {
            return null;
        }

        var storage = new JsonObject();
        foreach (var name in new[] { "storageAccount", "containerName", "accessType", "accessKey", "clientId" })
        {
            if (p[name] is JsonValue value)
            {
                storage[name] = value.DeepClone();
            }
        }

        return new BackupSchedule(
            resource.Address.Service, resource.Address.Name, cron, zone, storage,
            p["namePattern"]?.GetValue<string>() ?? "{service}-{timestamp}.apimbackup",
            p["afterChangesMinutes"] is JsonValue m ? TimeSpan.FromMinutes(m.GetValue<long>()) : null,
            p["retentionCount"] is JsonValue c ? (int)c.GetValue<long>() : null,
            p["retentionDays"] is JsonValue d ? TimeSpan.FromDays(d.GetValue<long>()) : null,
            p["enabled"]?.GetValue<bool>() ?? true,
            resource.CreatedAt,
            ScheduleState.FromJson(p["state"]),
            resource.ETag);
    }

    /// <summary>The newest slot at or before <paramref name="now"/> not yet run: missed slots (the server was down) run once.</summary>
    public DateTimeOffset? DueSlot(DateTimeOffset now)
    {
        var from = State.LastSlot ?? Created;
        DateTimeOffset? due = null;
        for (var next = Cron.GetNextOccurrence(from, Zone); next is { } slot && slot <= now; next = Cron.GetNextOccurrence(slot, Zone))
        {
            due = slot;
        }

        return due;
    }

    /// <summary>The next slot after now, for the status.</summary>
    public DateTimeOffset? NextSlot(DateTimeOffset now) => Cron.GetNextOccurrence(now, Zone);

    /// <summary>The blob a run writes: the pattern with {service}, {schedule} and {timestamp} (UTC, to the second) replaced.</summary>
    public string BackupName(DateTimeOffset at) => NamePattern
        .Replace("{service}", Service.Name, StringComparison.Ordinal)
        .Replace("{schedule}", Name, StringComparison.Ordinal)
        .Replace(ScheduleKinds.TimestampToken, at.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture), StringComparison.Ordinal);
}

/// <summary>
/// What the runner records in the schedule (<c>properties.state</c>): the last slot claimed, the run in flight, the last
/// outcome, failures and the next retry, where the journal stood, and the newest good backup it made.
/// </summary>
internal sealed record ScheduleState(
    DateTimeOffset? LastSlot, DateTimeOffset? LastRunAt, string? Running, string? RunningBackup, string? LastResult, string? LastError, int Failures,
    DateTimeOffset? NextRetryAt, long LastPosition, DateTimeOffset? NewestGoodAt, string? NewestGoodBackup, long Runs)
{
    public static readonly ScheduleState Empty = new(null, null, null, null, null, null, 0, null, 0, null, null, 0);

    public static ScheduleState FromJson(JsonNode? node) => node is not JsonObject o ? Empty : new(
        Time(o["lastSlot"]), Time(o["lastRunAt"]), Text(o["runningOperation"]), Text(o["runningBackup"]), Text(o["lastResult"]), Text(o["lastError"]),
        (int)(o["failures"]?.GetValue<long>() ?? 0), Time(o["nextRetryAt"]), o["journalPosition"]?.GetValue<long>() ?? 0,
        Time(o["newestGoodBackupAt"]), Text(o["newestGoodBackup"]), o["runs"]?.GetValue<long>() ?? 0);

    public JsonObject ToJson() => new()
    {
        ["lastSlot"] = Format(LastSlot),
        ["lastRunAt"] = Format(LastRunAt),
        ["runningOperation"] = Running,
        ["runningBackup"] = RunningBackup,
        ["lastResult"] = LastResult,
        ["lastError"] = LastError,
        ["failures"] = Failures,
        ["nextRetryAt"] = Format(NextRetryAt),
        ["journalPosition"] = LastPosition,
        ["newestGoodBackupAt"] = Format(NewestGoodAt),
        ["newestGoodBackup"] = NewestGoodBackup,
        ["runs"] = Runs,
    };

    private static string? Format(DateTimeOffset? t) => t is { } v ? Archive.Manifest.Time(v) : null;

    private static string? Text(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static DateTimeOffset? Time(JsonNode? n) => Archive.Manifest.ParseTime(Text(n));
}
