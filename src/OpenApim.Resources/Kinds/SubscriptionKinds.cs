using System.Security.Cryptography;
using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Kinds.Schema;
using OpenApim.Resources.Model;

namespace OpenApim.Resources.Kinds;

/// <summary>Subscriptions and their keys, unique per service.</summary>
internal static class SubscriptionKinds
{
    private static readonly string[] KeyProperties = ["primaryKey", "secondaryKey"];

    public static readonly ResourceKind Subscriptions = new()
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
        Hooks = new KindHooks { BeforeWrite = WriteAsync },
        Actions = KindActions.Of(
            new KindAction("listSecrets", ctx => Task.FromResult<JsonNode?>(new JsonObject
            {
                ["primaryKey"] = ctx.Entity.Properties["primaryKey"]?.DeepClone(),
                ["secondaryKey"] = ctx.Entity.Properties["secondaryKey"]?.DeepClone(),
            })),
            new KindAction("regeneratePrimaryKey", ctx => RegenerateAsync(ctx, "primaryKey")),
            new KindAction("regenerateSecondaryKey", ctx => RegenerateAsync(ctx, "secondaryKey"))),
    };

    /// <summary>A new subscription key: 32 hex characters, as API Management generates them.</summary>
    public static string NewKey() => RandomNumberGenerator.GetHexString(32, lowercase: true);

    private static async Task WriteAsync(EntityWriteContext ctx)
    {
        var p = ctx.Properties;
        if (ctx.IsCreate && p["displayName"] is null)
        {
            ctx.Problem("properties.displayName", "'displayName' is required.");
        }

        foreach (var key in KeyProperties)
        {
            p[key] ??= ctx.Existing?[key]?.DeepClone() ?? NewKey();
        }

        if (p["primaryKey"]!.GetValue<string>() == p["secondaryKey"]!.GetValue<string>())
        {
            ctx.Problem("properties.secondaryKey", "The primary and secondary keys must differ.");
        }

        foreach (var key in KeyProperties)
        {
            var value = p[key]!.GetValue<string>();
            if (value != ctx.Existing?[key]?.GetValue<string>() && await KeyInUseAsync(ctx.Store, ctx.Address, value, ctx.Cancellation))
            {
                throw ArmErrors.SubscriptionKeyInUse(key);
            }
        }

        p["createdDate"] = ctx.Existing?["createdDate"]?.DeepClone() ?? Clock.Now(ctx.Time);
        if (p["state"]!.GetValue<string>() == "active" && p["startDate"] is null)
        {
            p["startDate"] = ctx.Existing?["startDate"]?.DeepClone() ?? Clock.Now(ctx.Time);
        }
    }

    /// <summary>True when another subscription of the service has <paramref name="value"/> as its primary or secondary key.</summary>
    private static async Task<bool> KeyInUseAsync(IResourceWriter store, EntityAddress self, string value, CancellationToken ct)
    {
        foreach (var property in KeyProperties)
        {
            if ((await store.FindByValueAsync(Subscriptions, property, value, ct)).Any(a => a != self))
            {
                return true;
            }
        }

        return false;
    }

    private static async Task<JsonNode?> RegenerateAsync(EntityActionContext ctx, string which)
    {
        var properties = (JsonObject)ctx.Entity.Properties.DeepClone();
        var other = properties[which == "primaryKey" ? "secondaryKey" : "primaryKey"].Text();
        var key = NewKey();
        for (var attempt = 0; await KeyInUseAsync(ctx.Store, ctx.Entity.Address, key, ctx.Cancellation) || key == other; attempt++)
        {
            // 128 random bits never collide in practice; if they did, the key must still be unique.
            key = attempt < 3 ? NewKey() : throw ArmErrors.SubscriptionKeyInUse(which);
        }

        properties[which] = key;
        await ctx.Store.PutAsync(ResourceRow.Entity(ctx.Entity.Address, properties), null, ctx.Cancellation);
        return null;
    }
}
