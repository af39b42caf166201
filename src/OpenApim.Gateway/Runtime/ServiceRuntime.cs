using System.Collections.Frozen;
using OpenApim.Policies;

namespace OpenApim.Gateway.Runtime;

/// <summary>
/// Everything the gateway needs of one service, compiled from the store and immutable: the hosts it
/// answers, its APIs with their operations, subscription keys, products, backends and policies.
/// A change in the store produces a new instance that replaces this one in one step.
/// </summary>
internal sealed class ServiceRuntime
{
    public required string Key { get; init; }

    public required string Name { get; init; }

    public required IReadOnlyList<string> Hosts { get; init; }

    /// <summary>APIs, longest path first, so the most specific path wins.</summary>
    public required ApiRuntime[] Apis { get; init; }

    /// <summary>The APIs whose path starts with a segment (longest path first), so matching looks at a handful, not all.</summary>
    public required FrozenDictionary<string, ApiRuntime[]> ApisByFirstSegment { get; init; }

    /// <summary>APIs at the root path (''), tried last.</summary>
    public required ApiRuntime[] RootApis { get; init; }

    public required IReadOnlyDictionary<string, SubscriptionRuntime> Keys { get; init; }

    public required IReadOnlyDictionary<string, ProductRuntime> Products { get; init; }

    public required IReadOnlyDictionary<string, BackendRuntime> Backends { get; init; }

    public required IReadOnlyDictionary<string, string> UserStates { get; init; }

    public required PolicySections GlobalPolicy { get; init; }
}
