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

/// <summary>A row as raw JSON text, for streaming snapshots and bulk restore without parsing.</summary>
public sealed record RawResource(string Key, string Id, string ParentKey, string Kind, string Name, string? DisplayName, string Body, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A page of a list: the items and the total number matching the filter.</summary>
public sealed record ResourcePage(IReadOnlyList<StoredResource> Items, long Total);
