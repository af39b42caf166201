using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenApim.Http;
using OpenApim.Resources.Arm;

namespace OpenApim.Identity.Users;

/// <summary>
/// Local user accounts in OpenApim's identity extension (<c>/providers/OpenApim.Identity/users/{userName}</c>,
/// see docs/identity.md). A PUT sets the display name and, when given, the password (write-only: never returned).
/// </summary>
internal static class UserEndpoints
{
    public static void Map(IEndpointRouteBuilder root)
    {
        var group = root.MapGroup("/providers/OpenApim.Identity/users").AddEndpointFilter(ArmRequestFilter.Identity);
        group.MapGet("", async (HttpContext c, UserDirectory users) =>
            await c.Response.JsonAsync(200, ArmResponse.Page((await users.ListAsync(c.RequestAborted)).Select(u => (JsonNode)u.ToResource()), null, null)));
        group.MapGet("/{userName}", async (HttpContext c, string userName, UserDirectory users) =>
            await c.Response.JsonAsync(200, (await users.GetAsync(userName, c.RequestAborted)).ToResource()));
        group.MapPut("/{userName}", PutAsync);
        group.MapDelete("/{userName}", async (HttpContext c, string userName, UserDirectory users) =>
            await c.Response.StatusAsync(await users.DeleteAsync(userName, c.RequestAborted) ? 200 : 204));
    }

    private static async Task PutAsync(HttpContext c, string userName, UserDirectory users)
    {
        UserName.Require(userName);
        var body = await c.Request.ReadJsonObjectAsync(required: true, c.RequestAborted);
        var properties = body["properties"] as JsonObject;
        var displayName = properties?["displayName"] is JsonValue v && v.TryGetValue<string>(out var s) ? s.Trim() : userName;
        if (displayName.Length is 0 or > 120)
        {
            throw ArmErrors.Validation("properties.displayName", "'properties.displayName' must be 1 to 120 characters.");
        }

        string? password = null;
        if (properties?["password"] is { } p)
        {
            password = p is JsonValue pv && pv.TryGetValue<string>(out var text) ? text : throw ArmErrors.Validation("properties.password", "'properties.password' must be a string.");
        }

        var (user, created) = await users.PutAsync(userName, displayName, password, c.RequestAborted);
        c.Response.Headers.CacheControl = "no-store";
        await c.Response.JsonAsync(created ? 201 : 200, user.ToResource());
    }
}
