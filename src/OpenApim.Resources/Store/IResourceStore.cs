using OpenApim.Resources.Operations;

namespace OpenApim.Resources.Store;

/// <summary>Which service-level guard a write passes through.</summary>
public enum WriteScope
{
    /// <summary>Entity writes: refused while a restore of the service runs.</summary>
    Entity,

    /// <summary>Service-level changes (SKU, hostnames, delete): refused while any backup or restore runs.</summary>
    Service,
}

/// <summary>
/// The resource store: one table of ARM resources plus the operations table, in SQLite or PostgreSQL.
/// Reads are single statements; writes run in a transaction that first locks the service's state row,
/// which serialises writes per service and bumps the service's epoch (the gateway's change signal).
/// </summary>
public interface IResourceStore
{
    Task<StoredResource?> GetAsync(string key, CancellationToken ct);

    /// <summary>The resources among <paramref name="keys"/> that exist, by key (one query per service).</summary>
    Task<IReadOnlyDictionary<string, StoredResource>> GetManyAsync(IReadOnlyCollection<string> keys, CancellationToken ct);

    Task<ResourcePage> ListAsync(ListQuery query, CancellationToken ct);

    /// <summary>Runs <paramref name="work"/> in one write transaction for <paramref name="serviceKey"/>; throws 409 when the service is busy.</summary>
    Task<T> WriteAsync<T>(string serviceKey, WriteScope scope, Func<IResourceWriter, Task<T>> work, CancellationToken ct);

    /// <summary>Opens a point-in-time read of one service (one transaction, snapshot isolation).</summary>
    Task<IResourceSnapshot> OpenSnapshotAsync(string serviceKey, CancellationToken ct);

    /// <summary>
    /// Atomically replaces the rows of <paramref name="serviceKey"/> of the kinds in <paramref name="replacedKinds"/> with
    /// <paramref name="rows"/>, and applies <paramref name="updateService"/> to the service row, in one transaction.
    /// Only the operation <paramref name="holder"/> names may do this, and only while the node it names still owns it
    /// (a node whose lease another node took over is fenced off); with no holder (bulk import by the seed tool) no
    /// operation may be running.
    /// </summary>
    Task<RestoreCounts> ReplaceServiceContentAsync(
        string serviceKey,
        OperationClaim? holder,
        IReadOnlyCollection<string> replacedKinds,
        IAsyncEnumerable<RawResource> rows,
        Func<System.Text.Json.Nodes.JsonObject, System.Text.Json.Nodes.JsonObject> updateService,
        CancellationToken ct);

    /// <summary>The path and version of every row of the given kinds in a service (the gateway's change detection).</summary>
    Task<IReadOnlyDictionary<string, long>> ReadVersionsAsync(string serviceKey, IReadOnlyCollection<string> kinds, CancellationToken ct);

    /// <summary>The rows of the given kinds written after <paramref name="afterVersion"/>.</summary>
    IAsyncEnumerable<VersionedResource> ReadChangedAsync(string serviceKey, IReadOnlyCollection<string> kinds, long afterVersion, CancellationToken ct);

    /// <summary>The current epoch of every service (bumped by every write), for change detection.</summary>
    Task<IReadOnlyDictionary<string, long>> GetEpochsAsync(CancellationToken ct);

    IOperationStore Operations { get; }
}

/// <summary>Rows deleted and inserted by a restore.</summary>
public sealed record RestoreCounts(long Deleted, long Inserted, long Epoch);

/// <summary>Reads and writes inside one write transaction.</summary>
public interface IResourceWriter
{
    /// <summary>The service epoch this transaction will commit.</summary>
    long Epoch { get; }

    Task<StoredResource?> GetAsync(string key);

    Task<ResourcePage> ListAsync(ListQuery query);

    /// <summary>Inserts or replaces a resource. With <paramref name="ifMatch"/> the current ETag must match (412 otherwise).</summary>
    Task<StoredResource> PutAsync(NewResource resource, string? ifMatch = null);

    /// <summary>
    /// The keys of the service's rows of <paramref name="kind"/> whose <c>properties.{propertyName}</c> is exactly
    /// <paramref name="value"/> (case-sensitive), through an index where one exists (subscription keys).
    /// </summary>
    Task<IReadOnlyList<string>> FindByValueAsync(string kind, string propertyName, string value);

    /// <summary>Deletes a resource and everything below it; returns the number of rows deleted.</summary>
    Task<int> DeleteTreeAsync(string key);

    /// <summary>
    /// Serialises this transaction with every other one that checks a rule across services (host names belong to one
    /// service), until it ends. SQLite's write transactions are serial already; PostgreSQL takes an advisory lock.
    /// </summary>
    Task LockDeploymentAsync();
}

/// <summary>A consistent, read-only view of one service, held open until disposed.</summary>
public interface IResourceSnapshot : IAsyncDisposable
{
    /// <summary>The service epoch the snapshot captured.</summary>
    long Epoch { get; }

    DateTimeOffset TakenAt { get; }

    /// <summary>Streams every row of the service (the service row included), ordered by kind then key.</summary>
    IAsyncEnumerable<RawResource> ReadAllAsync(CancellationToken ct);
}
