using OpenApim.Resources.Kinds.Families;

namespace OpenApim.Resources.Kinds;

/// <summary>Every entity kind of a service, looked up by path or by parent and URL segment.</summary>
public static class KindCatalog
{
    public static IReadOnlyList<ResourceKind> All { get; } =
    [
        .. ApiKinds.All,
        .. ProductKinds.All,
        .. UserKinds.All,
        .. ConfigurationKinds.All,
        .. PortalKinds.All,
    ];

    private static readonly Dictionary<string, ResourceKind> ByPath = All.ToDictionary(k => k.Path, StringComparer.OrdinalIgnoreCase);

    public static ResourceKind Get(string path) =>
        ByPath.TryGetValue(path, out var kind) ? kind : throw new KeyNotFoundException($"No resource kind '{path}'.");

    public static ResourceKind? Find(string path) => ByPath.GetValueOrDefault(path);

    /// <summary>The kind reached by <paramref name="segment"/> below an entity of <paramref name="parentPath"/> (null: the service).</summary>
    public static ResourceKind? Child(string? parentPath, string segment) =>
        Find(parentPath is null ? segment : $"{parentPath}/{segment}");

    public static IEnumerable<ResourceKind> Children(string? parentPath) => All.Where(k => k.ParentPath == parentPath);
}
