using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;

namespace OpenApim.Resources.Operations;

/// <summary>A POST on a service (e.g. <c>backup</c>, <c>restore</c>) that becomes a long-running operation.</summary>
public interface IServiceAction
{
    /// <summary>The URL segment, e.g. <c>backup</c>.</summary>
    string Name { get; }

    /// <summary>Validates the request (400 at once when malformed) and starts the operation.</summary>
    Task<OperationRecord> StartAsync(ServiceActionRequest request, CancellationToken ct);
}

/// <summary>A service action as requested: the target service, the JSON body and the api-version.</summary>
public sealed record ServiceActionRequest(ServiceRef Service, JsonObject Body, string ApiVersion, IReadOnlyDictionary<string, string> Query);

/// <summary>Runs the operations of one kind.</summary>
public interface IOperationHandler
{
    string Kind { get; }

    /// <summary>
    /// Does the work and returns the result to store. <see cref="OperationContext.State"/> carries what
    /// the accepting node held in memory (e.g. a storage key); it is null when another node or a restart
    /// resumes a <see cref="OperationRecord.Resumable"/> operation.
    /// </summary>
    Task<JsonObject?> RunAsync(OperationContext context);
}

/// <summary>What a running operation sees.</summary>
public sealed class OperationContext(OperationRecord operation, object? state, Action<JsonObject> reportProgress, Func<Task> confirmOwnership, CancellationToken cancellation)
{
    public OperationRecord Operation { get; } = operation;

    public object? State { get; } = state;

    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>Records progress; it is saved with the next lease renewal.</summary>
    public void Report(JsonObject progress) => reportProgress(progress);

    /// <summary>
    /// Renews the lease at once and throws <see cref="OperationLostException"/> when another node has taken the
    /// operation over: call it before a step that must not happen twice (committing an upload).
    /// </summary>
    public Task ConfirmOwnershipAsync() => confirmOwnership();
}
