using OpenApim.Resources.Arm;

namespace OpenApim.Resources.Model;

/// <summary>Reads and writes inside one write transaction of one service.</summary>
public interface IResourceWriter
{
    /// <summary>The service this transaction writes.</summary>
    ServiceRef Service { get; }

    /// <summary>The service epoch this transaction will commit.</summary>
    long Epoch { get; }

    Task<StoredResource?> GetAsync(EntityAddress address, CancellationToken ct);

    Task<ResourcePage> ListAsync(ListQuery query, CancellationToken ct);

    /// <summary>Inserts or replaces a resource. With <paramref name="ifMatch"/> the current ETag must match (412 otherwise).</summary>
    Task<StoredResource> PutAsync(ResourceRow row, string? ifMatch, CancellationToken ct);

    /// <summary>Deletes a resource and everything below it; returns the number of rows deleted.</summary>
    Task<int> DeleteTreeAsync(EntityAddress address, CancellationToken ct);

    /// <summary>
    /// The service's resources of <paramref name="kind"/> whose <c>properties.{propertyName}</c> is exactly
    /// <paramref name="value"/> (case-sensitive), through an index where one exists (subscription keys).
    /// </summary>
    Task<IReadOnlyList<EntityAddress>> FindByValueAsync(ResourceKind kind, string propertyName, string value, CancellationToken ct);

    /// <summary>
    /// Soft-deletes this transaction's service: from its commit on, no read or write sees it (404) and the gateway
    /// unloads it, but its rows stay, and its name stays taken, until it is undeleted or purged (<see cref="Store.IDeletedServiceStore"/>).
    /// </summary>
    Task SoftDeleteServiceAsync(CancellationToken ct);

    /// <summary>
    /// Serialises this transaction with every other one that checks a rule across services (host names belong to one
    /// service), until it ends. SQLite's write transactions are serial already; PostgreSQL takes an advisory lock.
    /// </summary>
    Task LockDeploymentAsync(CancellationToken ct);
}
