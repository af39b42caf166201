using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenApim.Http;
using OpenApim.Identity.Access;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Hosting;

namespace OpenApim.Management.Tenancy;

/// <summary>
/// Subscriptions and tenants as ARM lists them (what <c>az login</c> and <c>az account</c> read): the configured
/// subscriptions plus any other that holds a resource group or service, each shown only to callers that hold a role at,
/// above or below it.
/// </summary>
internal sealed class SubscriptionEndpoints(Deployment deployment, ResourceGroups groups, IArmAccess access)
{
    public static void MapRoot(RouteGroupBuilder root)
    {
        root.MapGet("/subscriptions", (HttpContext c, SubscriptionEndpoints h) => h.ListAsync(c));
        root.MapGet("/tenants", (HttpContext c, SubscriptionEndpoints h) => c.Response.JsonAsync(200, ArmResponse.Page([h.Tenant()], null, null)));
    }

    public static void Map(RouteGroupBuilder subscription)
    {
        subscription.MapGet("", (HttpContext c, string subscriptionId, SubscriptionEndpoints h) => h.GetAsync(c, subscriptionId));
        subscription.MapGet("/locations", (HttpContext c, string subscriptionId) =>
        {
            ServiceRef.ValidateSubscription(subscriptionId);
            return c.Response.JsonAsync(200, Locations.List(subscriptionId));
        });
    }

    private async Task ListAsync(HttpContext c)
    {
        var visible = new List<JsonNode>();
        foreach (var subscription in await AllAsync(c.RequestAborted))
        {
            if (await access.SeesAsync(c.User, subscription.Id, c.RequestAborted))
            {
                visible.Add(Render(subscription));
            }
        }

        await c.Response.JsonAsync(200, ArmResponse.Page(visible, null, null));
    }

    private async Task GetAsync(HttpContext c, string subscriptionId)
    {
        ServiceRef.ValidateSubscription(subscriptionId);
        var subscription = Find(subscriptionId) ?? new ArmSubscription(subscriptionId.ToLowerInvariant(), subscriptionId.ToLowerInvariant());
        if (!await access.SeesAsync(c.User, subscription.Id, c.RequestAborted))
        {
            throw ArmErrors.SubscriptionNotFound(subscriptionId);
        }

        await c.Response.JsonAsync(200, Render(subscription));
    }

    /// <summary>The configured subscriptions, then the others in use (named after their id), in id order.</summary>
    private async Task<IReadOnlyList<ArmSubscription>> AllAsync(CancellationToken ct)
    {
        var all = deployment.Subscriptions.ToDictionary(s => s.SubscriptionId, StringComparer.OrdinalIgnoreCase);
        foreach (var id in await groups.SubscriptionsInUseAsync(ct))
        {
            all.TryAdd(id, new ArmSubscription(id.ToLowerInvariant(), id.ToLowerInvariant()));
        }

        return [.. all.Values.OrderBy(s => s.SubscriptionId, StringComparer.Ordinal)];
    }

    private ArmSubscription? Find(string subscriptionId) =>
        deployment.Subscriptions.FirstOrDefault(s => s.SubscriptionId.Equals(subscriptionId, StringComparison.OrdinalIgnoreCase));

    private JsonObject Render(ArmSubscription subscription) => new()
    {
        ["id"] = subscription.Id,
        ["authorizationSource"] = "RoleBased",
        ["managedByTenants"] = new JsonArray(),
        ["subscriptionId"] = subscription.SubscriptionId,
        ["tenantId"] = deployment.TenantId,
        ["displayName"] = subscription.DisplayName,
        ["state"] = "Enabled",
        ["subscriptionPolicies"] = new JsonObject { ["locationPlacementId"] = "Public_2014-09-01", ["quotaId"] = "OpenApim", ["spendingLimit"] = "Off" },
    };

    private JsonObject Tenant() => new()
    {
        ["id"] = $"/tenants/{deployment.TenantId}",
        ["tenantId"] = deployment.TenantId,
        ["tenantCategory"] = "Home",
        ["displayName"] = "OpenApim",
        ["defaultDomain"] = "openapim.local",
        ["domains"] = new JsonArray("openapim.local"),
        ["tenantType"] = "AAD",
    };
}
