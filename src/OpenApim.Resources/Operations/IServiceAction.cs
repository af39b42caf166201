namespace OpenApim.Resources.Operations;

/// <summary>A POST on a service (e.g. <c>backup</c>, <c>restore</c>) that becomes a long-running operation.</summary>
public interface IServiceAction
{
    /// <summary>The URL segment, e.g. <c>backup</c>.</summary>
    string Name { get; }

    /// <summary>Validates the request (400 at once when malformed) and starts the operation.</summary>
    Task<OperationRecord> StartAsync(ServiceActionRequest request, CancellationToken ct);
}
