using OpenApim.Policies;

namespace OpenApim.Gateway.Runtime;

/// <summary>An API as the gateway serves it; one revision may answer on two paths, as two copies that differ only in <see cref="Path"/>.</summary>
internal sealed record ApiRuntime
{
    /// <summary>The API row: <c>echo</c>, or <c>echo;rev=2</c> for a revision that is not current.</summary>
    public required string Name { get; init; }

    /// <summary>The API all its revisions belong to (<c>echo</c>): what products and subscription scopes name.</summary>
    public required string ApiId { get; init; }

    /// <summary>The path the API answers on, without leading or trailing slashes ('' for the root); <c>echo;rev=2</c> for a revision.</summary>
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
