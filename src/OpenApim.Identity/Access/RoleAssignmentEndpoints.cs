using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenApim.Http;
using OpenApim.Resources.Arm;

namespace OpenApim.Identity.Access;

/// <summary>
/// Microsoft.Authorization as ARM serves it: role assignments created, listed and deleted at any
/// scope, and the built-in role definitions.
/// </summary>
internal static partial class RoleAssignmentEndpoints
{
    public static void Map(IEndpointRouteBuilder root)
    {
        var group = root.MapGroup("/providers/Microsoft.Authorization").AddEndpointFilter(ArmRequestFilter.Authorization)
            .AddEndpointFilter(new GuidRouteValues("name", "role assignment name"));
        group.MapGet("/roleAssignments", ListAsync);
        group.MapGet("/roleAssignments/{name}", GetAsync);
        group.MapPut("/roleAssignments/{name}", PutAsync);
        group.MapDelete("/roleAssignments/{name}", DeleteAsync);
        // What the caller may do at the scope (ARM's Permissions - List For Resource): the permissions of every role it holds there or above.
        group.MapGet("/permissions", async (HttpContext c, RoleAssignments assignments) =>
        {
            var scope = c.Scope();
            var held = (await assignments.ForPrincipalsAsync(Caller.PrincipalIds(c.User), c.RequestAborted))
                .Where(a => ArmScope.Covers(a.Scope, scope))
                .Select(a => BuiltInRoles.Find(a.RoleDefinitionId))
                .OfType<RoleDefinition>()
                .DistinctBy(r => r.Id);
            await c.Response.JsonAsync(200, ArmResponse.Page(held.Select(r => (JsonNode)new JsonObject
            {
                ["actions"] = new JsonArray([.. r.Actions.Select(a => (JsonNode)a)]),
                ["notActions"] = new JsonArray([.. r.NotActions.Select(a => (JsonNode)a)]),
                ["dataActions"] = new JsonArray(),
                ["notDataActions"] = new JsonArray(),
            }), null, null));
        });
        group.MapGet("/roleDefinitions", (HttpContext c) =>
            c.Response.JsonAsync(200, ArmResponse.Page(BuiltInRoles.All.Where(r => MatchesRoleFilter(c, r)).Select(r => (JsonNode)r.ToResource(c.Scope())), null, null)));
        group.MapGet("/roleDefinitions/{id}", (HttpContext c, string id) =>
        {
            var role = Guid.TryParse(id, out _) ? BuiltInRoles.Find(id) : null;
            return c.Response.JsonAsync(200, (role ?? throw ArmErrors.RoleDefinitionNotFound(id)).ToResource(c.Scope()));
        });
    }

    private static async Task ListAsync(HttpContext c, RoleAssignments assignments)
    {
        var scope = c.Scope();
        var filter = c.Request.Query("$filter") ?? "";
        var principal = PrincipalFilter().Match(filter) is { Success: true } m ? m.Groups["id"].Value : null;
        var atScope = filter.Contains("atScope()", StringComparison.OrdinalIgnoreCase);
        var all = principal is null ? await assignments.ListAsync(c.RequestAborted) : await assignments.ForPrincipalsAsync([principal], c.RequestAborted);
        var visible = all.Where(a => ArmScope.Covers(a.Scope, scope) || (!atScope && ArmScope.Covers(scope, a.Scope)));
        await c.Response.JsonAsync(200, ArmResponse.Page(visible.Select(a => (JsonNode)a.ToResource()), null, null));
    }

    private static async Task GetAsync(HttpContext c, string name, RoleAssignments assignments)
    {
        var found = await assignments.FindAsync(name, c.RequestAborted);
        if (found is null || !string.Equals(found.Scope, c.Scope(), StringComparison.OrdinalIgnoreCase))
        {
            throw ArmErrors.RoleAssignmentNotFound(name);
        }

        await c.Response.JsonAsync(200, found.ToResource());
    }

    private static async Task PutAsync(HttpContext c, string name, RoleAssignments assignments)
    {
        var body = await c.Request.ReadJsonObjectAsync(required: true, c.RequestAborted);
        var properties = body["properties"] as JsonObject ?? throw ArmErrors.Validation("properties", "'properties' with 'roleDefinitionId' and 'principalId' is required.");
        var roleId = Text(properties, "roleDefinitionId") ?? throw ArmErrors.Validation("properties.roleDefinitionId", "'roleDefinitionId' is required.");
        var principalId = Text(properties, "principalId") ?? throw ArmErrors.Validation("properties.principalId", "'principalId' is required.");
        var role = BuiltInRoles.Find(roleId) ?? throw ArmErrors.RoleDefinitionDoesNotExist(roleId);
        var created = await assignments.CreateAsync(name, c.Scope(), role, principalId, Text(properties, "principalType"), Text(properties, "description"),
            Caller.ObjectId(c.User), c.RequestAborted);
        await c.Response.JsonAsync(201, created.ToResource());
    }

    private static async Task DeleteAsync(HttpContext c, string name, RoleAssignments assignments)
    {
        var found = await assignments.FindAsync(name, c.RequestAborted);
        if (found is null || !string.Equals(found.Scope, c.Scope(), StringComparison.OrdinalIgnoreCase))
        {
            await c.Response.StatusAsync(204);
            return;
        }

        await assignments.DeleteAsync(name, c.RequestAborted);
        await c.Response.JsonAsync(200, found.ToResource());
    }

    private static bool MatchesRoleFilter(HttpContext c, RoleDefinition role) =>
        RoleNameFilter().Match(c.Request.Query("$filter") ?? "") is not { Success: true } m
        || string.Equals(m.Groups["name"].Value, role.RoleName, StringComparison.OrdinalIgnoreCase);

    private static string? Text(JsonObject o, string name) =>
        o[name] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;

    [GeneratedRegex(@"(?:principalId\s+eq\s+|assignedTo\()\s*'(?<id>[^']+)'", RegexOptions.IgnoreCase)]
    private static partial Regex PrincipalFilter();

    [GeneratedRegex(@"roleName\s+eq\s+'(?<name>[^']+)'", RegexOptions.IgnoreCase)]
    private static partial Regex RoleNameFilter();
}
