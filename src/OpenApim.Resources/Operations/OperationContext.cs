using System.Text.Json.Nodes;

namespace OpenApim.Resources.Operations;

/// <summary>What a running operation sees.</summary>
public sealed class OperationContext(OperationRecord operation, Action<JsonObject> reportProgress, Func<Task> confirmOwnership, CancellationToken cancellation)
{
    public OperationRecord Operation { get; } = operation;

    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>Records progress; it is saved with the next lease renewal.</summary>
    public void Report(JsonObject progress) => reportProgress(progress);

    /// <summary>
    /// Renews the lease at once and throws <see cref="OperationLostException"/> when another node has taken the
    /// operation over: call it before a step that must not happen twice (committing an upload).
    /// </summary>
    public Task ConfirmOwnershipAsync() => confirmOwnership();
}
