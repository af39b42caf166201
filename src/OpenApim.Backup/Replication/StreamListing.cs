using OpenApim.Backup.Storage;

namespace OpenApim.Backup.Replication;

/// <summary>What a stream holds, from a listing of its container folder: bases and segments in chain order.</summary>
internal sealed record StreamListing(IReadOnlyList<BaseRef> Bases, IReadOnlyList<SegmentRef> Segments, IReadOnlyDictionary<string, StoredBlob> Blobs)
{
    public static async Task<StreamListing> ReadAsync(IBlobTarget target, StreamAddress stream, CancellationToken ct)
    {
        var blobs = await target.ListAsync(stream.Path + "/", ct);
        var bases = blobs.Select(b => StreamAddress.ParseBase(b.Name, stream.BasePrefix)).OfType<BaseRef>().OrderBy(b => b.Index).ThenBy(b => b.Position).ToList();
        var segments = blobs.Select(b => StreamAddress.ParseSegment(b.Name, stream.SegmentPrefix)).OfType<SegmentRef>().OrderBy(s => s.Index).ToList();
        return new StreamListing(bases, segments, blobs.ToDictionary(b => b.Name, StringComparer.Ordinal));
    }

    /// <summary>When a base's snapshot was read (its blob metadata), or null when the metadata is missing.</summary>
    public DateTimeOffset? TakenAt(BaseRef b) =>
        Blobs.TryGetValue(b.Blob, out var blob) && blob.Metadata.TryGetValue(MetadataNames.SnapshotAt, out var at) ? Archive.Manifest.ParseTime(at) : null;
}

/// <summary>Blob metadata names of replication streams (listing needs no download).</summary>
internal static class MetadataNames
{
    public const string SnapshotAt = "openapim_snapshot_at";
    public const string SealedAt = "openapim_sealed_at";
    public const string Sha256 = "openapim_sha256";
    public const string Position = "openapim_position";
}
