using System.Runtime.CompilerServices;
using OpenApim.Backup.Storage;

namespace OpenApim.Backup.Replication;

/// <summary>
/// Reads a chain's segments in order while the next few download in parallel: a replay over hundreds of small segments
/// waits for one round trip at a time no longer. At most <see cref="Parallelism"/> downloads and <see cref="MaxBytesAhead"/>
/// bytes are in flight; leaving the loop early (the target reached, a break in the chain) cancels the rest.
/// </summary>
internal static class SegmentPrefetch
{
    public const int Parallelism = 16;
    public const long MaxBytesAhead = 64L << 20;

    public static async IAsyncEnumerable<(SegmentRef Listed, byte[] Content)> ReadAsync(
        IBlobTarget target, StreamListing listing, IReadOnlyList<SegmentRef> segments, [EnumeratorCancellation] CancellationToken ct)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var pending = new Queue<(SegmentRef Listed, long Bytes, Task<byte[]> Content)>();
        var (next, ahead) = (0, 0L);
        try
        {
            while (next < segments.Count || pending.Count > 0)
            {
                while (next < segments.Count && pending.Count < Parallelism && (pending.Count == 0 || ahead < MaxBytesAhead))
                {
                    var segment = segments[next++];
                    var bytes = listing.Blobs.TryGetValue(segment.Blob, out var blob) ? blob.Bytes : 0;
                    ahead += bytes;
                    pending.Enqueue((segment, bytes, target.ReadAsync(segment.Blob, SegmentCodec.MaxBytes, cancel.Token)));
                }

                var (listed, size, content) = pending.Dequeue();
                ahead -= size;
                yield return (listed, await content);
            }
        }
        finally
        {
            await cancel.CancelAsync();
            // Downloads nobody will read: wait for them to stop, whatever they ended with.
            await Task.WhenAny(Task.WhenAll(pending.Select(p => p.Content)));
        }
    }
}
