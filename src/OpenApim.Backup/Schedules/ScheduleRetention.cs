using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using OpenApim.Backup.Archive;
using OpenApim.Backup.Requests;
using OpenApim.Backup.Storage;

namespace OpenApim.Backup.Schedules;

/// <summary>
/// What a schedule's good run leaves behind: its own backups (found by the schedule in their metadata, ordered by the
/// creation time they were written with, never by blob timestamps) beyond the count or older than the age are deleted,
/// never the newest one and never a blob another schedule or a person made.
/// </summary>
internal static partial class ScheduleRetention
{
    public static async Task ApplyAsync(BlobTargets targets, BackupSchedule schedule, DateTimeOffset now, ILogger logger, CancellationToken ct)
    {
        if (schedule.RetentionCount is null && schedule.RetentionAge is null)
        {
            return;
        }

        try
        {
            var storage = (JsonObject)schedule.Storage.DeepClone();
            storage["backupName"] = "retention"; // the request needs a blob name; retention names its blobs itself
            var target = targets.Open(StorageRequest.Parse(storage, "2024-05-01"), schedule.Service);
            var mine = (await target.ListAsync("", ct))
                .Where(b => b.Metadata.TryGetValue(BackupSchedule.MetadataName, out var owner) && owner == schedule.Id)
                .Select(b => (Blob: b, Created: Manifest.ParseTime(b.Metadata.GetValueOrDefault("openapim_created_at")) ?? DateTimeOffset.MinValue))
                .OrderByDescending(b => b.Created)
                .ToList();
            foreach (var (blob, created) in mine.Skip(1).Where((b, i) => i + 1 >= (schedule.RetentionCount ?? int.MaxValue) || (schedule.RetentionAge is { } age && now - b.Created > age)))
            {
                await target.DeleteAsync(blob.Name, ct);
                LogDeleted(logger, schedule.Service.Name, schedule.Name, blob.Name, created);
            }
        }
        catch (StorageException e)
        {
            LogRetentionFailed(logger, schedule.Service.Name, schedule.Name, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule {Service}/{Schedule}: retention deleted {Backup} (created {Created})")]
    private static partial void LogDeleted(ILogger logger, string service, string schedule, string backup, DateTimeOffset created);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule {Service}/{Schedule}: retention could not read the container: {Reason}")]
    private static partial void LogRetentionFailed(ILogger logger, string service, string schedule, string reason);
}
