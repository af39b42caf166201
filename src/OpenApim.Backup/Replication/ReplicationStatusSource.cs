using System.Text.Json.Nodes;
using OpenApim.Backup.Archive;
using OpenApim.Backup.Storage;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Model;
using OpenApim.Resources.Store.Journal;

namespace OpenApim.Backup.Replication;

/// <summary>
/// <c>properties.status</c> of a replication's GET. For a primary: the journal position durable in storage, the recovery
/// point (every change committed before it is durable: the commit time of the oldest change not yet shipped, or now when
/// none is pending) and the lag (that change's age). For a standby: where it stands in the stream it follows.
/// </summary>
internal sealed class ReplicationStatusSource(IChangeJournal journal, BlobTargets targets, ReplicationBoard board, TimeProvider time) : IEntityStatus
{
    public ResourceKind Kind => KindCatalog.Replications;

    public async Task<JsonObject?> GetAsync(StoredResource entity, CancellationToken ct)
    {
        var config = ReplicationConfig.From(entity);
        var local = board.Get(config.Key);
        var status = new JsonObject
        {
            ["state"] = local?.State ?? (config.Mode == ReplicationKinds.Primary ? "shippedByAnotherNode" : "followedByAnotherNode"),
            ["message"] = local?.Message,
        };
        if (config.Mode != ReplicationKinds.Primary)
        {
            var follower = FollowerState.FromJson(entity.Body["properties"]?["follower"]);
            status["journalPosition"] = follower?.Position;
            status["appliedThrough"] = follower?.AppliedThrough is { } applied ? Manifest.Time(applied) : null;
            return status;
        }

        // Only the node that ships knows its position first-hand; any other reads where the stream in storage ends.
        var durable = local is { State: "shipping" } ? local.Position : await StoredPositionAsync(config, ct);
        var now = time.GetUtcNow();
        var pending = durable is { } position ? (await journal.ReadAsync(config.Service, position, 1, ct)).Entries : [];
        var oldest = pending.Count > 0 ? pending[0].At : (DateTimeOffset?)null;
        status["journalPosition"] = durable;
        status["recoveryPoint"] = durable is null ? null : Manifest.Time(oldest ?? now);
        status["lagSeconds"] = oldest is { } at ? Math.Round(Math.Max(0, (now - at).TotalSeconds), 3) : 0;
        if (local is not null)
        {
            status["lastSealedAt"] = local.LastSealedAt is { } sealedAt ? Manifest.Time(sealedAt) : null;
            status["lastBaseAt"] = local.LastBaseAt is { } baseAt ? Manifest.Time(baseAt) : null;
            status["segmentsShipped"] = local.Segments;
            status["basesWritten"] = local.Bases;
            status["bytesShipped"] = local.Bytes;
            status["recordsShipped"] = local.Records;
            status["failures"] = local.Failures;
        }

        return status;
    }

    /// <summary>Where the stream in storage ends, when another node ships it (null: storage unreadable from here).</summary>
    private async Task<long?> StoredPositionAsync(ReplicationConfig config, CancellationToken ct)
    {
        try
        {
            var listing = await StreamListing.ReadAsync(targets.Open(config.Storage, config.Service), config.Stream, ct);
            return Math.Max(listing.Segments.Count > 0 ? listing.Segments[^1].Through : 0, listing.Bases.Count > 0 ? listing.Bases[^1].Position : 0);
        }
        catch (StorageException)
        {
            return null;
        }
    }
}
