using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using OpenApim.Backup.Archive;
using OpenApim.Backup.Requests;
using OpenApim.Backup.Storage;
using OpenApim.Backup.Telemetry;
using OpenApim.Backup.Validation;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Kinds.Service;
using OpenApim.Resources.Model;
using OpenApim.Resources.Operations;
using OpenApim.Resources.Store;

namespace OpenApim.Backup.Jobs;

/// <summary>
/// Restores a backup into a service: download, check the manifest (format, expiry, SKU, encryption key), then, in one
/// transaction, replace the service's restorable state with the archive's rows, each part read once against its
/// checksum and every row checked as it is written; the commit comes only after the whole check passed. Any failure
/// before the commit leaves the target exactly as it was. The preview kind runs every check and reports what would
/// change, without changing anything.
/// </summary>
internal sealed partial class RestoreJob(
    IResourceStore store, IContentStaging? staging, BlobTargets targets, IPointInTimeReplay replay, JobOptions options, OperationSecrets secrets, BackupMetrics metrics, TimeProvider time, ILogger<RestoreJob> logger, bool preview)
    : IOperationHandler
{
    public const string PreviewKind = "previewRestore";

    public string Kind => preview ? PreviewKind : OperationKinds.Restore;

    public Task<JsonObject?> RunAsync(OperationContext context) =>
        StorageJob.RunAsync(context, secrets, options, metrics, time, Fail, RestoreAsync);

    private async Task<JsonObject?> RestoreAsync(StorageJob job)
    {
        var (context, request, service, file, started) = job;
        var (op, ct) = (job.Operation, job.Cancellation);
        var scope = Enum.Parse<RestoreScope>(op.Request!["scope"]?.GetValue<string>() ?? nameof(RestoreScope.All));
        try
        {
            var target = targets.Open(request, service);
            var entities = op.Request!["entities"]?.AsArray().Select(e => e!.GetValue<string>()).ToList();
            var replayed = await FetchAsync(target, request, service, PointInTime.FromJson(op.Request!["pointInTime"]), file, entities, context);
            var downloaded = time.GetUtcNow();
            using var archive = ArchiveReader.Open(file, options.EncryptionKey);
            var current = await store.RequireServiceAsync(service, ct);
            if (entities is not null)
            {
                // Only the chosen entities are read (each part against its checksum as it is read) and written.
                CheckManifest(archive.Manifest, current.Body, options.Lifetime, time.GetUtcNow());
                return await UndeleteAsync(job, archive, entities, new JsonObject { ["download"] = Ms(downloaded - started) }, replayed);
            }

            if (preview)
            {
                var archivedService = Verify(archive, current.Body, scope, context);
                var verified = time.GetUtcNow();
                var phases = new JsonObject { ["download"] = Ms(downloaded - started), ["verify"] = Ms(verified - downloaded) };
                var report = await PreviewReport.BuildAsync(store, service, archive, archivedService, current.Body, scope, ct);
                phases["compare"] = Ms(time.GetUtcNow() - verified);
                var summary = Summary(archive.Manifest, scope, null, started, phases, replayed);
                summary["previewed"] = Previewed(request, scope, PointInTime.FromJson(op.Request!["pointInTime"]), replayed);
                return new JsonObject { ["summary"] = summary, ["body"] = report };
            }

            context.Report(new JsonObject { ["phase"] = "verifying and replacing" });
            var counts = await ApplyAsync(store, service, new OperationClaim(op.Id, op.Owner!), archive, current.Body, scope, options.Lifetime, time.GetUtcNow(),
                n => context.Report(new JsonObject { ["phase"] = "verifying and replacing", ["rows"] = n }), staging, ct);
            var timings = new JsonObject { ["download"] = Ms(downloaded - started), ["verifyAndReplace"] = Ms(time.GetUtcNow() - downloaded) };
            var elapsed = time.GetUtcNow() - started;
            LogRestored(logger, service.Name, request, counts.Inserted, counts.Deleted, elapsed.TotalMilliseconds);
            return new JsonObject { ["summary"] = Summary(archive.Manifest, scope, counts, started, timings, replayed) };
        }
        catch (ArchiveException e)
        {
            throw Fail(e.Problem, e.Message);
        }
        catch (Exception e) when (e is InvalidDataException or IOException && e is not FileNotFoundException)
        {
            throw Fail("BackupCorrupted", $"The backup is corrupted: its content cannot be decompressed ({e.Message}).");
        }
    }

    /// <summary>Restores (or previews) only the chosen entities, each with its subtree, leaving the rest of the service as it is.</summary>
    private async Task<JsonObject> UndeleteAsync(StorageJob job, ArchiveReader archive, IReadOnlyList<string> entities, JsonObject phases, ReplayResult? replayed)
    {
        var summary = Summary(archive.Manifest, RestoreScope.All, null, job.Started, phases, replayed);
        summary["entities"] = new JsonArray([.. entities.Select(e => (JsonNode)e)]);
        if (preview)
        {
            return new JsonObject { ["summary"] = summary, ["body"] = await RestoredEntities.PreviewAsync(store, job.Service, archive, entities, job.Cancellation) };
        }

        job.Context.Report(new JsonObject { ["phase"] = "restoring entities" });
        summary["entitiesRestored"] = await RestoredEntities.RestoreAsync(store, job.Service, archive, entities, job.Cancellation);
        summary["durationMs"] = (long)(time.GetUtcNow() - job.Started).TotalMilliseconds;
        return new JsonObject { ["summary"] = summary };
    }

    /// <summary>
    /// The archive to restore, in the work file: the backup blob (checked against the checksum written with it), or for a
    /// point-in-time restore the service as it was then, replayed from a replication stream.
    /// </summary>
    private async Task<ReplayResult?> FetchAsync(
        IBlobTarget target, StorageRequest request, ServiceRef service, ReplayTarget? point, string file, IReadOnlyList<string>? entities, OperationContext context)
    {
        var ct = context.Cancellation;
        if (point is not null)
        {
            context.Report(new JsonObject { ["phase"] = "replaying", ["stream"] = point.Stream });
            return await replay.WriteArchiveAsync(target, service, point, file, entities, ct);
        }

        context.Report(new JsonObject { ["phase"] = "downloading" });
        var blob = await target.DownloadAsync(request.BackupName, file, ct);
        return blob.Metadata.TryGetValue("openapim_sha256", out var expected) && expected != blob.Sha256
            ? throw Fail("BackupCorrupted", "The backup is corrupted: the blob's content does not match the checksum recorded when it was written.")
            : null;
    }

    /// <summary>
    /// A preview's checks (a restore runs the same ones as it writes, <see cref="VerifiedRows"/>): expiry, SKU, a full read of
    /// every part against its checksum, and the content of every part the restore would write against the management
    /// API's rules (<see cref="ArchiveValidator"/>).
    /// </summary>
    private JsonObject Verify(ArchiveReader archive, JsonObject current, RestoreScope scope, OperationContext context)
    {
        CheckManifest(archive.Manifest, current, options.Lifetime, time.GetUtcNow());
        context.Report(new JsonObject { ["phase"] = "verifying" });
        var archivedService = archive.ReadService();
        var check = ArchiveCheck.Run(archive, archivedService, kind => RestoreScopes.Replaces(scope, kind),
            rows => context.Report(new JsonObject { ["phase"] = "verifying", ["rows"] = rows }), context.Cancellation);
        return check.Problems.Count > 0 ? throw ArmErrors.BackupInvalid(check.Problems) : archivedService;
    }

    /// <summary>Expiry (from the manifest, never the blob) and the target's SKU: what even an undelete checks first.</summary>
    private static void CheckManifest(Manifest manifest, JsonObject current, TimeSpan lifetime, DateTimeOffset now)
    {
        if (now > manifest.CreatedAt + lifetime)
        {
            throw ArmErrors.BackupExpired(manifest.CreatedAt, lifetime);
        }

        var currentSku = ServiceKind.Sku(current);
        if (!currentSku.Equals(manifest.Source.Sku, StringComparison.OrdinalIgnoreCase))
        {
            throw ArmErrors.SkuMismatch(currentSku, manifest.Source.Sku);
        }
    }

    /// <summary>
    /// Applies an archive to a service, for a restore and for a standby's base: the manifest's checks, then, in one
    /// transaction, the service's content replaced with the archive's rows as they pass their checks
    /// (<see cref="VerifiedRows"/>), committed only once the whole archive has. When the write fails on content the check
    /// refuses (a duplicate that broke a unique index first), the check's problems are the answer.
    /// </summary>
    internal static async Task<RestoreCounts> ApplyAsync(
        IResourceStore store, ServiceRef service, OperationClaim? holder, ArchiveReader archive, JsonObject current, RestoreScope scope,
        TimeSpan lifetime, DateTimeOffset now, Action<long> progress, IContentStaging? staging, CancellationToken ct)
    {
        CheckManifest(archive.Manifest, current, lifetime, now);
        var archived = archive.ReadService();
        var replaced = RestoreScopes.ReplacedKinds(scope);
        using var stage = staging?.Begin(service, replaced);
        using var blocked = PoolThreads.Reserve(1); // SQLite's writer blocks a pool thread throughout (the check runs on its own threads)
        var rows = new VerifiedRows(archive, archived, scope, progress, stage);
        try
        {
            var counts = await store.ReplaceServiceContentAsync(service, holder, replaced, rows.ReadAsync(ct), document => ServiceBackup.Apply(document, archived), ct);
            stage?.Committed(counts.Version);
            return counts;
        }
        catch (Exception e) when (e is not ArmException && rows.Problems is { Count: > 0 } problems)
        {
            throw ArmErrors.BackupInvalid(problems);
        }
    }

    /// <summary>Archive rows are relative to the service, so they become rows of whichever service is restored into.</summary>
    internal static RawResource ToRow(ResourceKind kind, ArchiveRow row) =>
        RawResource.FromRelativeId(row.Path, kind, row.DisplayName, row.Body, row.Created, row.Updated);

    private static long Ms(TimeSpan t) => (long)t.TotalMilliseconds;

    /// <summary>
    /// What a preview previewed, in the restore request's own terms, so a client can run exactly that restore next: the
    /// backup (or the stream, pinned to the journal position the replay reached), the scope, and the account and container
    /// it was read from (names only; never a key).
    /// </summary>
    private static JsonObject Previewed(StorageRequest request, RestoreScope scope, ReplayTarget? point, ReplayResult? replayed)
    {
        var previewed = new JsonObject
        {
            ["storageAccount"] = request.StorageAccount,
            ["containerName"] = request.ContainerName,
            ["restoreScope"] = scope.ToString(),
        };
        if (point is null)
        {
            previewed["backupName"] = request.BackupName;
        }
        else
        {
            const string prefix = "replications/";
            previewed["replication"] = point.Stream.StartsWith(prefix, StringComparison.Ordinal) ? point.Stream[prefix.Length..] : point.Stream;
            previewed["journalPosition"] = replayed?.ReachedPosition ?? point.Position;
        }

        return previewed;
    }

    private JsonObject Summary(Manifest manifest, RestoreScope scope, RestoreCounts? counts, DateTimeOffset started, JsonObject phases, ReplayResult? replayed)
    {
        var summary = new JsonObject
        {
            ["source"] = new JsonObject { ["id"] = manifest.Source.Id, ["name"] = manifest.Source.Name, ["location"] = manifest.Source.Location, ["sku"] = manifest.Source.Sku },
            ["createdAt"] = Manifest.Time(manifest.CreatedAt),
            ["snapshot"] = new JsonObject { ["epoch"] = manifest.SnapshotEpoch, ["takenAt"] = Manifest.Time(manifest.SnapshotTakenAt) },
            ["scope"] = scope.ToString(),
            ["durationMs"] = (long)(time.GetUtcNow() - started).TotalMilliseconds,
            ["phasesMs"] = phases,
        };
        if (replayed is not null)
        {
            summary["pointInTime"] = new JsonObject
            {
                ["reachedAt"] = Manifest.Time(replayed.ReachedAt),
                ["journalPosition"] = replayed.ReachedPosition,
                ["baseIndex"] = replayed.BaseIndex,
                ["segments"] = replayed.Segments,
                ["records"] = replayed.Records,
                ["phasesMs"] = new JsonObject { ["list"] = replayed.ListMs, ["base"] = replayed.BaseMs, ["segments"] = replayed.SegmentsMs, ["write"] = replayed.WriteMs },
            };
        }

        if (counts is not null)
        {
            summary["entitiesRestored"] = counts.Inserted;
            summary["entitiesReplaced"] = counts.Deleted;
        }

        return summary;
    }

    private static ArmException Fail(string problem, string message) => ArmErrors.RestoreFailed(problem, message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Restored service {Service} from {Source}: {Inserted} entities written, {Deleted} replaced, in {Milliseconds:F0} ms")]
    private static partial void LogRestored(ILogger logger, string service, StorageRequest source, long inserted, long deleted, double milliseconds);
}
