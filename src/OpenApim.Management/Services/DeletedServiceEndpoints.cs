using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenApim.Http;
using OpenApim.Resources.Arm;

namespace OpenApim.Management.Services;

/// <summary><c>Microsoft.ApiManagement/deletedservices</c>: list a subscription's soft-deleted services, get one, purge one.</summary>
internal sealed class DeletedServiceEndpoints(DeletedServices deleted)
{
    public static void Map(RouteGroupBuilder subscription)
    {
        subscription.MapGet("/providers/Microsoft.ApiManagement/deletedservices", (HttpContext c, string subscriptionId, DeletedServiceEndpoints h) => h.ListAsync(c, subscriptionId));
        subscription.MapGet("/providers/Microsoft.ApiManagement/locations/{location}/deletedservices/{serviceName}",
            (HttpContext c, string subscriptionId, string location, string serviceName, DeletedServiceEndpoints h) => h.GetAsync(c, subscriptionId, location, serviceName));
        subscription.MapDelete("/providers/Microsoft.ApiManagement/locations/{location}/deletedservices/{serviceName}",
            (HttpContext c, string subscriptionId, string location, string serviceName, DeletedServiceEndpoints h) => h.PurgeAsync(c, subscriptionId, location, serviceName));
    }

    private async Task ListAsync(HttpContext c, string subscriptionId)
    {
        ServiceRef.ValidateSubscription(subscriptionId);
        var all = await deleted.ListAsync(c.RequestAborted);
        var items = all.Where(d => d.Service.SubscriptionId.Equals(subscriptionId, StringComparison.OrdinalIgnoreCase)).Select(d => (JsonNode)deleted.Render(d));
        await c.Response.JsonAsync(200, ArmResponse.Page(items, null, null));
    }

    private async Task GetAsync(HttpContext c, string subscriptionId, string location, string name)
    {
        var found = await RequireAsync(subscriptionId, location, name, c.RequestAborted);
        await c.Response.JsonAsync(200, deleted.Render(found));
    }

    private async Task PurgeAsync(HttpContext c, string subscriptionId, string location, string name)
    {
        var found = await RequireAsync(subscriptionId, location, name, c.RequestAborted);
        await deleted.PurgeAsync(location, found.Service.Name, c.RequestAborted);
        await c.Response.JsonAsync(200, deleted.Render(found));
    }

    private async Task<Resources.Store.DeletedService> RequireAsync(string subscriptionId, string location, string name, CancellationToken ct)
    {
        ServiceRef.ValidateSubscription(subscriptionId);
        var found = await deleted.RequireAsync(location, name, ct);
        return found.Service.SubscriptionId.Equals(subscriptionId, StringComparison.OrdinalIgnoreCase)
            ? found
            : throw new ArmException(System.Net.HttpStatusCode.NotFound, "ResourceNotFound", $"The deleted service '{name}' in location '{location}' was not found.");
    }
}
