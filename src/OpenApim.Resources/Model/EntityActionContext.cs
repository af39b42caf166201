using System.Text.Json.Nodes;

namespace OpenApim.Resources.Model;

/// <summary>What a POST action sees.</summary>
internal sealed class EntityActionContext
{
    public required EntityAddress Address { get; init; }

    public required StoredResource Entity { get; init; }

    public required IResourceWriter Store { get; init; }

    public JsonNode? Body { get; init; }

    public required TimeProvider Time { get; init; }

    public required CancellationToken Cancellation { get; init; }
}
