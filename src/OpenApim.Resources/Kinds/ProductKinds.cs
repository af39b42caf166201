using System.Text.Json.Nodes;
using OpenApim.Resources.Kinds.Schema;
using OpenApim.Resources.Model;

namespace OpenApim.Resources.Kinds;

/// <summary>Products and their links to APIs, groups and tags, and their policy.</summary>
internal static class ProductKinds
{
    public static readonly ResourceKind Products = new()
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
        Hooks = new KindHooks { BeforeWrite = WriteProductAsync, BeforeDelete = ctx => Subscriptions.DeleteReferencingAsync(ctx, "scope") },
    };

    public static readonly ResourceKind ProductApis = new() { Path = "products/apis", LinkTarget = ApiKinds.Apis, IfMatchRequired = false, Patchable = false };

    public static readonly ResourceKind ProductGroups = new() { Path = "products/groups", LinkTarget = UserKinds.Groups, IfMatchRequired = false, Patchable = false };

    public static readonly ResourceKind ProductPolicies = Policies.At("products/policies");

    public static IReadOnlyList<ResourceKind> All { get; } = [Products, ProductApis, ProductGroups, ProductPolicies, Tags.LinkAt("products/tags")];

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
            var link = new EntityAddress(ctx.Address.Service, ProductGroups, [ctx.Address.Name, "administrators"]);
            await ctx.Store.PutAsync(ResourceRow.Entity(link, []), null, ctx.Cancellation);
        }
    }
}
