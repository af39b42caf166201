using System.Text.Json;
using System.Text.Json.Nodes;
using OpenApim.Resources.Store;

namespace OpenApim.Identity.Applications;

/// <summary>
/// An app registration: a client id, the object id its tokens carry (the principal role assignments
/// name) and its client secrets, of which only hashes are kept.
/// </summary>
internal sealed record Application(
    string AppId,
    string ObjectId,
    string DisplayName,
    DateTimeOffset CreatedDateTime,
    bool Bootstrap,
    IReadOnlyList<PasswordCredential> PasswordCredentials)
{
    public const string Kind = "application";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public DirectoryEntry ToEntry() =>
        new(Kind, AppId.ToLowerInvariant(), ObjectId.ToLowerInvariant(), JsonSerializer.SerializeToNode(this, Json)!.AsObject());

    public static Application FromEntry(DirectoryEntry entry) => entry.Body.Deserialize<Application>(Json)!;

    /// <summary>What the management API shows: everything but the secret hashes.</summary>
    public JsonObject ToResource() => new()
    {
        ["id"] = $"/providers/OpenApim.Identity/applications/{AppId}",
        ["type"] = "OpenApim.Identity/applications",
        ["name"] = AppId,
        ["properties"] = new JsonObject
        {
            ["appId"] = AppId,
            ["objectId"] = ObjectId,
            ["displayName"] = DisplayName,
            ["createdDateTime"] = CreatedDateTime,
            ["bootstrap"] = Bootstrap,
            ["passwordCredentials"] = new JsonArray([.. PasswordCredentials.Select(p => (JsonNode)p.ToJson())]),
        },
    };
}
