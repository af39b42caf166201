using System.Text.Json.Nodes;

namespace OpenApim.Resources.Store;

/// <summary>
/// One row of the resource table: an ARM resource keyed by its lower-case id. <see cref="Body"/> is
/// the resource document without <c>id</c>/<c>name</c>/<c>type</c> (for entities just
/// <c>{"properties":{...}}</c>), secrets included: hiding them is the renderer's job.
/// </summary>
public sealed record StoredResource(
    string Key,
    string Id,
    string ServiceKey,
    string ParentKey,
    string Kind,
    string Name,
    JsonObject Body,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public string ETag => Arm.ETag.FromVersion(Version);

    /// <summary>The <c>properties</c> object (a live reference into <see cref="Body"/>).</summary>
    public JsonObject Properties => Body["properties"] as JsonObject ?? [];
}

/// <summary>A resource to insert or replace.</summary>
public sealed record NewResource(string Key, string Id, string ServiceKey, string ParentKey, string Kind, string Name, JsonObject Body);

/// <summary>
/// A row of one service as raw JSON text, for streaming snapshots and bulk restore without parsing.
/// Paths are relative to the service: <see cref="Path"/> lower case (<c>apis/orders/operations/get</c>),
/// <see cref="RelativeId"/> in the original casing, <see cref="Parent"/> the parent's path (empty: the service).
/// The service's own row has an empty path.
/// </summary>
public sealed record RawResource(string Path, string RelativeId, string Parent, string Kind, string Name, string? DisplayName, string Body, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>Builds a row from its original-case relative id (<c>apis/Orders</c>).</summary>
    public static RawResource FromRelativeId(string relativeId, string kind, string? displayName, string body, DateTimeOffset created, DateTimeOffset updated)
    {
        var path = relativeId.ToLowerInvariant();
        var cut = path.Length == 0 ? -1 : path.LastIndexOf('/', path.LastIndexOf('/') - 1);
        var name = relativeId[(relativeId.LastIndexOf('/') + 1)..];
        return new RawResource(path, relativeId, cut < 0 ? "" : path[..cut], kind, name, displayName, body, created, updated);
    }
}

/// <summary>A page of a list: the items and the total number matching the filter.</summary>
public sealed record ResourcePage(IReadOnlyList<StoredResource> Items, long Total);

/// <summary>A row with its version (the store's change sequence when it was last written).</summary>
public sealed record VersionedResource(RawResource Row, long Version);
