using OpenApim.Policies;

namespace OpenApim.Gateway.Runtime;

/// <summary>One operation of an API: how requests match it and its own policy.</summary>
internal sealed class OperationRuntime
{
    public required string Name { get; init; }

    public required string Method { get; init; }

    public required UrlTemplate Template { get; init; }

    public required PolicySections Policy { get; init; }
}
