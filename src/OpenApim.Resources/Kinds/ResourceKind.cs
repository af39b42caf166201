using System.Text.Json.Nodes;
using OpenApim.Resources.Kinds.Schema;

namespace OpenApim.Resources.Kinds;

/// <summary>What a backup does with a kind's entities.</summary>
public enum BackupScope
{
    /// <summary>Configuration: APIs, products, policies, named values, ... always restored.</summary>
    Configuration,

    /// <summary>Runtime data (users, subscriptions and their keys): restored unless the restore is configuration-only.</summary>
    Runtime,

    /// <summary>Never in a backup and left alone by restore (developer-portal content, Azure Monitor settings).</summary>
    Excluded,
}

/// <summary>
/// One entity kind of a service, declared once: where it lives in the ARM path, how its names and
/// properties are validated, which properties are secret, how backup treats it, and the hooks and
/// POST actions that make it more than a bag of JSON. CRUD, paging, ETags, backup and restore are
/// written once for all kinds against these declarations (see <see cref="KindCatalog"/>).
/// </summary>
public sealed record ResourceKind
{
    /// <summary>Collection path below the service, e.g. <c>apis/operations</c>; unique.</summary>
    public required string Path { get; init; }

    public IReadOnlyList<Prop> Properties { get; init; } = [];

    public NameRule Names { get; init; } = NameRule.Default;

    public BackupScope Backup { get; init; } = BackupScope.Configuration;

    /// <summary>PATCH and DELETE need an <c>If-Match</c> header (the spec's IfMatchRequiredParameter).</summary>
    public bool IfMatchRequired { get; init; } = true;

    /// <summary>PATCH is offered (some kinds, e.g. links and policies, only have PUT).</summary>
    public bool Patchable { get; init; } = true;

    /// <summary>For association kinds (product → api): the kind path of the entity the name refers to.</summary>
    public string? LinkTarget { get; init; }

    /// <summary>Entities that exist in every service (system groups, email templates, portal settings).</summary>
    public IReadOnlyList<SeedEntity> Seeds { get; init; } = [];

    public SeedBehavior SeedBehavior { get; init; } = SeedBehavior.Locked;

    public KindHooks Hooks { get; init; } = KindHooks.None;

    /// <summary>POST actions on an entity, e.g. <c>listSecrets</c>, by lower-case name.</summary>
    public IReadOnlyDictionary<string, KindAction> Actions { get; init; } = new Dictionary<string, KindAction>();

    /// <summary>The last path segment: what appears in URLs.</summary>
    public string Segment => Path[(Path.LastIndexOf('/') + 1)..];

    /// <summary>The parent kind path, or null when the parent is the service.</summary>
    public string? ParentPath => Path.Contains('/', StringComparison.Ordinal) ? Path[..Path.LastIndexOf('/')] : null;

    /// <summary>ARM resource type, e.g. <c>Microsoft.ApiManagement/service/apis/operations</c>.</summary>
    public string Type => "Microsoft.ApiManagement/service/" + Path;

    /// <summary>
    /// Maps a <c>$filter</c> field to its declared casing: <c>name</c> or a top-level scalar property
    /// that is not secret. Returns null for anything else.
    /// </summary>
    public string? FilterField(string field) =>
        field.Equals("name", StringComparison.OrdinalIgnoreCase)
            ? "name"
            : Properties.FirstOrDefault(p => p.Name.Equals(field, StringComparison.OrdinalIgnoreCase)
                && !p.Secret && p.SecretWhen is null && p.Type is not (PropType.Object or PropType.Array or PropType.Any))?.Name;

    public override string ToString() => Path;
}

/// <summary>An entity created with every service (system groups, the default email templates, ...).</summary>
public sealed record SeedEntity(string Name, JsonObject Properties);

/// <summary>What clients may do to seeded entities.</summary>
public enum SeedBehavior
{
    /// <summary>Neither changed nor deleted (system groups).</summary>
    Locked,

    /// <summary>Changed freely; DELETE resets to the seeded content (email templates).</summary>
    ResetOnDelete,

    /// <summary>Changed freely; never deleted (portal settings).</summary>
    Permanent,
}

/// <summary>A POST action on an entity. Returns the JSON body to answer with, or null for 204.</summary>
public sealed record KindAction(string Name, Func<EntityActionContext, Task<JsonNode?>> Run);
