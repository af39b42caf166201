using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using OpenApim.Backup.Archive;
using OpenApim.Backup.Requests;
using OpenApim.Backup.Schedules;
using OpenApim.Backup.Storage;
using OpenApim.Backup.Telemetry;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Operations;
using OpenApim.Resources.Store;

namespace OpenApim.Backup.Jobs;

/// <summary>
/// Backs a service up: one consistent snapshot read (one database transaction) streamed into an
/// archive in the work folder, then uploaded as one blob (committed only when complete).
/// </summary>
internal sealed partial class BackupJob(IResourceStore store, BlobTargets targets, JobOptions options, OperationSecrets secrets, BackupMetrics metrics, TimeProvider time, ILogger<BackupJob> logger) : IOperationHandler
{
    public string Kind => OperationKinds.Backup;

    public Task<JsonObject?> RunAsync(OperationContext context) =>
        StorageJob.RunAsync(context, secrets, options, metrics, time, Fail, BackupAsync);

    private async Task<JsonObject?> BackupAsync(StorageJob job)
    {
        var (context, request, service, file, started) = job;
        var ct = job.Cancellation;
        var target = targets.Open(request, service);
        await target.CheckContainerAsync(ct);
        var (manifest, rows) = await WriteArchiveAsync(service, file, context);
        var archived = time.GetUtcNow();
        var metadata = new Dictionary<string, string>
        {
            ["openapim_format"] = manifest.FormatVersion.ToString(2),
            ["openapim_source"] = manifest.Source.Name,
            ["openapim_sku"] = manifest.Source.Sku,
            ["openapim_created_at"] = Manifest.Time(manifest.CreatedAt),
            ["openapim_expires_at"] = Manifest.Time(manifest.ExpiresAt),
            ["openapim_sha256"] = await Sha256Async(file, ct),
        };
        if (context.Operation.Request?["schedule"]?.GetValue<string>() is { } schedule)
        {
            // Retention deletes only what its schedule made: it finds them by this, never by name or blob timestamp.
            metadata[BackupSchedule.MetadataName] = schedule;
        }

        context.Report(new JsonObject { ["phase"] = "uploading", ["rows"] = rows });
        // A node whose lease another node took over must not commit a second blob.
        await context.ConfirmOwnershipAsync();
        var uploading = time.GetUtcNow();
        await target.UploadAsync(request.BackupName, file, metadata, ct);
        var bytes = new FileInfo(file).Length;
        var elapsed = time.GetUtcNow() - started;
        LogBackedUp(logger, service.Name, request, rows, bytes, elapsed.TotalMilliseconds);
        return new JsonObject
        {
            ["summary"] = new JsonObject
            {
                ["backupName"] = request.BackupName,
                ["storageAccount"] = request.StorageAccount,
                ["containerName"] = request.ContainerName,
                ["formatVersion"] = manifest.FormatVersion.ToString(2),
                ["createdAt"] = Manifest.Time(manifest.CreatedAt),
                ["expiresAt"] = Manifest.Time(manifest.ExpiresAt),
                ["snapshot"] = new JsonObject { ["epoch"] = manifest.SnapshotEpoch, ["takenAt"] = Manifest.Time(manifest.SnapshotTakenAt) },
                ["entities"] = rows,
                ["archiveBytes"] = bytes,
                ["counts"] = new JsonObject(manifest.Counts.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
                ["encrypted"] = manifest.Encryption is not null,
                ["durationMs"] = (long)elapsed.TotalMilliseconds,
                ["phasesMs"] = new JsonObject
                {
                    ["snapshotAndArchive"] = (long)(archived - started).TotalMilliseconds,
                    ["checksum"] = (long)(uploading - archived).TotalMilliseconds,
                    ["upload"] = (long)(time.GetUtcNow() - uploading).TotalMilliseconds,
                },
            },
        };
    }

    private Task<(Manifest Manifest, long Rows)> WriteArchiveAsync(ServiceRef service, string file, OperationContext context) =>
        SnapshotArchive.WriteAsync(store, service, file, options.Archives, time, rows => context.Report(new JsonObject { ["phase"] = "reading", ["rows"] = rows }), context.Cancellation);

    private static ArmException Fail(string problem, string message) => ArmErrors.BackupFailed(problem, message);

    private static async Task<string> Sha256Async(string file, CancellationToken ct)
    {
        await using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Backed up service {Service} to {Target}: {Rows} entities, {Bytes} bytes in {Milliseconds:F0} ms")]
    private static partial void LogBackedUp(ILogger logger, string service, StorageRequest target, long rows, long bytes, double milliseconds);
}
