using System.Text.Json;
using System.Text.Json.Nodes;
using OpenApim.Resources.Store;

namespace OpenApim.Identity.Users;

/// <summary>
/// A local user account of the embedded issuer: a person who signs in to the console with a user name and a
/// password. Its object id is the principal role assignments name, as for app registrations; only a salted,
/// slow hash of the password is kept (ASP.NET Core Identity's PBKDF2 format).
/// </summary>
internal sealed record UserAccount(
    string UserName,
    string ObjectId,
    string DisplayName,
    string PasswordHash,
    DateTimeOffset CreatedDateTime,
    bool Bootstrap)
{
    public const string Kind = "user";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public DirectoryEntry ToEntry() =>
        new(Kind, UserName.ToLowerInvariant(), ObjectId.ToLowerInvariant(), JsonSerializer.SerializeToNode(this, Json)!.AsObject());

    public static UserAccount FromEntry(DirectoryEntry entry) => entry.Body.Deserialize<UserAccount>(Json)!;

    /// <summary>What the management API shows: everything but the password hash.</summary>
    public JsonObject ToResource() => new()
    {
        ["id"] = $"/providers/OpenApim.Identity/users/{UserName}",
        ["type"] = "OpenApim.Identity/users",
        ["name"] = UserName,
        ["properties"] = new JsonObject
        {
            ["userName"] = UserName,
            ["objectId"] = ObjectId,
            ["displayName"] = DisplayName,
            ["createdDateTime"] = CreatedDateTime,
            ["bootstrap"] = Bootstrap,
        },
    };
}
