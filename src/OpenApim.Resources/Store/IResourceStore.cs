using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Model;
using OpenApim.Resources.Operations;

namespace OpenApim.Resources.Store;

/// <summary>
/// The resource store: ARM resources by address, in SQLite or PostgreSQL. Reads are single statements;
/// writes run in a transaction that first locks the service's state row, which serialises writes per
/// service and bumps the service's epoch (the gateway's change signal).
/// </summary>
public interface IResourceStore
{
    Task<StoredResource?> GetAsync(EntityAddress address, CancellationToken ct);

    /// <summary>The resources among <paramref name="addresses"/> that exist (one query per service).</summary>
    Task<IReadOnlyDictionary<EntityAddress, StoredResource>> GetManyAsync(IReadOnlyCollection<EntityAddress> addresses, CancellationToken ct);

    Task<ResourcePage> ListAsync(ListQuery query, CancellationToken ct);

    /// <summary>Runs <paramref name="work"/> in one write transaction of <paramref name="service"/>; throws 409 when the service is busy.</summary>
    Task<T> WriteAsync<T>(ServiceRef service, WriteScope scope, Func<IResourceWriter, Task<T>> work, CancellationToken ct);

    /// <summary>Opens a point-in-time read of one service (one transaction, snapshot isolation).</summary>
    Task<IResourceSnapshot> OpenSnapshotAsync(ServiceRef service, CancellationToken ct);

    /// <summary>
    /// Atomically replaces the rows of <paramref name="service"/> of the kinds in <paramref name="replacedKinds"/> with
    /// <paramref name="rows"/>, and applies <paramref name="updateService"/> to the service row, in one transaction.
    /// Only the operation <paramref name="holder"/> names may do this, and only while the node it names still owns it
    /// (a node whose lease another node took over is fenced off); with no holder (bulk import by the seed tool) no
    /// operation may be running.
    /// </summary>
    Task<RestoreCounts> ReplaceServiceContentAsync(
        ServiceRef service,
        OperationClaim? holder,
        IReadOnlyCollection<ResourceKind> replacedKinds,
        IAsyncEnumerable<RawResource> rows,
        Func<JsonObject, JsonObject> updateService,
        CancellationToken ct);

    /// <summary>The rows of the given kinds written after <paramref name="afterVersion"/>.</summary>
    IAsyncEnumerable<VersionedResource> ReadChangedAsync(ServiceRef service, IReadOnlyCollection<ResourceKind> kinds, long afterVersion, CancellationToken ct);

    /// <summary>The rows of <paramref name="service"/> at <paramref name="paths"/> (lower-case relative ids) that exist, of any kind.</summary>
    IAsyncEnumerable<VersionedResource> ReadRowsAsync(ServiceRef service, IReadOnlyCollection<string> paths, CancellationToken ct);

    /// <summary>
    /// Some top-level properties of every row of one kind (their value when it is a JSON string, else null), without reading
    /// whole bodies (the gateway's key index over 200,000 subscriptions). Property names must be plain identifiers.
    /// </summary>
    IAsyncEnumerable<ProjectedRow> ReadPropertiesAsync(ServiceRef service, ResourceKind kind, IReadOnlyList<string> properties, CancellationToken ct);

    /// <summary>The current epoch of every service (bumped by every write), for change detection.</summary>
    Task<IReadOnlyDictionary<ServiceRef, long>> GetEpochsAsync(CancellationToken ct);
}
