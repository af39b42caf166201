using System.Text.Json.Nodes;

namespace OpenApim.Resources.Operations;

/// <summary>Durable operation rows, shared by every node through the store's database.</summary>
public interface IOperationStore
{
    /// <summary>Inserts a running operation owned by <see cref="OperationRecord.Owner"/>; 409 when the service already runs one.</summary>
    Task<OperationRecord> StartAsync(OperationRecord operation, CancellationToken ct);

    /// <summary>Records an operation that finished synchronously (e.g. service creation).</summary>
    Task RecordCompletedAsync(OperationRecord operation, CancellationToken ct);

    Task<OperationRecord?> GetAsync(string id, CancellationToken ct);

    Task<IReadOnlyList<OperationRecord>> ListAsync(string serviceKey, int top, CancellationToken ct);

    /// <summary>Extends the lease and saves progress; false when this node no longer owns the operation.</summary>
    Task<bool> RenewAsync(string id, string owner, DateTimeOffset leaseUntil, JsonObject? progress, CancellationToken ct);

    /// <summary>Ends the operation, storing <paramref name="request"/> in place of the request (its sealed secrets removed); false when this node no longer owns it.</summary>
    Task<bool> CompleteAsync(string id, string owner, OperationStatus status, JsonObject? result, JsonObject? failure, JsonObject? request, CancellationToken ct);

    /// <summary>Takes over running operations whose lease expired before <paramref name="expiredBefore"/>.</summary>
    Task<IReadOnlyList<OperationRecord>> ClaimExpiredAsync(string owner, DateTimeOffset expiredBefore, DateTimeOffset leaseUntil, CancellationToken ct);
}
