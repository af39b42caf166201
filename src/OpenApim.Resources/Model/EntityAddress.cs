using OpenApim.Resources.Arm;

namespace OpenApim.Resources.Model;

/// <summary>
/// Where one resource is: its service, its kind and its names (<c>apis/echo/operations/get</c> is kind
/// <c>apis/operations</c> with names <c>[echo, get]</c>; the service's own row is <see cref="ForService"/>, with no
/// names). Every id, key and path the store and the API use is derived here, once. Addresses compare by
/// <see cref="Key"/>: ARM ids are case-insensitive.
/// </summary>
public sealed record EntityAddress
{
    public EntityAddress(ServiceRef service, ResourceKind kind, IReadOnlyList<string> names)
    {
        var segments = kind == ResourceKind.Service ? [] : kind.Path.Split('/');
        if (names.Count != segments.Length)
        {
            throw new ArgumentException($"A {kind.Path} address has {segments.Length} names, not {names.Count}.", nameof(names));
        }

        Service = service;
        Kind = kind;
        Names = names;
        RelativeId = string.Join('/', segments.Zip(names, (s, n) => $"{s}/{n}"));
        Id = RelativeId.Length == 0 ? service.Id : $"{service.Id}/{RelativeId}";
        Key = Id.ToLowerInvariant();
        Path = RelativeId.ToLowerInvariant();
    }

    public ServiceRef Service { get; }

    public ResourceKind Kind { get; }

    public IReadOnlyList<string> Names { get; }

    /// <summary>The path below the service in the caller's casing (<c>apis/Echo/operations/get</c>); empty for the service.</summary>
    public string RelativeId { get; }

    /// <summary><see cref="RelativeId"/> in lower case: how the store finds the row within its service.</summary>
    public string Path { get; }

    /// <summary>The full ARM id, in the caller's casing.</summary>
    public string Id { get; }

    /// <summary>The full ARM id in lower case.</summary>
    public string Key { get; }

    public bool IsService => Kind == ResourceKind.Service;

    public string Name => IsService ? Service.Name : Names[^1];

    /// <summary>The parent entity, or null when the parent is the service (or this is the service).</summary>
    public EntityAddress? Parent => Kind.Parent is { } parent ? new EntityAddress(Service, parent, [.. Names.Take(Names.Count - 1)]) : null;

    /// <summary>What holds this resource's row: the parent entity, or the service for a top-level kind (null for the service).</summary>
    public EntityAddress? Container => IsService ? null : Parent ?? ForService(Service);

    public static EntityAddress ForService(ServiceRef service) => new(service, ResourceKind.Service, []);

    /// <summary>Reads the address of a stored row from its relative id (<c>apis/Orders/operations/get</c>).</summary>
    public static EntityAddress FromRelativeId(ServiceRef service, ResourceKind kind, string relativeId) =>
        relativeId.Length == 0 ? ForService(service) : new(service, kind, [.. relativeId.Split('/').Where((_, i) => i % 2 == 1)]);

    /// <summary>Address of another entity of the same service, e.g. the target of a link.</summary>
    public EntityAddress Sibling(ResourceKind kind, params string[] names) => new(Service, kind, names);

    /// <summary>The same entity under another last name (the declared casing of a fixed name).</summary>
    public EntityAddress Renamed(string name) => new(Service, Kind, [.. Names.Take(Names.Count - 1), name]);

    public bool Equals(EntityAddress? other) => other is not null && string.Equals(Key, other.Key, StringComparison.Ordinal);

    public override int GetHashCode() => Key.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Id;
}
