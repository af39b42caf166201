using OpenApim.Resources.Kinds;
using OpenApim.Resources.Store;

namespace OpenApim.Management.Entities;

/// <summary>
/// Read-only lists that look at an entity from the other side: a product's or user's subscriptions,
/// a user's groups, an API's products. They are queries over existing rows, not stored collections.
/// </summary>
internal sealed record View(string ParentKind, string Segment, string ResultKind, Func<EntityAddress, ListQuery> Query, bool ThroughLinks)
{
    private static readonly View[] All =
    [
        new("products", "subscriptions", "subscriptions", e => Where("subscriptions", e, "scope", $"/products/{e.Name}"), false),
        new("users", "subscriptions", "subscriptions", e => Where("subscriptions", e, "ownerId", $"/users/{e.Name}"), false),
        new("users", "groups", "groups", e => Where("groups/users", e, "name", e.Name), true),
        new("apis", "products", "products", e => Where("products/apis", e, "name", e.Name), true),
    ];

    public static View? Find(string parentKind, string segment) =>
        All.FirstOrDefault(v => v.ParentKind == parentKind && v.Segment.Equals(segment, StringComparison.OrdinalIgnoreCase));

    private static ListQuery Where(string kind, EntityAddress e, string field, string value) =>
        new(kind, ServiceKey: e.Service.Key, Filter: new CompareFilter(field, "eq", value));
}
