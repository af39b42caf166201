using System.Net;
using System.Text.Json.Nodes;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Identity;

/// <summary>An app registration as a test uses it.</summary>
public sealed record TestApp(string AppId, string ObjectId, string Secret, string KeyId);

/// <summary>App registrations and role assignments through the management API, as an administrator.</summary>
public static class DirectoryClient
{
    public const string IdentityVersion = "2026-01-01";
    public const string AuthorizationVersion = "2022-04-01";

    public const string Owner = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
    public const string Contributor = "b24988ac-6180-42a0-ab88-20f7382dd24c";
    public const string Reader = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
    public const string ServiceOperator = "e022efe7-f5ba-4159-bbe4-b44f577e9b61";

    public static string AppPath(string appId) => $"/providers/OpenApim.Identity/applications/{appId}";

    public static string AssignmentPath(string scope, string name) => $"{(scope == "/" ? "" : scope)}/providers/Microsoft.Authorization/roleAssignments/{name}";

    /// <summary>Registers an application with one fresh secret.</summary>
    public static async Task<TestApp> CreateAppAsync(this ArmClient admin, string displayName = "test app")
    {
        var appId = Guid.NewGuid().ToString();
        var created = await admin.PutAsync(AppPath(appId), new JsonObject { ["properties"] = new JsonObject { ["displayName"] = displayName } }, apiVersion: IdentityVersion);
        Assert.True(created.Status == HttpStatusCode.Created, created.ToString());
        var password = await admin.PostAsync($"{AppPath(appId)}/addPassword", new JsonObject { ["displayName"] = "test" }, IdentityVersion);
        Assert.True(password.Status == HttpStatusCode.OK, password.ToString());
        return new TestApp(appId, created.Properties["objectId"]!.GetValue<string>(), password.Json["secretText"]!.GetValue<string>(), password.Json["keyId"]!.GetValue<string>());
    }

    /// <summary>Assigns a role and returns the assignment's name.</summary>
    public static async Task<string> AssignAsync(this ArmClient admin, string scope, string roleId, string principalId)
    {
        var name = Guid.NewGuid().ToString();
        var result = await admin.PutAsync(AssignmentPath(scope, name), Assignment(roleId, principalId), apiVersion: AuthorizationVersion);
        Assert.True(result.Status == HttpStatusCode.Created, result.ToString());
        return name;
    }

    public static JsonObject Assignment(string roleId, string principalId) => new()
    {
        ["properties"] = new JsonObject
        {
            ["roleDefinitionId"] = $"/subscriptions/{ArmClient.Subscription}/providers/Microsoft.Authorization/roleDefinitions/{roleId}",
            ["principalId"] = principalId,
            ["principalType"] = "ServicePrincipal",
        },
    };
}
