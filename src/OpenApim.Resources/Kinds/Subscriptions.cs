using OpenApim.Resources.Arm;
using OpenApim.Resources.Model;
using OpenApim.Resources.Queries;

namespace OpenApim.Resources.Kinds;

/// <summary>Subscription clean-up shared by the kinds subscriptions refer to.</summary>
internal static class Subscriptions
{
    /// <summary>
    /// Subscriptions whose <paramref name="property"/> points at the deleted entity block
    /// the delete unless the request says <c>deleteSubscriptions=true</c>, in which case they go with it. Subscriptions
    /// to a deleted API always go with it, as in API Management.
    /// </summary>
    public static async Task DeleteReferencingAsync(EntityDeleteContext ctx, string property)
    {
        var kind = ctx.Address.Kind;
        var reference = $"/{kind.Path}/{ctx.Entity.Name}";
        var query = ListQuery.InService(SubscriptionKinds.Subscriptions, ctx.Address.Service) with { Filter = new CompareFilter(property, "eq", reference), Top = int.MaxValue };
        var found = await ctx.Store.ListAsync(query, ctx.Cancellation);
        if (found.Items.Count == 0)
        {
            return;
        }

        if (kind == ApiKinds.Apis || string.Equals(ctx.Query("deleteSubscriptions"), "true", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var s in found.Items)
            {
                await ctx.Store.DeleteTreeAsync(s.Address, ctx.Cancellation);
            }

            return;
        }

        throw ArmErrors.Conflict(
            $"'{ctx.Address.RelativeId}' has {found.Items.Count} subscription(s); delete them first or pass deleteSubscriptions=true.");
    }
}
