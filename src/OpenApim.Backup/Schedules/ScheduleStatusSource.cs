using System.Text.Json.Nodes;
using OpenApim.Backup.Archive;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Model;

namespace OpenApim.Backup.Schedules;

/// <summary>
/// <c>properties.status</c> of a schedule's GET: the next slot, the last outcome, and the age of the newest good backup it
/// made (what an operator alerts on; also the <c>openapim.backup.newest_good.age</c> metric).
/// </summary>
internal sealed class ScheduleStatusSource(TimeProvider time) : IEntityStatus
{
    public ResourceKind Kind => KindCatalog.BackupSchedules;

    public Task<JsonObject?> GetAsync(StoredResource entity, CancellationToken ct)
    {
        if (BackupSchedule.From(entity) is not { } schedule)
        {
            return Task.FromResult<JsonObject?>(null);
        }

        var now = time.GetUtcNow();
        var state = schedule.State;
        return Task.FromResult<JsonObject?>(new JsonObject
        {
            ["state"] = !schedule.Enabled ? "disabled" : state.Running is not null ? "running" : state.LastResult == "Failed" ? "retrying" : "scheduled",
            ["nextRunAt"] = schedule.Enabled && schedule.NextSlot(now) is { } next ? Manifest.Time(next) : null,
            ["lastRunAt"] = state.LastRunAt is { } last ? Manifest.Time(last) : null,
            ["lastResult"] = state.LastResult,
            ["lastError"] = state.LastError,
            ["consecutiveFailures"] = state.Failures,
            ["nextRetryAt"] = state.NextRetryAt is { } retry ? Manifest.Time(retry) : null,
            ["newestGoodBackup"] = state.NewestGoodBackup,
            ["newestGoodBackupAt"] = state.NewestGoodAt is { } good ? Manifest.Time(good) : null,
            ["newestGoodBackupAgeSeconds"] = state.NewestGoodAt is { } at ? Math.Round(Math.Max(0, (now - at).TotalSeconds), 3) : null,
            ["runs"] = state.Runs,
        });
    }
}
