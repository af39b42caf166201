using OpenApim.Resources.Arm;
using OpenApim.Resources.Queries;

namespace OpenApim.Resources.Model;

/// <summary>
/// A list request over resources of one kind, filtered and paged, ordered by path: the children of one
/// container (<see cref="Container"/>), every row of the kind in a service (<see cref="Service"/>), or, for the
/// service kind, the services of a subscription or resource group. Build it with the factories.
/// </summary>
public sealed record ListQuery
{
    private ListQuery(ResourceKind kind) => Kind = kind;

    public ResourceKind Kind { get; }

    /// <summary>Only the children of this entity (or service).</summary>
    public EntityAddress? Container { get; private init; }

    /// <summary>Every row of the kind in this service, whatever its parent.</summary>
    public ServiceRef? Service { get; private init; }

    /// <summary>For services: those of this subscription (null: every subscription).</summary>
    public string? SubscriptionId { get; private init; }

    /// <summary>For services: those of this resource group of <see cref="SubscriptionId"/>.</summary>
    public string? ResourceGroup { get; private init; }

    public Filter? Filter { get; init; }

    public int Top { get; init; } = 100;

    public int Skip { get; init; }

    /// <summary>The entities of a collection.</summary>
    public static ListQuery Children(CollectionAddress collection) => new(collection.Kind) { Container = collection.Container };

    /// <summary>Every entity of <paramref name="kind"/> in <paramref name="service"/>, whatever its parent.</summary>
    public static ListQuery InService(ResourceKind kind, ServiceRef service) => new(kind) { Service = service };

    /// <summary>Services: of one resource group, of one subscription, or (both null) of the deployment.</summary>
    public static ListQuery Services(string? subscriptionId = null, string? resourceGroup = null) =>
        new(ResourceKind.Service) { SubscriptionId = subscriptionId, ResourceGroup = resourceGroup };
}
