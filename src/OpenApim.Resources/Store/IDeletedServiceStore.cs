namespace OpenApim.Resources.Store;

/// <summary>
/// Soft-deleted services (<see cref="Model.IResourceWriter.SoftDeleteServiceAsync"/>): kept whole, invisible to every other
/// read and to the gateway, until they are undeleted or purged.
/// </summary>
public interface IDeletedServiceStore
{
    Task<IReadOnlyList<DeletedService>> ListDeletedAsync(CancellationToken ct);

    /// <summary>The soft-deleted service named <paramref name="name"/> (service names are unique in a deployment), or null.</summary>
    Task<DeletedService?> FindDeletedAsync(string name, CancellationToken ct);

    /// <summary>Removes the service and everything in it for good; false when it was no longer there.</summary>
    Task<bool> PurgeAsync(DeletedService deleted, CancellationToken ct);

    /// <summary>Brings the service back as it was, keys included; false when it was no longer there.</summary>
    Task<bool> UndeleteAsync(DeletedService deleted, CancellationToken ct);

    /// <summary>Purges every service deleted before <paramref name="cutoff"/>; returns how many.</summary>
    Task<int> PurgeDeletedBeforeAsync(DateTimeOffset cutoff, CancellationToken ct);
}
