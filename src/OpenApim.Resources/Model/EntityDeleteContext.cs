namespace OpenApim.Resources.Model;

/// <summary>What a delete hook sees: the entity and the request's query (e.g. <c>deleteSubscriptions</c>).</summary>
internal sealed class EntityDeleteContext
{
    public required EntityAddress Address { get; init; }

    public required StoredResource Entity { get; init; }

    public required IResourceWriter Store { get; init; }

    public required Func<string, string?> Query { get; init; }

    public required CancellationToken Cancellation { get; init; }
}
