using OpenApim.Resources.Model;

namespace OpenApim.Resources.Kinds;

/// <summary>
/// Every entity kind of a service, looked up by path or by parent and URL segment, and by name for the kinds other
/// code works with (the gateway, backup, the management API's views). Building the catalog links each kind to its parent.
/// </summary>
public static class KindCatalog
{
    public static IReadOnlyList<ResourceKind> All { get; } =
    [
        .. ApiKinds.All,
        .. ProductKinds.All,
        .. UserKinds.All,
        .. ConfigurationKinds.All,
        .. PortalKinds.All,
        .. ReplicationKinds.All,
        .. ScheduleKinds.All,
    ];

    private static readonly Dictionary<string, ResourceKind> ByPath = Index();

    // An explicit static constructor makes the runtime build the catalog (and link every kind to its parent) before any
    // member is used, the accessors below included, not lazily at the first field read.
    static KindCatalog()
    {
    }

    public static ResourceKind Apis => ApiKinds.Apis;

    public static ResourceKind ApiOperations => ApiKinds.Operations;

    public static ResourceKind ApiSchemas => ApiKinds.Schemas;

    public static ResourceKind ApiPolicies => ApiKinds.ApiPolicies;

    public static ResourceKind ApiOperationPolicies => ApiKinds.OperationPolicies;

    public static ResourceKind ApiReleases => ApiKinds.Releases;

    public static ResourceKind Products => ProductKinds.Products;

    public static ResourceKind ProductApis => ProductKinds.ProductApis;

    public static ResourceKind ProductGroups => ProductKinds.ProductGroups;

    public static ResourceKind ProductPolicies => ProductKinds.ProductPolicies;

    public static ResourceKind Users => UserKinds.Users;

    public static ResourceKind Groups => UserKinds.Groups;

    public static ResourceKind GroupUsers => UserKinds.GroupUsers;

    public static ResourceKind Subscriptions => SubscriptionKinds.Subscriptions;

    public static ResourceKind NamedValues => ConfigurationKinds.NamedValues;

    public static ResourceKind Backends => ConfigurationKinds.Backends;

    public static ResourceKind ApiVersionSets => ConfigurationKinds.ApiVersionSets;

    public static ResourceKind Tags => ConfigurationKinds.Tags;

    public static ResourceKind ServicePolicies => ConfigurationKinds.ServicePolicies;

    public static ResourceKind Replications => ReplicationKinds.Replications;

    public static ResourceKind BackupSchedules => ScheduleKinds.BackupSchedules;

    public static ResourceKind Get(string path) =>
        ByPath.TryGetValue(path, out var kind) ? kind : throw new KeyNotFoundException($"No resource kind '{path}'.");

    public static ResourceKind? Find(string path) => ByPath.GetValueOrDefault(path);

    /// <summary>The kind reached by <paramref name="segment"/> below an entity of <paramref name="parent"/> (null: the service).</summary>
    public static ResourceKind? Child(ResourceKind? parent, string segment) =>
        Find(parent is null ? segment : $"{parent.Path}/{segment}");

    /// <summary>The kinds directly below an entity of <paramref name="parent"/> (null: the service).</summary>
    public static IEnumerable<ResourceKind> Children(ResourceKind? parent) => All.Where(k => k.Parent == parent);

    /// <summary>The kinds whose entities are links to entities of <paramref name="target"/>.</summary>
    public static IEnumerable<ResourceKind> LinksTo(ResourceKind target) => All.Where(k => k.LinkTarget == target);

    private static Dictionary<string, ResourceKind> Index()
    {
        var byPath = All.ToDictionary(k => k.Path, StringComparer.OrdinalIgnoreCase);
        foreach (var kind in All)
        {
            if (kind.ParentPath is { } parent)
            {
                kind.Adopt(byPath[parent]);
            }

            foreach (var target in kind.Properties.SelectMany(p => p.RefKinds ?? []))
            {
                if (!byPath.ContainsKey(target))
                {
                    throw new InvalidOperationException($"The kind '{kind.Path}' refers to the unknown kind '{target}'.");
                }
            }
        }

        return byPath;
    }
}
