using System.Text.Json.Nodes;

namespace OpenApim.Resources.Model;

/// <summary>
/// Live state a component adds to the GET of one entity of its kind, as <c>properties.status</c> (a replication's recovery
/// point and lag, known to the engine that ships it, not to the store). Never secret, never stored.
/// </summary>
public interface IEntityStatus
{
    ResourceKind Kind { get; }

    Task<JsonObject?> GetAsync(StoredResource entity, CancellationToken ct);
}
