using OpenApim.Resources.Arm;

namespace OpenApim.Resources.Kinds;

/// <summary>
/// One entity (or collection, when <see cref="Names"/> is one short) below a service:
/// <c>apis/echo/operations/get</c> is kind <c>apis/operations</c> with names <c>[echo, get]</c>.
/// </summary>
public sealed record EntityAddress(ServiceRef Service, ResourceKind Kind, IReadOnlyList<string> Names)
{
    private string[] Segments => Kind.Path.Split('/');

    public string Name => Names[^1];

    /// <summary><c>apis/echo/operations/get</c>, in the caller's casing.</summary>
    public string RelativePath => string.Join('/', Segments.Zip(Names, (s, n) => $"{s}/{n}"));

    public string Id => $"{Service.Id}/{RelativePath}";

    public string Key => Id.ToLowerInvariant();

    /// <summary>The parent entity, or null when the parent is the service itself.</summary>
    public EntityAddress? Parent => Kind.ParentPath is { } parentPath
        ? new EntityAddress(Service, KindCatalog.Get(parentPath), Names.Take(Names.Count - 1).ToArray())
        : null;

    public string ParentKey => Parent?.Key ?? Service.Key;

    /// <summary>Address of another entity of the same service, e.g. the target of a link.</summary>
    public EntityAddress Sibling(ResourceKind kind, params string[] names) => new(Service, kind, names);
}

/// <summary>A collection of entities of one kind below a parent entity (or the service).</summary>
public sealed record CollectionAddress(ServiceRef Service, ResourceKind Kind, EntityAddress? Parent)
{
    public string ParentKey => Parent?.Key ?? Service.Key;

    public EntityAddress Item(string name) => new(Service, Kind, [.. Parent?.Names ?? [], name]);
}
