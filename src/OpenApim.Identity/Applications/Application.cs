using System.Security.Cryptography;
using System.Text;
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

/// <summary>A client secret: its SHA-256 (the secrets are 240 random bits, so a fast hash suffices), a hint and its validity.</summary>
internal sealed record PasswordCredential(
    string KeyId,
    string? DisplayName,
    string Hint,
    string SecretHash,
    DateTimeOffset StartDateTime,
    DateTimeOffset EndDateTime)
{
    public bool Verifies(string secret) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(secret)), Convert.FromBase64String(SecretHash));

    public static string Hash(string secret) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>A client secret in the style of Entra's: 40 URL-safe characters.</summary>
    public static string NewSecret() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)).Replace('+', '-').Replace('/', '_');

    public JsonObject ToJson(string? secretText = null)
    {
        var json = new JsonObject
        {
            ["keyId"] = KeyId,
            ["displayName"] = DisplayName,
            ["hint"] = Hint,
            ["startDateTime"] = StartDateTime,
            ["endDateTime"] = EndDateTime,
        };
        if (secretText is not null)
        {
            json["secretText"] = secretText;
        }

        return json;
    }
}
