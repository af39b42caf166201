using System.Security.Cryptography;
using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Kinds.Schema;
using OpenApim.Resources.Store;

namespace OpenApim.Resources.Kinds.Families;

/// <summary>Users, groups and their membership, and subscriptions with their keys: the runtime data of a service.</summary>
internal static partial class UserKinds
{
    public static IReadOnlyList<ResourceKind> All { get; } =
    [
        new()
        {
            Path = "users",
            Names = NameRule.Max(80),
            Backup = BackupScope.Runtime,
            Properties =
            [
                P.Str("email").Req().Len(1, 254),
                P.Str("firstName").Req().Len(1, 100),
                P.Str("lastName").Req().Len(1, 100),
                P.Str("password").Secret(),
                P.Enum("appType", "portal", "developerPortal"),
                P.Enum("confirmation", "signup", "invite"),
                P.Enum("state", "active", "blocked", "pending", "deleted").Default("active"),
                P.Str("note"),
                P.Arr("identities", P.Obj("[]", P.Str("provider"), P.Str("id"))),
                P.Date("registrationDate").RO(),
                P.Arr("groups").RO(),
            ],
            Hooks = new KindHooks { BeforeWrite = WriteUserAsync, BeforeDelete = ctx => Subscriptions.DeleteReferencingAsync(ctx, "ownerId", "/users/") },
        },
        new()
        {
            Path = "groups",
            Properties =
            [
                P.Str("displayName").Req().Len(1, 300),
                P.Str("description").Max(1000),
                P.Bool("builtIn").RO(),
                P.Enum("type", "custom", "system", "external").Default("custom"),
                P.Str("externalId"),
            ],
            Seeds =
            [
                SystemGroup("administrators", "Administrators", "Administrators is a built-in group. Its membership is managed by the system. Microsoft Azure subscription administrators fall into this group."),
                SystemGroup("developers", "Developers", "Developers is a built-in group. Its membership is managed by the system. Signed-in users fall into this group."),
                SystemGroup("guests", "Guests", "Guests is a built-in group. Its membership is managed by the system. Unauthenticated users visiting the developer portal fall into this group."),
            ],
            Hooks = new KindHooks
            {
                BeforeWrite = ctx =>
                {
                    if (ctx.Properties["type"]?.GetValue<string>() == "system")
                    {
                        ctx.Problem("properties.type", "Only the built-in groups are of type 'system'; use 'custom' or 'external'.");
                    }

                    ctx.Properties["builtIn"] = false;
                    return Task.CompletedTask;
                },
            },
        },
        new() { Path = "groups/users", LinkTarget = "users", IfMatchRequired = false, Patchable = false, Backup = BackupScope.Runtime },
        new()
        {
            Path = "subscriptions",
            Backup = BackupScope.Runtime,
            Properties =
            [
                P.Ref("ownerId", "users"),
                P.Ref("scope", "apis", "products").OrCollection("apis").Req(),
                P.Str("displayName").Max(100),
                P.Enum("state", "suspended", "active", "expired", "submitted", "rejected", "cancelled").Default("submitted"),
                P.Str("primaryKey").Len(1, 256).Secret(),
                P.Str("secondaryKey").Len(1, 256).Secret(),
                P.Date("createdDate").RO(),
                P.Date("startDate"),
                P.Date("expirationDate"),
                P.Date("endDate"),
                P.Date("notificationDate"),
                P.Str("stateComment"),
                P.Bool("allowTracing"),
            ],
            Hooks = new KindHooks { BeforeWrite = WriteSubscription },
            Actions = Actions(
                new KindAction("listSecrets", ctx => Task.FromResult<JsonNode?>(new JsonObject
                {
                    ["primaryKey"] = ctx.Entity.Properties["primaryKey"]?.DeepClone(),
                    ["secondaryKey"] = ctx.Entity.Properties["secondaryKey"]?.DeepClone(),
                })),
                new KindAction("regeneratePrimaryKey", ctx => RegenerateAsync(ctx, "primaryKey")),
                new KindAction("regenerateSecondaryKey", ctx => RegenerateAsync(ctx, "secondaryKey"))),
        },
    ];

