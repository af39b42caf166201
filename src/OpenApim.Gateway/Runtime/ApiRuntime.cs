using OpenApim.Policies;

namespace OpenApim.Gateway.Runtime;

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
