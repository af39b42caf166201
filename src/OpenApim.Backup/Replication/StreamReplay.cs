using System.IO.Compression;
using System.Text.Json.Nodes;
using OpenApim.Backup.Archive;
using OpenApim.Backup.Jobs;
using OpenApim.Backup.Storage;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Kinds.Schema;
using OpenApim.Resources.Model;
using OpenApim.Resources.Store.Journal;

namespace OpenApim.Backup.Replication;

/// <summary>
/// Rebuilds a service as it was at a <see cref="ReplayTarget"/> from a stream: the newest base at or before it, then every
/// segment after that base, verified link by link (index, positions, the previous segment's SHA-256, each segment's own
/// checksum and seal), applying records up to the target. The result is an ordinary archive file, so a point-in-time restore
/// then runs every check of a restore. A break in the chain before the target fails the replay; it is never skipped.
/// </summary>
internal sealed class StreamReplay(JobOptions options, TimeProvider time) : IPointInTimeReplay
{
    public async Task<ReplayResult> WriteArchiveAsync(IBlobTarget target, ServiceRef service, ReplayTarget point, string file, IReadOnlyList<string>? only, CancellationToken ct)
    {
        var stream = new StreamAddress(point.Stream);
        var started = time.GetTimestamp();
        var listing = await StreamListing.ReadAsync(target, stream, ct);
        var listMs = (long)time.GetElapsedTime(started).TotalMilliseconds;
        var chosen = listing.Bases.LastOrDefault(b => Allows(point, b, listing.TakenAt(b)))
            ?? throw Fail("PointNotRecoverable", listing.Bases.Count == 0
                ? $"The replication stream '{point.Stream}' holds no base; nothing can be restored from it."
                : $"The replication stream '{point.Stream}' holds no base at or before {point}: the oldest restorable point is {OldestPoint(listing)}.");

        if (only is not null)
        {
            // An undelete needs a few entities: it reads the base's directory and the parts that may hold them, checked part by
            // part against the manifest's checksums, not the whole blob (most of a base is subscriptions and users).
            using var remote = ArchiveReader.Open(await target.OpenReadAsync(chosen.Blob, ct), options.EncryptionKey);
            return await ReplayIntoAsync(target, service, listing, chosen, point, remote, only, file, ct) with { ListMs = listMs };
        }

        // A .zip name, so the start-up cleanup of the work folder removes it too if the process dies (it may hold secrets).
        var baseFile = Path.ChangeExtension(file, ".base.zip");
        try
        {
            var downloading = time.GetTimestamp();
            var blob = await target.DownloadAsync(chosen.Blob, baseFile, ct);
            if (blob.Metadata.TryGetValue(MetadataNames.Sha256, out var expected) && expected != blob.Sha256)
            {
                throw Fail("BackupCorrupted", $"The base {chosen.Blob} is corrupted: its content does not match its checksum.");
            }

            var downloadMs = (long)time.GetElapsedTime(downloading).TotalMilliseconds;
            using var archive = ArchiveReader.Open(baseFile, options.EncryptionKey);
            var result = await ReplayIntoAsync(target, service, listing, chosen, point, archive, null, file, ct);
            return result with { ListMs = listMs, BaseMs = downloadMs + result.BaseMs };
        }
        finally
        {
            File.Delete(baseFile);
        }
    }

    /// <summary>The base's rows (or the chosen subtrees of them), the segments replayed onto them, written as an archive.</summary>
    private async Task<ReplayResult> ReplayIntoAsync(
        IBlobTarget target, ServiceRef service, StreamListing listing, BaseRef chosen, ReplayTarget point, ArchiveReader archive, IReadOnlyList<string>? only, string file, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var state = new ReplayState(archive, only);
        var based = time.GetTimestamp();
        var (reachedAt, reached, segments, records) = await ReplayAsync(target, listing, chosen, point, state, archive.Manifest.SnapshotTakenAt, ct);
        var replayed = time.GetTimestamp();
        var manifest = archive.Manifest;
        var (written, _) = await SnapshotArchive.WriteRowsAsync(service, state.Rows(), new SnapshotArchive.Point(manifest.SnapshotEpoch, reachedAt, reached, manifest.CreatedAt, manifest.Source),
            file, options.Archives with { Compression = CompressionLevel.Fastest }, time, _ => { }, ct);
        return new ReplayResult(written, reachedAt, reached, chosen.Index, segments, records)
        {
            BaseMs = (long)time.GetElapsedTime(started, based).TotalMilliseconds,
            SegmentsMs = (long)time.GetElapsedTime(based, replayed).TotalMilliseconds,
            WriteMs = (long)time.GetElapsedTime(replayed).TotalMilliseconds,
        };
    }

    private async Task<(DateTimeOffset At, long Position, int Segments, long Records)> ReplayAsync(
        IBlobTarget target,
        StreamListing listing, BaseRef start, ReplayTarget point, ReplayState state, DateTimeOffset baseTakenAt, CancellationToken ct)
    {
        var (at, position, index) = (baseTakenAt, start.Position, start.Index);
        string? previous = null;
        var (segments, records) = (0, 0L);
        await foreach (var (listed, content) in SegmentPrefetch.ReadAsync(target, listing, listing.Segments.Where(s => s.Index >= start.Index).ToList(), ct))
        {
            if (listed.Index != index || listed.From != position)
            {
                throw Fail("ReplicationChainBroken",
                    $"The replication stream breaks after journal position {position}: the next segment is {listed.Index} from position {listed.From}, not {index} from {position}. " +
                    $"The latest restorable point of this chain is {Archive.Manifest.Time(at)} (position {position}).");
            }

            var segment = SegmentCodec.Decode(content, listed, point.Stream, options.EncryptionKey);
            if (previous is not null && segment.Header.Previous != previous)
            {
                throw Fail("ReplicationChainBroken", $"Segment {listed.Index} does not follow segment {listed.Index - 1}: its previous checksum differs (a segment was replaced).");
            }

            segments++;
            foreach (var record in segment.Records)
            {
                if (!point.Includes(record.At, record.Sequence))
                {
                    return (at, position, segments, records);
                }

                state.Apply(record);
                (at, position) = (record.At, record.Sequence);
                records++;
            }

            // Every change of the segment up to the target is in; a target inside the segment (past its last record) ends here.
            if (point.Position is { } p && segment.Header.Through >= p)
            {
                return (at, p, segments, records);
            }

            position = segment.Header.Through;

            previous = segment.Sha256;
            index++;
        }

        return (at, position, segments, records);
    }