    internal static IReadOnlyDictionary<string, KindAction> Actions(params KindAction[] actions) =>
        actions.ToDictionary(a => a.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>A new subscription key: 32 hex characters, as API Management generates them.</summary>
    public static string NewKey() => RandomNumberGenerator.GetHexString(32, lowercase: true);

    private static SeedEntity SystemGroup(string name, string displayName, string description) => new(name, new JsonObject
    {
        ["displayName"] = displayName,
        ["description"] = description,
        ["builtIn"] = true,
        ["type"] = "system",
    });

    private static async Task WriteUserAsync(EntityWriteContext ctx)
    {
        var p = ctx.Properties;
        var email = p["email"]!.GetValue<string>();
        if (!IsEmail(email))
        {
            ctx.Problem("properties.email", $"'email' value '{(email.Length > 80 ? email[..80] + "..." : email)}' is not an email address (local-part@domain.example).");
            return;
        }

        var same = await ctx.Store.ListAsync(new ListQuery("users", ParentKey: ctx.Address.Service.Key, Filter: new CompareFilter("email", "eq", email), Top: 2));
        if (same.Items.Any(u => u.Key != ctx.Address.Key))
        {
            ctx.Problem("properties.email", $"Email '{email}' is already registered by another user of this service.");
        }

        // A PATCH carries the stored hash along unchanged; only a new value is hashed.
        var stored = ctx.Existing?["password"]?.GetValue<string>();
        if (p["password"] is JsonValue pw && pw.TryGetValue<string>(out var password) && password != stored)
        {
            p["password"] = PasswordHash.Hash(password);
        }
        else if (stored is not null)
        {
            p["password"] = stored;
        }

        p["registrationDate"] = ctx.Existing?["registrationDate"]?.DeepClone() ?? Now(ctx);
        p["identities"] ??= new JsonArray(new JsonObject { ["provider"] = "Basic", ["id"] = email });
        p.Remove("confirmation");
        p.Remove("appType");

        if (ctx.IsCreate)
        {
            // As in API Management, every new user is a member of Developers.
            var link = $"{ctx.Address.Service.Key}/groups/developers/users/{ctx.Address.Name.ToLowerInvariant()}";
            await ctx.Store.PutAsync(new NewResource(link, $"{ctx.Address.Service.Id}/groups/developers/users/{ctx.Address.Name}",
                ctx.Address.Service.Key, ctx.Address.Service.Key + "/groups/developers", "groups/users", ctx.Address.Name, new JsonObject { ["properties"] = new JsonObject() }));
        }
    }

    /// <summary>One address, as a mail system would accept it: a local part, '@', a dotted domain, no spaces or brackets.</summary>
    private static bool IsEmail(string email) =>
        EmailPattern().IsMatch(email) && System.Net.Mail.MailAddress.TryCreate(email, out var parsed) && parsed.Address == email;

    [System.Text.RegularExpressions.GeneratedRegex("""^[^\s@<>()\[\]\\,;:"]+@[^\s@<>()\[\]\\,;:".]+(\.[^\s@<>()\[\]\\,;:".]+)+\z""")]
    private static partial System.Text.RegularExpressions.Regex EmailPattern();

    private static async Task WriteSubscription(EntityWriteContext ctx)
    {
        var p = ctx.Properties;
        if (ctx.IsCreate && p["displayName"] is null)
        {
            ctx.Problem("properties.displayName", "'displayName' is required.");
        }

        foreach (var key in new[] { "primaryKey", "secondaryKey" })
        {
            p[key] ??= ctx.Existing?[key]?.DeepClone() ?? NewKey();
        }

        if (p["primaryKey"]!.GetValue<string>() == p["secondaryKey"]!.GetValue<string>())
        {
            ctx.Problem("properties.secondaryKey", "The primary and secondary keys must differ.");
        }

        foreach (var key in new[] { "primaryKey", "secondaryKey" })
        {
            if (p[key]!.GetValue<string>() != ctx.Existing?[key]?.GetValue<string>() && await KeyInUseAsync(ctx.Store, ctx.Address.Key, p[key]!.GetValue<string>()))
            {
                throw Arm.ArmErrors.SubscriptionKeyInUse(key);
            }
        }

        p["createdDate"] = ctx.Existing?["createdDate"]?.DeepClone() ?? Now(ctx);
        var state = p["state"]!.GetValue<string>();
        if (state == "active" && p["startDate"] is null)
        {
            p["startDate"] = ctx.Existing?["startDate"]?.DeepClone() ?? Now(ctx);
        }
    }

    /// <summary>True when another subscription of the service has <paramref name="value"/> as its primary or secondary key.</summary>
    private static async Task<bool> KeyInUseAsync(IResourceWriter store, string self, string value)
    {
        foreach (var property in new[] { "primaryKey", "secondaryKey" })
        {
            if ((await store.FindByValueAsync("subscriptions", property, value)).Any(k => k != self))
            {
                return true;
            }
        }

        return false;
    }

    private static async Task<JsonNode?> RegenerateAsync(EntityActionContext ctx, string which)
    {
        var body = (JsonObject)ctx.Entity.Body.DeepClone();
        var key = NewKey();
        for (var attempt = 0; await KeyInUseAsync(ctx.Store, ctx.Entity.Key, key) || key == body["properties"]?[which == "primaryKey" ? "secondaryKey" : "primaryKey"].Text(); attempt++)
        {
            // 128 random bits never collide in practice; if they did, the key must still be unique.
            key = attempt < 3 ? NewKey() : throw Arm.ArmErrors.SubscriptionKeyInUse(which);
        }

        ((JsonObject)body["properties"]!)[which] = key;
        await ctx.Store.PutAsync(new NewResource(ctx.Entity.Key, ctx.Entity.Id, ctx.Entity.ServiceKey, ctx.Entity.ParentKey, ctx.Entity.Kind, ctx.Entity.Name, body));
        return null;
    }

    private static string Now(EntityWriteContext ctx) =>
        ctx.Time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>PBKDF2 password hashes for API Management users; the plain password is never stored.</summary>
public static class PasswordHash
{
    private const int Iterations = 100_000;

    public static string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA256, 32);
        return $"pbkdf2-sha256${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

}
