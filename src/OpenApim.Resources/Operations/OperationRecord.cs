using System.Text.Json.Nodes;

namespace OpenApim.Resources.Operations;

/// <summary>
/// A long-running operation as stored: who runs it (lease owner and expiry), its progress and its
/// outcome. A secret the work needs (a storage access key) is stored sealed under the deployment's operation-secrets key
/// and erased when the operation ends; the request holds nothing else secret.
/// </summary>
public sealed record OperationRecord
{
    public required string Id { get; init; }

    public required string Kind { get; init; }

    public required string ServiceKey { get; init; }

    public required string ServiceId { get; init; }

    public required OperationStatus Status { get; init; }

    public required string ApiVersion { get; init; }

    public string? Owner { get; init; }

    public DateTimeOffset? LeaseUntil { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? EndedAt { get; init; }

    public JsonObject? Request { get; init; }

    public JsonObject? Progress { get; init; }

    public JsonObject? Result { get; init; }

    /// <summary>The ARM error the operation ended with: <c>{"status":400,"code","message","details"}</c>.</summary>
    public JsonObject? Error { get; init; }

    /// <summary>True when another node may resume the work after this node's lease expires (everything it needs is in the record).</summary>
    public bool Resumable { get; init; }
}
