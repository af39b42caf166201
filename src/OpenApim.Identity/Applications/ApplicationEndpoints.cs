using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenApim.Http;
using OpenApim.Identity.Tokens;
using OpenApim.Resources.Arm;

namespace OpenApim.Identity.Applications;

/// <summary>
/// OpenApim's identity extension (<c>/providers/OpenApim.Identity</c>, see docs/identity.md): app
/// registrations and their client secrets, and the issuer's signing keys. Shapes follow Microsoft
/// Graph's application resource where one exists (<c>addPassword</c>, <c>removePassword</c>).
/// </summary>
internal static class ApplicationEndpoints
{
    public static void Map(IEndpointRouteBuilder root)
    {
        var group = root.MapGroup("/providers/OpenApim.Identity").AddEndpointFilter(ArmRequestFilter.Identity)
            .AddEndpointFilter(new GuidRouteValues("appId", "application id"));
        group.MapGet("/applications", async (HttpContext c, ApplicationDirectory apps) =>
            await c.Response.JsonAsync(200, ArmResponse.Page((await apps.ListAsync(c.RequestAborted)).Select(a => (JsonNode)a.ToResource()), null, null)));
        group.MapGet("/applications/{appId}", async (HttpContext c, string appId, ApplicationDirectory apps) =>
            await c.Response.JsonAsync(200, (await apps.GetAsync(appId, c.RequestAborted)).ToResource()));
        group.MapPut("/applications/{appId}", PutAsync);
        group.MapDelete("/applications/{appId}", async (HttpContext c, string appId, ApplicationDirectory apps) =>
            await c.Response.StatusAsync(await apps.DeleteAsync(appId, c.RequestAborted) ? 200 : 204));
        group.MapPost("/applications/{appId}/addPassword", AddPasswordAsync);
        group.MapPost("/applications/{appId}/removePassword", RemovePasswordAsync);

        group.MapGet("/signingKeys", (HttpContext c, SigningKeys keys) => c.Response.JsonAsync(200, Keys(keys)));
        group.MapPost("/signingKeys/rotate", (HttpContext c, SigningKeys keys) =>
        {
            keys.Rotate();
            return c.Response.JsonAsync(200, Keys(keys));
        });
        group.MapDelete("/signingKeys/{kid}", (HttpContext c, string kid, SigningKeys keys) =>
            keys.Retire(kid) ? c.Response.JsonAsync(200, Keys(keys)) : throw ArmErrors.SigningKeyNotRetirable(kid));
    }

    private static async Task PutAsync(HttpContext c, string appId, ApplicationDirectory apps)
    {
        var body = await c.Request.ReadJsonObjectAsync(required: true, c.RequestAborted);
        var displayName = (body["properties"] as JsonObject)?["displayName"] is JsonValue v && v.TryGetValue<string>(out var s) ? s.Trim() : "";
        if (displayName.Length is 0 or > 120)
        {
            throw ArmErrors.Validation("properties.displayName", "'properties.displayName' is required (1 to 120 characters).");
        }

        var (app, created) = await apps.PutAsync(appId, displayName, c.RequestAborted);
        await c.Response.JsonAsync(created ? 201 : 200, app.ToResource());
    }

    private static async Task AddPasswordAsync(HttpContext c, string appId, ApplicationDirectory apps)
    {
        var body = await c.Request.ReadJsonObjectAsync(required: false, c.RequestAborted);
        // Graph wraps the request in "passwordCredential"; accept it bare as well.
        var request = body["passwordCredential"] as JsonObject ?? body;
        var displayName = request["displayName"] is JsonValue d && d.TryGetValue<string>(out var name) ? name : null;
        DateTimeOffset? end = null;
        if (request["endDateTime"] is JsonValue e)
        {
            end = e.TryGetValue<string>(out var text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                ? parsed
                : throw ArmErrors.Validation("endDateTime", "'endDateTime' must be an ISO 8601 date and time.");
        }

        var (credential, secret) = await apps.AddPasswordAsync(appId, displayName, end, c.RequestAborted);
        c.Response.Headers.CacheControl = "no-store";
        await c.Response.JsonAsync(200, credential.ToJson(secret));
    }

    private static async Task RemovePasswordAsync(HttpContext c, string appId, ApplicationDirectory apps)
    {
        var body = await c.Request.ReadJsonObjectAsync(required: true, c.RequestAborted);
        var keyId = body["keyId"] is JsonValue k && k.TryGetValue<string>(out var id) ? id : throw ArmErrors.Validation("keyId", "'keyId' is required.");
        await apps.RemovePasswordAsync(appId, keyId, c.RequestAborted);
        await c.Response.StatusAsync(204);
    }

    private static JsonObject Keys(SigningKeys keys) => new()
    {
        ["value"] = new JsonArray([.. keys.All.Select((k, i) => (JsonNode)new JsonObject { ["kid"] = k.KeyId, ["current"] = i == 0 })]),
    };
}