    /// <summary>A base the replay may start from: at or before the moment.</summary>
    private static bool Allows(ReplayTarget point, BaseRef b, DateTimeOffset? takenAt) =>
        (point.Position is not { } p || b.Position <= p) && (point.Time is not { } t || (takenAt is { } at && at <= t));

    private static string OldestPoint(StreamListing listing) =>
        listing.TakenAt(listing.Bases[0]) is { } at ? $"{Archive.Manifest.Time(at)} (position {listing.Bases[0].Position})" : $"position {listing.Bases[0].Position}";

    private static ArmException Fail(string problem, string message) => ArmErrors.RestoreFailed(problem, message);

    /// <summary>The rows being replayed: the base's, then each record applied in order.</summary>
    private sealed class ReplayState
    {
        private readonly SortedDictionary<string, Row> _rows = new(StringComparer.Ordinal);
        private readonly IReadOnlyList<string>? _only;
        private JsonObject _service;

        /// <summary>The base's rows; with <paramref name="only"/>, just those subtrees (their parts alone are read).</summary>
        public ReplayState(ArchiveReader archive, IReadOnlyList<string>? only)
        {
            _only = only;
            _service = archive.ReadService();
            foreach (var part in archive.EntityParts)
            {
                var kind = KindCatalog.Find(part.Kind);
                if (kind is null || (only is not null && !RestoredEntities.MayHold(kind, only)))
                {
                    continue;
                }

                foreach (var row in archive.ReadPart(part))
                {
                    if (only is null || RestoredEntities.Within(row.Path, only))
                    {
                        _rows[row.Path.ToLowerInvariant()] = new Row(kind, row.Path, row.Created, row.Updated, row.Body, row.DisplayName);
                    }
                }
            }
        }

        public void Apply(SegmentRecord record)
        {
            if (_only is not null && record.Path.Length > 0 && !RestoredEntities.Within(record.Path, _only))
            {
                return;
            }

            switch (record.Operation)
            {
                case ChangeOperation.Upsert when record.Path.Length == 0:
                    _service = JsonNode.Parse(record.Body!)!.AsObject();
                    break;
                case ChangeOperation.Upsert:
                    Upsert(record);
                    break;
                case ChangeOperation.Delete:
                    var path = record.Path.ToLowerInvariant();
                    foreach (var key in _rows.Keys.Where(k => k == path || k.StartsWith(path + "/", StringComparison.Ordinal)).ToList())
                    {
                        _rows.Remove(key);
                    }

                    break;
                case ChangeOperation.Restore or ChangeOperation.Undelete:
                    throw Fail("PointNotRecoverable", $"The service's content was replaced at journal position {record.Sequence} ({Archive.Manifest.Time(record.At)}); " +
                        "the base written right after it holds the new content: choose a point after that base.");
                case ChangeOperation.SoftDelete or ChangeOperation.Purge:
                    throw Fail("PointNotRecoverable", $"The service was deleted at journal position {record.Sequence} ({Archive.Manifest.Time(record.At)}); choose a point before that.");
            }
        }

        private void Upsert(SegmentRecord record)
        {
            var kind = KindCatalog.Find(record.Kind);
            if (kind is null || record.Body is null)
            {
                return;
            }

            var key = record.Path.ToLowerInvariant();
            var body = JsonNode.Parse(record.Body)!.AsObject();
            _rows.TryGetValue(key, out var existing);
            if (existing is not null && body["properties"] is JsonObject properties && JsonNode.Parse(existing.Body)?["properties"] is JsonObject before)
            {
                // A record shipped after its row was gone carries no secret values: they did not change, the row before holds them.
                Secrets.Fill(properties, before, kind.Properties);
            }

            var display = body["properties"]?["displayName"] is JsonValue v && v.TryGetValue<string>(out var d) ? d : null;
            _rows[key] = new Row(kind, record.Path, existing?.Created ?? record.At, record.At, body.ToJsonString(), display);
        }

        /// <summary>The service row, then every row grouped by kind (an archive's order).</summary>
        public async IAsyncEnumerable<RawResource> Rows()
        {
            yield return RawResource.FromRelativeId("", ResourceKind.Service, null, _service.ToJsonString(), default, default);
            foreach (var row in _rows.Values.OrderBy(r => r.Kind.Path, StringComparer.Ordinal).ThenBy(r => r.Path, StringComparer.Ordinal))
            {
                yield return RawResource.FromRelativeId(row.Path, row.Kind, row.DisplayName, row.Body, row.Created, row.Updated);
            }

            await Task.CompletedTask;
        }

        private sealed record Row(ResourceKind Kind, string Path, DateTimeOffset Created, DateTimeOffset Updated, string Body, string? DisplayName);
    }
}
