using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using OpenApim.Backup.Archive;
using OpenApim.Backup.Jobs;
using OpenApim.Backup.Storage;
using OpenApim.Resources.Hosting;
using OpenApim.Resources.Store;
using OpenApim.Resources.Store.Journal;

namespace OpenApim.Backup.Replication;

/// <summary>
/// Ships one service's journal into one stream while it holds the stream's lease: a base (the backup archive format, with the
/// journal position its snapshot holds), then a segment whenever records arrive, at most one per seal interval. Each segment
/// continues exactly where the one before ended (its <c>from</c> is the previous <c>through</c>, its <c>previous</c> the previous
/// one's SHA-256). Before a base, a segment closes the chain up to the base's position, so a restore from an older base can
/// replay through it. A restore, undelete or lost journal records start a new base.
/// </summary>
internal sealed partial class StreamShipper(
    ReplicationConfig config,
    IBlobTarget target,
    IResourceStore store,
    IChangeJournal journal,
    JournalSignal signal,
    JobOptions jobs,
    ReplicationBoard board,
    TimeProvider time,
    ILogger logger)
{
    private static readonly TimeSpan RenewBeforeWrite = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(5);
    private const int BatchSize = 2000;

    private readonly StreamAddress _stream = config.Stream;
    private readonly StreamLease _lease = new(target, config.Stream.Lease, time);
    private long _position;
    private long _nextIndex;
    private string? _previous;
    private DateTimeOffset? _lastBase;
    private long _bytesSinceBase;
    private long _lastSeal;
    private long _reportedAt;

    private string Reader => $"replication:{config.Key}";

    public async Task RunAsync(CancellationToken ct)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await target.CheckContainerAsync(ct);
                if (!await _lease.TryTakeAsync(ct))
                {
                    board.Set(config.Key, s => s with { State = "standingBy", Message = "Another node holds the stream's lease and ships it.", RecoveryPoint = null });
                    await Task.Delay(TimeSpan.FromSeconds(5), time, ct);
                    continue;
                }

                await SyncAsync(ct);
                await ShipLoopAsync(ct);
            }
            catch (StreamFencedException e)
            {
                // A standby was promoted on this stream: appending now would fork it. Shipping stops until the replication changes.
                board.Set(config.Key, s => s with { State = "fenced", Message = e.Message, RecoveryPoint = null });
                LogFenced(logger, config.Service.Name, config.Name, e.Message);
                return;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // Storage unreachable, a key rotated, a conflicting writer: the recovery point ages (visibly) and shipping retries.
                board.Set(config.Key, s => s with { State = "retrying", Message = e.Message, Failures = s.Failures + 1 });
                LogShippingFailed(logger, e, config.Service.Name, config.Name, delay.TotalSeconds);
                await Task.Delay(delay, time, ct);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
                continue;
            }

            delay = TimeSpan.FromSeconds(1);
        }
    }

    /// <summary>Where the stream in storage ends: the position, index and hash the next segment continues from.</summary>
    private async Task SyncAsync(CancellationToken ct)
    {
        var listing = await StreamListing.ReadAsync(target, _stream, ct);
        var lastSegment = listing.Segments.Count > 0 ? listing.Segments[^1] : null;
        var lastBase = listing.Bases.Count > 0 ? listing.Bases[^1] : null;
        _lastBase = lastBase is null ? null : listing.TakenAt(lastBase);
        _bytesSinceBase = listing.Segments.Where(s => lastBase is null || s.Index >= lastBase.Index).Sum(s => listing.Blobs[s.Blob].Bytes);
        _position = Math.Max(lastSegment?.Through ?? 0, lastBase?.Position ?? 0);
        _nextIndex = Math.Max(lastSegment is null ? 0 : lastSegment.Index + 1, lastBase?.Index ?? 0);
        var content = lastSegment is null ? null : await target.ReadAsync(lastSegment.Blob, SegmentCodec.MaxBytes, ct);
        _previous = content is null ? null : Convert.ToHexStringLower(SHA256.HashData(content));
        if (lastBase is null)
        {
            await WriteBaseAsync("the stream has no base yet", ct, startsChain: true);
        }
        else if (lastSegment is not null && lastSegment.Index >= lastBase.Index
            && SegmentCodec.Decode(content!, lastSegment, _stream.Path, jobs.EncryptionKey).Records.Any(r => r.Operation is ChangeOperation.Restore or ChangeOperation.Undelete))
        {
            // The base that follows a restore was not written (this node stopped between the two): write it now.
            await WriteBaseAsync("the base after a restore was missing", ct);
        }
    }

    private async Task ShipLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var seen = signal.Generation;
            await _lease.RenewAsync(StreamLease.RenewEvery, ct);
            var shipped = await ShipAsync(long.MaxValue, ct);
            if (_lastBase is { } at && time.GetUtcNow() - at >= config.BaseInterval)
            {
                await WriteBaseAsync("the base interval passed", ct);
            }
            else if (_bytesSinceBase >= config.BaseThresholdBytes)
            {
                // A restore replays every segment after its base: past the threshold, a new base costs less than the replay.
                await WriteBaseAsync("the segments since the last base passed the size threshold", ct);
            }

            if (shipped)
            {
                // At most one segment per seal interval: a busy primary batches, an idle one answers its next commit at once.
                var wait = config.SealInterval - time.GetElapsedTime(_lastSeal);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, ct);
                }

                continue;
            }

            board.Set(config.Key, s => s with { State = "shipping", Message = null, Position = _position });
            await ReportAsync(ct);
            await signal.WaitAsync(seen, TimeSpan.FromSeconds(1), time, ct);
        }
    }

    /// <summary>Tells compaction where this stream stands every few seconds, idle or not, so it keeps every record not yet shipped.</summary>
    private async Task ReportAsync(CancellationToken ct, bool force = false)
    {
        if (force || time.GetElapsedTime(_reportedAt) >= ReportEvery)
        {
            await journal.ReportPositionAsync(Reader, _position, ct);
            _reportedAt = time.GetTimestamp();
        }
    }

    /// <summary>Ships one segment of the records after the position up to <paramref name="limit"/>; false when there were none.</summary>
    private async Task<bool> ShipAsync(long limit, CancellationToken ct)
    {
        var readAt = time.GetUtcNow();
        var tail = await journal.ReadAsync(config.Service, _position, BatchSize, ct);
        if (tail.TrimmedThrough > _position)
        {
            // Compaction passed this stream's position (it stopped reporting for longer than readers are kept): the records in
            // between are gone, so the chain breaks here and a new base starts a new one. Restores detect the break.
            LogChainBroken(logger, config.Service.Name, config.Name, _position, tail.TrimmedThrough);
            _position = tail.TrimmedThrough;
            if (limit == long.MaxValue)
            {
                await WriteBaseAsync("journal records were compacted before they were shipped", ct);
            }

            return true;
        }

        var entries = tail.Entries.Where(e => e.Sequence <= limit).ToList();
        var reachesEnd = tail.Entries.Count < BatchSize && entries.Count == tail.Entries.Count;
        if (entries.Count == 0)
        {
            if (reachesEnd)
            {
                board.Set(config.Key, s => s with { RecoveryPoint = readAt });
            }

            return false;
        }

        var wholesale = entries.FindIndex(e => e.Operation is ChangeOperation.Restore or ChangeOperation.Undelete);
        if (wholesale >= 0 && limit == long.MaxValue)
        {
            // The service's content was replaced in one change set: the next base holds it (and closes the chain up to it).
            await WriteBaseAsync($"the service was {(entries[wholesale].Operation == ChangeOperation.Restore ? "restored" : "undeleted")}", ct);
            return true;
        }

        await SealAsync(await SegmentRecords.ReadAsync(store, config.Service, entries, ct), entries[^1].Sequence, ct);
        if (reachesEnd)
        {
            // Everything committed before the read is now durable.
            board.Set(config.Key, s => s with { RecoveryPoint = readAt });
        }

        await ReportAsync(ct);
        return true;
    }

    private async Task SealAsync(IReadOnlyList<SegmentRecord> records, long through, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var header = new SegmentHeader(_stream.Path, 1, _nextIndex, _position, through, _previous, now, config.Service.Id);
        var content = SegmentCodec.Encode(header, records, jobs.EncryptionKey);
        var sha = Convert.ToHexStringLower(SHA256.HashData(content));
        var metadata = new Dictionary<string, string> { [MetadataNames.SealedAt] = Manifest.Time(now), [MetadataNames.Sha256] = sha };
        await CheckFenceAsync(ct);
        // Renewed right before the write: no other node can have taken the stream over since (the lease lasts 30 s).
        await _lease.RenewAsync(RenewBeforeWrite, ct);
        if (!await target.CreateAsync(_stream.Segment(_nextIndex, _position, through), content, metadata, ct))
        {
            // Another writer sealed this index (a node that still thought it held the lease): continue after what it wrote.
            await SyncAsync(ct);
            throw new InvalidOperationException($"Segment {_nextIndex} of stream {_stream.Path} was written by another node; continuing after it.");
        }

        _position = through;
        _previous = sha;
        _nextIndex++;
        _bytesSinceBase += content.Length;
        _lastSeal = time.GetTimestamp();
        board.Set(config.Key, s => s with
        {
            State = "shipping",
            Message = null,
            Position = through,
            LastSealedAt = now,
            Segments = s.Segments + 1,
            Bytes = s.Bytes + content.Length,
            Records = s.Records + records.Count,
        });
    }

    /// <summary>
    /// Writes a base: the archive of one snapshot, after a segment that ships every record up to the snapshot's position
    /// (empty when there were none), so the chain has no hole before it; the first base of a stream starts the chain instead.
    /// Then applies retention.
    /// </summary>
    private async Task WriteBaseAsync(string reason, CancellationToken ct, bool startsChain = false)
    {
        LocalFiles.CreatePrivateDirectory(jobs.WorkDirectory);
        var file = Path.Combine(jobs.WorkDirectory, $"replication-{Guid.NewGuid():N}.zip");
        try
        {
            var started = time.GetTimestamp();
            var (manifest, rows) = await WhileLeasedAsync(() => SnapshotArchive.WriteAsync(store, config.Service, file, jobs.Archives, time, _ => { }, ct), ct);
            var position = manifest.JournalPosition!.Value;
            if (startsChain)
            {
                // The first base of a stream: what came before it is in it, nothing needs replaying up to it.
                _position = position;
            }

            while (_position < position)
            {
                var before = _position;
                await _lease.RenewAsync(StreamLease.RenewEvery, ct);
                if (!await ShipAsync(position, ct) && _position == before)
                {
                    await SealAsync([], position, ct);
                }
            }

            await CheckFenceAsync(ct);
            await _lease.RenewAsync(RenewBeforeWrite, ct);
            await WhileLeasedAsync(async () =>
            {
                await target.UploadAsync(_stream.Base(_nextIndex, position), file, new Dictionary<string, string>
                {
                    [MetadataNames.SnapshotAt] = Manifest.Time(manifest.SnapshotTakenAt),
                    [MetadataNames.Position] = position.ToString(CultureInfo.InvariantCulture),
                    ["openapim_format"] = manifest.FormatVersion.ToString(2),
                    ["openapim_created_at"] = Manifest.Time(manifest.CreatedAt),
                }, ct);
                return 0;
            }, ct);
            _lastBase = manifest.SnapshotTakenAt;
            _bytesSinceBase = 0;
            var milliseconds = (long)time.GetElapsedTime(started).TotalMilliseconds;
            LogBaseWritten(logger, config.Service.Name, config.Name, _nextIndex, position, rows, milliseconds, reason);
            board.Set(config.Key, s => s with { Bases = s.Bases + 1, LastBaseAt = manifest.SnapshotTakenAt, Position = _position });
            await ReportAsync(ct, force: true);
            await ApplyRetentionAsync(ct);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Runs long work (a base's snapshot or upload) while renewing the lease beside it, so no other node takes the stream meanwhile.</summary>
    private async Task<T> WhileLeasedAsync<T>(Func<Task<T>> work, CancellationToken ct)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var renewal = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                await Task.Delay(StreamLease.RenewEvery, time, done.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                if (!done.IsCancellationRequested)
                {
                    await _lease.RenewAsync(StreamLease.RenewEvery, done.Token);
                }
            }
        }, CancellationToken.None);
        try
        {
            return await work();
        }
        finally
        {
            await done.CancelAsync();
            await renewal.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>Refuses to write once the stream has a generation after the first: a standby was promoted on it.</summary>
    private async Task CheckFenceAsync(CancellationToken ct)
    {
        var generation = await StreamGenerations.HighestAsync(target, _stream, ct);
        if (generation > 1)
        {
            throw new StreamFencedException($"Stream {_stream.Path} was promoted to generation {generation} by its standby; this service no longer ships into it " +
                "(fail back with a new replication from the promoted service).");
        }
    }

    private sealed class StreamFencedException(string message) : Exception(message);

    /// <summary>Deletes what no restore point inside the retention window needs: everything before the newest base older than the window.</summary>
    private async Task ApplyRetentionAsync(CancellationToken ct)
    {
        var listing = await StreamListing.ReadAsync(target, _stream, ct);
        var windowStart = time.GetUtcNow() - config.Retention;
        var keep = listing.Bases.LastOrDefault(b => listing.TakenAt(b) is { } at && at <= windowStart);
        if (keep is null)
        {
            return;
        }

        foreach (var blob in listing.Bases.Where(b => b.Index < keep.Index || (b.Index == keep.Index && b.Position < keep.Position)).Select(b => b.Blob)
            .Concat(listing.Segments.Where(s => s.Index < keep.Index).Select(s => s.Blob)))
        {
            await target.DeleteAsync(blob, ct);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Replication {Replication} of service {Service} stopped shipping: {Reason}")]
    private static partial void LogFenced(ILogger logger, string service, string replication, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replication {Replication} of service {Service} could not ship; retrying in {Seconds} s")]
    private static partial void LogShippingFailed(ILogger logger, Exception e, string service, string replication, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replication {Replication} of service {Service}: the journal was compacted past position {Position} (now {Trimmed}); the chain breaks and a new base starts")]
    private static partial void LogChainBroken(ILogger logger, string service, string replication, long position, long trimmed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replication {Replication} of service {Service}: base {Index} at journal position {Position} ({Rows} entities) in {Milliseconds} ms because {Reason}")]
    private static partial void LogBaseWritten(ILogger logger, string service, string replication, long index, long position, long rows, long milliseconds, string reason);
}
