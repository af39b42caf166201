using System.Collections.Frozen;
using OpenApim.Policies;

namespace OpenApim.Gateway.Runtime;

/// <summary>
/// Everything the gateway needs of one service, compiled from the store and immutable: the hosts it
/// answers, its APIs with their operations, subscription keys, products, backends and policies.
/// A change in the store produces a new instance (sharing what did not change) that replaces this one in one step.
/// </summary>
internal sealed record ServiceRuntime
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

    /// <summary>Subscription keys (ordinal).</summary>
    public required LayeredMap<SubscriptionRuntime> Keys { get; init; }

    public required IReadOnlyDictionary<string, ProductRuntime> Products { get; init; }

    public required IReadOnlyDictionary<string, BackendRuntime> Backends { get; init; }

    /// <summary>User states by user name (case-insensitive).</summary>
    public required LayeredMap<string> UserStates { get; init; }

    public required PolicySections GlobalPolicy { get; init; }

    /// <summary>Two runtimes are the same only if they are one instance (comparing 400,000 keys would be absurd).</summary>
    public bool Equals(ServiceRuntime? other) => ReferenceEquals(this, other);

    public override int GetHashCode() => Key.GetHashCode(StringComparison.Ordinal);
}
