using System.Collections.Concurrent;
using OpenApim.Gateway.Policies;
using OpenApim.Gateway.Routing;
using OpenApim.Policies;

namespace OpenApim.Gateway.Configuration;

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
    public required System.Collections.Frozen.FrozenDictionary<string, ApiRuntime[]> ApisByFirstSegment { get; init; }

    /// <summary>APIs at the root path (''), tried last.</summary>
    public required ApiRuntime[] RootApis { get; init; }

    public required IReadOnlyDictionary<string, SubscriptionRuntime> Keys { get; init; }

    public required IReadOnlyDictionary<string, ProductRuntime> Products { get; init; }

    public required IReadOnlyDictionary<string, BackendRuntime> Backends { get; init; }

    public required IReadOnlyDictionary<string, string> UserStates { get; init; }

    public required PolicySections GlobalPolicy { get; init; }
}

/// <summary>How an API selects its version when it belongs to a version set.</summary>
internal sealed record VersioningRuntime(string Scheme, string? Parameter);

internal sealed class ApiRuntime
{
    public required string Name { get; init; }

    /// <summary>The API's path without leading or trailing slashes ('' for the root).</summary>
    public required string Path { get; init; }

    public required string? ServiceUrl { get; init; }

    public required bool SubscriptionRequired { get; init; }

    public required string KeyHeader { get; init; }

    public required string KeyQuery { get; init; }

    public VersioningRuntime? Versioning { get; init; }

    public string? ApiVersion { get; init; }

    public required OperationRuntime[] Operations { get; init; }

    public required PolicySections Policy { get; init; }

    /// <summary>Published products that contain this API.</summary>
    public required IReadOnlyList<ProductRuntime> Products { get; init; }
}

internal sealed class OperationRuntime
{
    public required string Name { get; init; }

    public required string Method { get; init; }

    public required UrlTemplate Template { get; init; }

    public required PolicySections Policy { get; init; }

    /// <summary>Compiled policy pipelines of this operation, per product ('' = no product), built on first use.</summary>
    public ConcurrentDictionary<string, CompiledPipeline> Pipelines { get; } = new(StringComparer.Ordinal);
}

internal sealed record SubscriptionRuntime(string Name, string State, string ScopeKind, string? ScopeTarget, string? UserId, string Key, DateTimeOffset? ExpiresAt);

internal sealed record ProductRuntime(string Name, string State, bool SubscriptionRequired, PolicySections Policy);

internal sealed record BackendRuntime(string Name, string Url, IReadOnlyDictionary<string, string[]> Headers, IReadOnlyDictionary<string, string[]> Query, string? Authorization);
