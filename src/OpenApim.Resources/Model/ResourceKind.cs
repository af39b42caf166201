using OpenApim.Resources.Kinds.Schema;

namespace OpenApim.Resources.Model;

/// <summary>
/// One kind of resource of a service, declared once: where it lives in the ARM path, how its names and
/// properties are validated, which properties are secret, how backup treats it, and the hooks and
/// POST actions that make it more than a bag of JSON. CRUD, paging, ETags, backup and restore are
/// written once for all kinds against these declarations (the catalog is <c>OpenApim.Resources.Kinds.KindCatalog</c>).
/// Code refers to kinds by these objects, never by their path text.
/// </summary>
public sealed record ResourceKind
{
    /// <summary>The kind of a service's own row (the service resource; its schema is <c>OpenApim.Resources.Kinds.Service.ServiceKind</c>).</summary>
    public static ResourceKind Service { get; } = new() { Path = "service" };

    /// <summary>Collection path below the service, e.g. <c>apis/operations</c>; unique. It is also the kind's name in the store.</summary>
    public required string Path { get; init; }

    public IReadOnlyList<Prop> Properties { get; init; } = [];

    public NameRule Names { get; init; } = NameRule.Default;

    public BackupScope Backup { get; init; } = BackupScope.Configuration;

    /// <summary>PATCH and DELETE need an <c>If-Match</c> header (the spec's IfMatchRequiredParameter).</summary>
    public bool IfMatchRequired { get; init; } = true;

    /// <summary>PATCH is offered (some kinds, e.g. links and policies, only have PUT).</summary>
    public bool Patchable { get; init; } = true;

    /// <summary>Entities of this kind are policy documents (<c>properties.value</c>), checked by the policy catalogue.</summary>
    public bool IsPolicy { get; init; }

    /// <summary>PATCH answers 200 with the entity from api-version 2020-12-01 on; kinds where it stays 204 (portal settings) say false.</summary>
    public bool PatchReturnsBody { get; init; } = true;

    /// <summary>For association kinds (product → api): the kind of the entity the name refers to.</summary>
    public ResourceKind? LinkTarget { get; init; }

    /// <summary>Entities that exist in every service (system groups, email templates, portal settings).</summary>
    internal IReadOnlyList<SeedEntity> Seeds { get; init; } = [];

    internal SeedBehavior SeedBehavior { get; init; } = SeedBehavior.Locked;

    internal KindHooks Hooks { get; init; } = KindHooks.None;

    /// <summary>POST actions on an entity, e.g. <c>listSecrets</c>, by name (case-insensitive).</summary>
    public IReadOnlyDictionary<string, KindAction> Actions { get; init; } = new Dictionary<string, KindAction>();

    private ResourceKind? _parent;

    /// <summary>The kind of the parent entity, or null when the parent is the service. Linked once, when the catalog is built.</summary>
    public ResourceKind? Parent => ParentPath is null
        ? null
        : _parent ?? throw new InvalidOperationException($"The kind '{Path}' is not linked to its parent: it is not in the catalog, or the catalog was not built yet.");

    /// <summary>The last path segment: what appears in URLs.</summary>
    public string Segment => Path[(Path.LastIndexOf('/') + 1)..];

    /// <summary>ARM resource type, e.g. <c>Microsoft.ApiManagement/service/apis/operations</c>.</summary>
    public string Type => "Microsoft.ApiManagement/service/" + Path;

    /// <summary>The parent's path in <see cref="Path"/> (<c>apis</c> for <c>apis/operations</c>), or null for a kind directly below the service.</summary>
    public string? ParentPath => Path.Contains('/', StringComparison.Ordinal) ? Path[..Path.LastIndexOf('/')] : null;

    /// <summary>
    /// Maps a <c>$filter</c> field to its declared casing: <c>name</c> or a top-level scalar property
    /// that is not secret. Returns null for anything else.
    /// </summary>
    public string? FilterField(string field) =>
        field.Equals("name", StringComparison.OrdinalIgnoreCase)
            ? "name"
            : Properties.FirstOrDefault(p => p.Name.Equals(field, StringComparison.OrdinalIgnoreCase)
                && !p.Secret && p.SecretWhen is null && p.Type is not (PropType.Object or PropType.Array or PropType.Any))?.Name;

    /// <summary>Kinds compare by path: there is one declaration per path.</summary>
    public bool Equals(ResourceKind? other) => other is not null && string.Equals(Path, other.Path, StringComparison.Ordinal);

    public override int GetHashCode() => Path.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Path;

    /// <summary>Links this kind to its parent kind (the catalog does this once, when it is built).</summary>
    internal void Adopt(ResourceKind parent) => _parent = parent;
}
