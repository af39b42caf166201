using OpenApim.Backup.Storage;

namespace OpenApim.Backup.Replication;

/// <summary>
/// An exclusive 30-second lease on one blob of a stream (the shipper's, or a standby's follower lease): taken once, renewed
/// when it is older than asked. Lost means another node holds it now.
/// </summary>
internal sealed class StreamLease(IBlobTarget target, string blobName, TimeProvider time)
{
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(10);

    private string? _id;
    private long _renewedAt;

    public bool Held => _id is not null;

    /// <summary>Takes the lease (or renews it when held); false while another node holds it.</summary>
    public async Task<bool> TryTakeAsync(CancellationToken ct)
    {
        _id = await target.LeaseAsync(blobName, _id, Duration, ct);
        _renewedAt = time.GetTimestamp();
        return _id is not null;
    }

    /// <summary>Renews the lease when it was renewed longer ago than <paramref name="every"/>; throws when another node took it.</summary>
    public async Task RenewAsync(TimeSpan every, CancellationToken ct)
    {
        if (_id is not null && time.GetElapsedTime(_renewedAt) < every)
        {
            return;
        }

        if (!await TryTakeAsync(ct))
        {
            throw new InvalidOperationException($"The lease {blobName} was lost to another node; this node stops here until it is free.");
        }
    }
}
