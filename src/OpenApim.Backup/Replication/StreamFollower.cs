using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using OpenApim.Backup.Archive;
using OpenApim.Backup.Jobs;
using OpenApim.Backup.Storage;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Hosting;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Kinds.Schema;
using OpenApim.Resources.Kinds.Service;
using OpenApim.Resources.Model;
using OpenApim.Resources.Operations;
using OpenApim.Resources.Store;
using OpenApim.Resources.Store.Journal;

namespace OpenApim.Backup.Replication;

/// <summary>
/// Makes a standby follow a stream from storage alone: the newest base (verified like a restore: SKU, content rules; its own
/// hostnames and location kept), then each segment in chain order, each in one transaction with the follower state. A
/// segment that is missing from the chain, edited or sealed with another key stops the standby at the last good point, and
/// it says why. A segment with a restore or undelete is followed by a base, which the standby applies instead.
/// </summary>
internal sealed partial class StreamFollower(
    ReplicationConfig config, IBlobTarget target, IResourceStore store, JobOptions jobs, ReplicationBoard board, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(200);

    private EntityAddress Replication => EntityAddress.FromRelativeId(config.Service, KindCatalog.Replications, $"replications/{config.Name}");

    public async Task RunAsync(CancellationToken ct)
    {
        var delay = TimeSpan.FromSeconds(1);
        var lease = new StreamLease(target, config.Stream.FollowerLease(config.Service.Key), time);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                // One node applies the stream to this standby (the others stand by): no two apply the same base at once.
                if (!lease.Held && !await lease.TryTakeAsync(ct))
                {
                    board.Set(config.Key, s => s with { State = "standingBy", Message = "Another node applies the stream to this standby." });
                    await Task.Delay(TimeSpan.FromSeconds(5), time, ct);
                    continue;
                }

                await lease.RenewAsync(StreamLease.RenewEvery, ct);

                var state = await CatchUpAsync(null, ct);
                board.Set(config.Key, s => state is null
                    ? s with { Position = 0 }
                    : s with { State = "following", Message = null, Position = state.Position });
                delay = TimeSpan.FromSeconds(1);
                await Task.Delay(PollEvery, time, ct);
            }
            catch (NotFollowingException)
            {
                return;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                var stopped = e is ArmException or ArchiveException;
                board.Set(config.Key, s => s with { State = stopped ? "stopped" : "retrying", Message = e.Message, Failures = s.Failures + 1 });
                LogFollowFailed(logger, e, config.Service.Name, config.Name, e.Message);
                await Task.Delay(delay, time, ct);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }

    /// <summary>Applies everything the stream holds now; returns where the standby stands. <paramref name="holder"/>: the operation (a promote) that may replace content while it runs.</summary>
    public async Task<FollowerState?> CatchUpAsync(OperationClaim? holder, CancellationToken ct)
    {
        var state = await ReadStateAsync(ct);
        while (true)
        {
            if (state is null || state.NeedsBase)
            {
                var next = await ApplyBaseAsync(state, holder, ct);
                if (next is null)
                {
                    return state;
                }

                state = next;
                continue;
            }

            var listed = await SegmentAtAsync(state.NextIndex, ct);
            if (listed is null)
            {
                // Nothing next; but a later segment (or, for a promote, anything later) means one is missing: a gap, not the end.
                var later = await SegmentAtAsync(state.NextIndex + 1, ct) is not null
                    || (holder is not null && (await StreamListing.ReadAsync(target, config.Stream, ct)).Segments.Any(s => s.Index > state.NextIndex));
                if (!later)
                {
                    return state;
                }

                state = await RebaseAfterGapAsync(state, $"segment {state.NextIndex} is missing", ct);
                continue;
            }

            if (listed.From != state.Position)
            {
                state = await RebaseAfterGapAsync(state, $"segment {listed.Index} starts at journal position {listed.From}, not {state.Position}", ct);
                continue;
            }

            var segment = SegmentCodec.Decode(await target.ReadAsync(listed.Blob, SegmentCodec.MaxBytes, ct), listed, config.Stream.Path, jobs.EncryptionKey);
            if (state.Previous is not null && segment.Header.Previous != state.Previous)
            {
                throw ArmErrors.RestoreFailed("ReplicationChainBroken", $"Segment {listed.Index} does not follow the segment the standby applied before it (its previous checksum differs).");
            }

            state = await ApplySegmentAsync(segment, state, ct) ?? await ReadStateAsync(ct);
        }
    }

    private async Task<SegmentRef?> SegmentAtAsync(long index, CancellationToken ct) =>
        (await target.ListAsync($"{config.Stream.SegmentPrefix}{index:D10}", ct))
            .Select(b => StreamAddress.ParseSegment(b.Name, config.Stream.SegmentPrefix)).OfType<SegmentRef>().FirstOrDefault();

    /// <summary>
    /// The chain breaks before the next segment: a base after the break holds everything up to its position, so the standby
    /// starts again from it (said in the log). Without one the standby stops at the last good point and says why.
    /// </summary>
    private async Task<FollowerState> RebaseAfterGapAsync(FollowerState state, string reason, CancellationToken ct)
    {
        var listing = await StreamListing.ReadAsync(target, config.Stream, ct);
        if (!listing.Bases.Any(b => b.Index > state.NextIndex || (b.Index == state.NextIndex && b.Position > state.Position)))
        {
            throw ArmErrors.RestoreFailed("ReplicationChainBroken",
                $"The stream {config.Stream.Path} breaks after journal position {state.Position}: {reason}, and no base follows the break. The standby stays at {state.Position}.");
        }

        LogRebasing(logger, config.Service.Name, config.Stream.Path, state.Position, reason);
        return state with { NeedsBase = true };
    }

    private async Task<FollowerState?> ReadStateAsync(CancellationToken ct)
    {
        var row = await store.GetAsync(Replication, ct);
        var properties = row?.Body["properties"] as JsonObject;
        return properties?["mode"]?.GetValue<string>() == ReplicationKinds.Standby
            ? FollowerState.FromJson(properties["follower"])
            : throw new NotFollowingException();
    }

    /// <summary>The newest base (first start) or the base after a wholesale change; null when it is not there yet.</summary>
    private async Task<FollowerState?> ApplyBaseAsync(FollowerState? state, OperationClaim? holder, CancellationToken ct)
    {
        var listing = await StreamListing.ReadAsync(target, config.Stream, ct);
        // The newest base at or after where the standby stands (the one after a restore, or after a break in the chain).
        var chosen = listing.Bases.LastOrDefault(b => state is null || (b.Index >= state.NextIndex && b.Position >= state.Position));
        if (chosen is null)
        {
            board.Set(config.Key, s => s with { State = "waitingForBase", Message = $"The stream {config.Stream.Path} holds no base to start from yet." });
            return null;
        }

        LocalFiles.CreatePrivateDirectory(jobs.WorkDirectory);
        var file = Path.Combine(jobs.WorkDirectory, $"follow-{Guid.NewGuid():N}.zip");
        try
        {
            await target.DownloadAsync(chosen.Blob, file, ct);
            using var archive = ArchiveReader.Open(file, jobs.EncryptionKey);
            var current = await store.RequireServiceAsync(config.Service, ct);
            await RestoreJob.ApplyAsync(store, config.Service, holder, archive, current.Body, RestoreScope.All, jobs.Lifetime, time.GetUtcNow(), _ => { }, null, ct);
            var next = new FollowerState(chosen.Index, chosen.Index, chosen.Position, null, false, archive.Manifest.SnapshotTakenAt, state?.Records ?? 0);
            await SaveAsync(next, ct);
            LogBaseApplied(logger, config.Service.Name, config.Stream.Path, chosen.Index, chosen.Position);
            return next;
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>One segment in one transaction with the state; null when the state moved meanwhile (another node applied it).</summary>
    private async Task<FollowerState?> ApplySegmentAsync(Segment segment, FollowerState state, CancellationToken ct)
    {
        var wholesale = segment.Records.Any(r => r.Operation is ChangeOperation.Restore or ChangeOperation.Undelete);
        var next = state with
        {
            NextIndex = state.NextIndex + 1,
            Position = segment.Header.Through,
            Previous = segment.Sha256,
            NeedsBase = wholesale,
            AppliedThrough = segment.Records.Count > 0 ? segment.Records[^1].At : state.AppliedThrough,
            Records = state.Records + segment.Records.Count,
        };
        return await store.WriteAsync(config.Service, WriteScope.Replication, async writer =>
        {
            var row = await writer.GetAsync(Replication, ct);
            var properties = row?.Body["properties"] as JsonObject;
            if (properties?["mode"]?.GetValue<string>() != ReplicationKinds.Standby || FollowerState.FromJson(properties["follower"]) != state)
            {
                return null;
            }

            if (!wholesale)
            {
                // A wholesale change is applied by the base that follows it, not record by record.
                foreach (var record in segment.Records)
                {
                    await ApplyAsync(writer, record, ct);
                }
            }

            properties["follower"] = next.ToJson();
            await writer.PutAsync(new ResourceRow(Replication, row!.Body), null, ct);
            return next;
        }, ct);
    }

    private async Task ApplyAsync(IResourceWriter writer, SegmentRecord record, CancellationToken ct)
    {
        if (record.Path.Length == 0)
        {
            if (record.Operation == ChangeOperation.Upsert && record.Body is not null)
            {
                // The primary's publisher settings; the standby keeps its own name, location, SKU and hostnames.
                var current = await writer.RequireServiceAsync(config.Service, ct);
                await writer.PutAsync(ResourceRow.Service(config.Service, ServiceBackup.Apply(current.Body, JsonNode.Parse(record.Body)!.AsObject())), null, ct);
            }

            return;
        }

        // Excluded kinds (portal content, the primary's own replications) stay as the standby has them, as in a restore.
        if (KindCatalog.Find(record.Kind) is not { Backup: not BackupScope.Excluded } kind)
        {
            return;
        }

        var address = EntityAddress.FromRelativeId(config.Service, kind, record.Path);
        switch (record.Operation)
        {
            case ChangeOperation.Upsert when record.Body is not null:
                var body = JsonNode.Parse(record.Body)!.AsObject();
                if (Secrets.Any(kind.Properties) && body["properties"] is JsonObject properties && await writer.GetAsync(address, ct) is { } existing
                    && existing.Body["properties"] is JsonObject before)
                {
                    Secrets.Fill(properties, before, kind.Properties);
                }

                await writer.PutAsync(new ResourceRow(address, body), null, ct);
                break;
            case ChangeOperation.Delete:
                await writer.DeleteTreeAsync(address, ct);
                break;
        }
    }

    private Task<int> SaveAsync(FollowerState state, CancellationToken ct) => store.WriteAsync(config.Service, WriteScope.Replication, async writer =>
    {
        var row = await writer.GetAsync(Replication, ct) ?? throw new NotFollowingException();
        if (row.Body["properties"] is not JsonObject properties || properties["mode"]?.GetValue<string>() != ReplicationKinds.Standby)
        {
            throw new NotFollowingException();
        }

        properties["follower"] = state.ToJson();
        await writer.PutAsync(new ResourceRow(Replication, row.Body), null, ct);
        return 0;
    }, ct);

    /// <summary>The replication was deleted or promoted: following ends.</summary>
    internal sealed class NotFollowingException() : Exception("The replication no longer follows a stream.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Standby {Service} could not follow replication {Replication}: {Reason}")]
    private static partial void LogFollowFailed(ILogger logger, Exception e, string service, string replication, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Standby {Service}: the stream {Stream} breaks after journal position {Position} ({Reason}); starting again from the next base")]
    private static partial void LogRebasing(ILogger logger, string service, string stream, long position, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Standby {Service} applied base {Index} of stream {Stream} (journal position {Position})")]
    private static partial void LogBaseApplied(ILogger logger, string service, string stream, long index, long position);
}
