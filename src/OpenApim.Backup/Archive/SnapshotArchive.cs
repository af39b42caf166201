using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Hosting;
using OpenApim.Resources.Kinds.Service;
using OpenApim.Resources.Model;
using OpenApim.Resources.Store;

namespace OpenApim.Backup.Archive;

/// <summary>
/// Writes a service's rows into an archive file: from one consistent snapshot (a backup, a replication's base), or from
/// rows rebuilt elsewhere (a point in time replayed from a replication). Rows of excluded kinds are left out.
/// </summary>
internal static class SnapshotArchive
{
    /// <summary>What an archive is written with: the key for secret values (null: in clear) and how long it may be restored.</summary>
    /// <summary>How archives are written; <see cref="Compression"/> Fastest for one that never leaves this machine (a replay's).</summary>
    public sealed record ArchiveSettings(byte[]? EncryptionKey, TimeSpan Lifetime)
    {
        public System.IO.Compression.CompressionLevel Compression { get; init; } = System.IO.Compression.CompressionLevel.Optimal;
    }

    /// <summary>
    /// The point an archive captures: the service epoch, when the read began, and the journal position it holds. A replayed
    /// archive keeps its base's source service and creation time (<paramref name="Source"/>, <paramref name="CreatedAt"/>), so
    /// expiry and the SKU check follow the base.
    /// </summary>
    public sealed record Point(long Epoch, DateTimeOffset TakenAt, long JournalPosition, DateTimeOffset? CreatedAt = null, SourceService? Source = null);

    public static async Task<(Manifest Manifest, long Rows)> WriteAsync(
        IResourceStore store, ServiceRef service, string file, ArchiveSettings settings, TimeProvider time, Action<long> progress, CancellationToken ct)
    {
        await using var snapshot = await store.OpenSnapshotAsync(service, ct);
        return await WriteRowsAsync(service, snapshot.ReadAllAsync(ct), new Point(snapshot.Epoch, snapshot.TakenAt, snapshot.JournalPosition), file, settings, time, progress, ct);
    }

    /// <summary>Writes <paramref name="rows"/> (the service row among them, the others grouped by kind) as an archive of <paramref name="service"/>.</summary>
    public static async Task<(Manifest Manifest, long Rows)> WriteRowsAsync(
        ServiceRef service, IAsyncEnumerable<RawResource> rows, Point point, string file, ArchiveSettings settings, TimeProvider time, Action<long> progress, CancellationToken ct)
    {
        var cipher = settings.EncryptionKey is { } key ? new SecretCipher(key) : null;
        // A node killed while it wrote this archive left the file behind; the operation, resumed under the same id, starts it again.
        File.Delete(file);
        await using var output = LocalFiles.CreateSecret(file, FileMode.CreateNew, 1 << 16);
        await using var writer = new ArchiveWriter(output, cipher, settings.Compression);
        JsonObject? serviceDocument = null;
        long count = 0;
        await foreach (var row in rows.WithCancellation(ct))
        {
            if (row.Kind == ResourceKind.Service)
            {
                serviceDocument = JsonNode.Parse(row.Body)!.AsObject();
                await writer.WriteServiceAsync(ServiceBackup.ForArchive(serviceDocument), ct);
                continue;
            }

            if (row.Kind.Backup == BackupScope.Excluded)
            {
                continue;
            }

            await writer.WriteRowAsync(row.Kind, row.RelativeId, row.CreatedAt, row.UpdatedAt, row.Body, ct);
            if (++count % 20_000 == 0)
            {
                progress(count);
            }
        }

        if (serviceDocument is null)
        {
            throw ArmErrors.BackupFailed("ServiceNotFound", $"The service '{service.Name}' was deleted before the backup could read it.");
        }

        var createdAt = point.CreatedAt ?? time.GetUtcNow();
        Manifest? manifest = null;
        await writer.FinishAsync(parts => manifest = new Manifest(
            Manifest.Current,
            $"OpenApim {typeof(SnapshotArchive).Assembly.GetName().Version?.ToString(3)}",
            point.Source ?? new SourceService(service.Id, service.Name, serviceDocument["location"]?.GetValue<string>() ?? "",
                ServiceKind.Sku(serviceDocument), serviceDocument["sku"]?["capacity"]?.GetValue<int>() ?? 0),
            createdAt,
            createdAt + settings.Lifetime,
            point.Epoch,
            point.TakenAt,
            parts,
            cipher is null ? null : new EncryptionInfo(SecretCipher.Algorithm, cipher.KeyId))
        {
            JournalPosition = point.JournalPosition,
        }, ct);
        await output.FlushAsync(ct);
        return (manifest!, count);
    }
}
