namespace OpenApim.Resources.Model;

/// <summary>
/// A row of one service as raw JSON text, for streaming snapshots and bulk restore without parsing.
/// Paths are relative to the service: <see cref="Path"/> lower case (<c>apis/orders/operations/get</c>),
/// <see cref="RelativeId"/> in the original casing, <see cref="Parent"/> the parent's path (empty: the service).
/// The service's own row has an empty path.
/// </summary>
public sealed record RawResource(string Path, string RelativeId, string Parent, ResourceKind Kind, string Name, string? DisplayName, string Body, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>Builds a row from its original-case relative id (<c>apis/Orders</c>).</summary>
    public static RawResource FromRelativeId(string relativeId, ResourceKind kind, string? displayName, string body, DateTimeOffset created, DateTimeOffset updated)
    {
        var path = relativeId.ToLowerInvariant();
        var cut = path.Length == 0 ? -1 : path.LastIndexOf('/', path.LastIndexOf('/') - 1);
        var name = relativeId[(relativeId.LastIndexOf('/') + 1)..];
        return new RawResource(path, relativeId, cut < 0 ? "" : path[..cut], kind, name, displayName, body, created, updated);
    }
}
