using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Kinds.Schema;
using OpenApim.Resources.Store;

namespace OpenApim.Resources.Kinds.Families;

/// <summary>Products and their links to APIs, groups and tags, and their policy.</summary>
internal static class ProductKinds
{
    public static IReadOnlyList<ResourceKind> All { get; } =
    [
        new()
        {
            Path = "products",
            Properties =
            [
                P.Str("displayName").Req().Len(1, 300),
                P.Str("description").Max(1000),
                P.Str("terms"),
                P.Bool("subscriptionRequired").Default(true),
                P.Bool("approvalRequired"),
                P.Int("subscriptionsLimit").Range(0, int.MaxValue),
                P.Enum("state", "notPublished", "published").Default("notPublished"),
            ],
            Hooks = new KindHooks { BeforeWrite = WriteProductAsync, BeforeDelete = ctx => Subscriptions.DeleteReferencingAsync(ctx, "scope", "/products/") },
        },
        new() { Path = "products/apis", LinkTarget = "apis", IfMatchRequired = false, Patchable = false },
        new() { Path = "products/groups", LinkTarget = "groups", IfMatchRequired = false, Patchable = false },
        Policies.At("products/policies"),
        Tags.LinkAt("products/tags"),
    ];

    private static async Task WriteProductAsync(EntityWriteContext ctx)
    {
        var p = ctx.Properties;
        if (p["approvalRequired"] is JsonValue approval && approval.GetValue<bool>() && p["subscriptionRequired"]?.GetValue<bool>() == false)
        {
            ctx.Problem("properties.approvalRequired", "'approvalRequired' can be true only when 'subscriptionRequired' is true.");
        }

        if (ctx.IsCreate)
        {
            // As in API Management, a new product is visible to the Administrators group.
            var link = ctx.Address.Key + "/groups/administrators";
            await ctx.Store.PutAsync(new NewResource(link, $"{ctx.Address.Id}/groups/administrators", ctx.Address.Service.Key, ctx.Address.Key,
                "products/groups", "administrators", new JsonObject { ["properties"] = new JsonObject() }));
        }
    }
}

/// <summary>Subscription clean-up shared by the kinds subscriptions refer to.</summary>
internal static class Subscriptions
{
    /// <summary>
    /// Subscriptions whose <paramref name="property"/> points at the deleted entity block the delete
    /// unless the request says <c>deleteSubscriptions=true</c>, in which case they go with it.
    /// </summary>
    public static async Task DeleteReferencingAsync(EntityDeleteContext ctx, string property, string prefix)
    {
        var reference = prefix + ctx.Entity.Name;
        var found = await ctx.Store.ListAsync(new ListQuery("subscriptions", ParentKey: ctx.Address.Service.Key,
            Filter: new CompareFilter(property, "eq", reference), Top: int.MaxValue));
        if (found.Items.Count == 0)
        {
            return;
        }

        var delete = ctx.Query("deleteSubscriptions");
        if (prefix == "/apis/" || string.Equals(delete, "true", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var s in found.Items)
            {
                await ctx.Store.DeleteTreeAsync(s.Key);
            }

            return;
        }

        throw ArmErrors.Conflict(
            $"'{ctx.Address.RelativePath}' has {found.Items.Count} subscription(s); delete them first or pass deleteSubscriptions=true.");
    }
}
