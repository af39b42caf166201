using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenApim.Http;
using OpenApim.Management.Services;
using OpenApim.Resources.Arm;

namespace OpenApim.Management.Tenancy;

/// <summary>
/// <c>Microsoft.Resources/resourceGroups</c>: list, get, check existence, create or update, patch tags, and delete with
/// everything in it. Deleting is done when the request ends (200), so the ARM long-running protocol has nothing to poll.
/// </summary>
internal sealed class ResourceGroupEndpoints(ResourceGroups groups, ServiceDeletion deletion)
{
    private const int MaxTags = 50;

    public static void Map(RouteGroupBuilder subscription)
    {
        subscription.MapGet("/resourcegroups", (HttpContext c, string subscriptionId, ResourceGroupEndpoints h) => h.ListAsync(c, subscriptionId));
        subscription.MapMethods("/resourcegroups/{resourceGroup}", [HttpMethods.Get], (HttpContext c, string subscriptionId, string resourceGroup, ResourceGroupEndpoints h) =>
            h.GetAsync(c, subscriptionId, resourceGroup));
        subscription.MapMethods("/resourcegroups/{resourceGroup}", [HttpMethods.Head], (HttpContext c, string subscriptionId, string resourceGroup, ResourceGroupEndpoints h) =>
            h.ExistsAsync(c, subscriptionId, resourceGroup));
        subscription.MapPut("/resourcegroups/{resourceGroup}", (HttpContext c, string subscriptionId, string resourceGroup, ResourceGroupEndpoints h) =>
            h.PutAsync(c, subscriptionId, resourceGroup));
        subscription.MapPatch("/resourcegroups/{resourceGroup}", (HttpContext c, string subscriptionId, string resourceGroup, ResourceGroupEndpoints h) =>
            h.PatchAsync(c, subscriptionId, resourceGroup));
        subscription.MapDelete("/resourcegroups/{resourceGroup}", (HttpContext c, string subscriptionId, string resourceGroup, ResourceGroupEndpoints h) =>
            h.DeleteAsync(c, subscriptionId, resourceGroup));
    }

    private async Task ListAsync(HttpContext c, string subscriptionId)
    {
        ServiceRef.ValidateSubscription(subscriptionId);
        var list = await groups.ListAsync(subscriptionId, c.RequestAborted);
        await c.Response.JsonAsync(200, ArmResponse.Page(list.Select(g => (JsonNode)g.ToJson()), null, null));
    }

    private async Task GetAsync(HttpContext c, string subscriptionId, string name)
    {
        var group = await RequireAsync(subscriptionId, name, c.RequestAborted);
        await c.Response.JsonAsync(200, group.ToJson());
    }

    private async Task ExistsAsync(HttpContext c, string subscriptionId, string name)
    {
        Validate(subscriptionId, name);
        await c.Response.StatusAsync(await groups.GetAsync(subscriptionId, name, c.RequestAborted) is null ? 404 : 204);
    }

    private async Task PutAsync(HttpContext c, string subscriptionId, string name)
    {
        Validate(subscriptionId, name);
        var body = await c.Request.ReadJsonObjectAsync(required: true, c.RequestAborted);
        var location = body.Property("location").Text();
        if (string.IsNullOrWhiteSpace(location) || location.Length > 64)
        {
            throw new ArmException(System.Net.HttpStatusCode.BadRequest, "LocationRequired", "The location property is required for this definition.");
        }

        var (group, created) = await groups.PutAsync(subscriptionId, name, location, Tags(body), c.RequestAborted);
        await c.Response.JsonAsync(created ? 201 : 200, group.ToJson());
    }

    private async Task PatchAsync(HttpContext c, string subscriptionId, string name)
    {
        var existing = await RequireAsync(subscriptionId, name, c.RequestAborted);
        var body = await c.Request.ReadJsonObjectAsync(required: true, c.RequestAborted);
        if (body.Property("location").Text() is { } location && !ArmLocation.Same(location, existing.Location))
        {
            throw ArmErrors.Validation("location", $"The location of a resource group cannot change (it is '{existing.Location}').");
        }

        var tags = body.KeyOf("tags") is null ? existing.Tags : Tags(body);
        var (group, _) = await groups.PutAsync(subscriptionId, existing.Name, existing.Location, tags, c.RequestAborted);
        await c.Response.JsonAsync(200, group.ToJson());
    }

    private async Task DeleteAsync(HttpContext c, string subscriptionId, string name)
    {
        var group = await RequireAsync(subscriptionId, name, c.RequestAborted);
        foreach (var service in await groups.ServicesAsync(subscriptionId, group.Name, c.RequestAborted))
        {
            await deletion.DeleteAsync(service.Address.Service, null, c.RequestAborted);
        }

        await groups.ForgetAsync(subscriptionId, group.Name, c.RequestAborted);
        await c.Response.StatusAsync(200);
    }

    private async Task<ResourceGroup> RequireAsync(string subscriptionId, string name, CancellationToken ct)
    {
        Validate(subscriptionId, name);
        return await groups.GetAsync(subscriptionId, name, ct) ?? throw ArmErrors.ResourceGroupNotFound(name);
    }

    private static void Validate(string subscriptionId, string name)
    {
        ServiceRef.ValidateSubscription(subscriptionId);
        ServiceRef.ValidateResourceGroup(name);
    }

    /// <summary>ARM tags: at most 50, names of 1-512 and values of 0-256 characters, all strings.</summary>
    private static JsonObject? Tags(JsonObject body)
    {
        if (body.Property("tags") is not { } node)
        {
            return null;
        }

        if (node is not JsonObject tags || tags.Count > MaxTags)
        {
            throw ArmErrors.Validation("tags", $"'tags' must be an object of at most {MaxTags} string values.");
        }

        foreach (var (key, value) in tags)
        {
            if (key.Length is 0 or > 512 || value.Text() is not { Length: <= 256 } || key.Any(char.IsControl))
            {
                throw ArmErrors.Validation($"tags.{key}", "A tag name has 1-512 characters and its value is a string of at most 256.");
            }
        }

        return (JsonObject)tags.DeepClone();
    }
}
