using System.Text.Json.Nodes;

namespace OpenApim.Resources.Model;

/// <summary>
/// One stored resource: where it is, its document and its version. <see cref="Body"/> is the document
/// without <c>id</c>/<c>name</c>/<c>type</c> (for entities just <c>{"properties":{...}}</c>), secrets
/// included: hiding them is the renderer's job.
/// </summary>
public sealed record StoredResource(EntityAddress Address, JsonObject Body, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public string ETag => Arm.ETag.FromVersion(Version);

    public string Name => Address.Name;

    public ResourceKind Kind => Address.Kind;

    public string Id => Address.Id;

    /// <summary>The <c>properties</c> object (a live reference into <see cref="Body"/>).</summary>
    public JsonObject Properties => Body["properties"] as JsonObject ?? [];
}
