using OpenApim.Resources.Kinds;
using OpenApim.Resources.Model;
using OpenApim.Resources.Queries;

namespace OpenApim.Management.Entities;

/// <summary>
/// Read-only lists that look at an entity from the other side: a product's or user's subscriptions,
/// a user's groups, an API's products. They are queries over existing rows, not stored collections.
/// </summary>
internal sealed record View(ResourceKind ParentKind, string Segment, ResourceKind ResultKind, Func<EntityAddress, ListQuery> Query, bool ThroughLinks)
{
    private static readonly View[] All =
    [
        new(KindCatalog.Products, "subscriptions", KindCatalog.Subscriptions, e => Where(KindCatalog.Subscriptions, e, "scope", $"/{KindCatalog.Products.Path}/{e.Name}"), false),
        new(KindCatalog.Users, "subscriptions", KindCatalog.Subscriptions, e => Where(KindCatalog.Subscriptions, e, "ownerId", $"/{KindCatalog.Users.Path}/{e.Name}"), false),
        new(KindCatalog.Users, "groups", KindCatalog.Groups, e => Where(KindCatalog.GroupUsers, e, "name", e.Name), true),
        new(KindCatalog.Apis, "products", KindCatalog.Products, e => Where(KindCatalog.ProductApis, e, "name", e.Name), true),
    ];

    public static View? Find(ResourceKind parentKind, string segment) =>
        All.FirstOrDefault(v => v.ParentKind == parentKind && v.Segment.Equals(segment, StringComparison.OrdinalIgnoreCase));

    private static ListQuery Where(ResourceKind kind, EntityAddress e, string field, string value) =>
        ListQuery.InService(kind, e.Service) with { Filter = new CompareFilter(field, "eq", value) };
}
