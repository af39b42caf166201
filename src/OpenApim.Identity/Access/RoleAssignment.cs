using System.Text.Json;
using System.Text.Json.Nodes;
using OpenApim.Resources.Store;

namespace OpenApim.Identity.Access;

/// <summary>A role granted to a principal (an object id) over a scope and everything below it.</summary>
internal sealed record RoleAssignment(
    string Name,
    string Scope,
    string RoleDefinitionId,
    string PrincipalId,
    string PrincipalType,
    string? Description,
    DateTimeOffset CreatedOn,
    string? CreatedBy)
{
    public const string Kind = "roleAssignment";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ResourceId => $"{(Scope == "/" ? "" : Scope)}/providers/Microsoft.Authorization/roleAssignments/{Name}";

    public DirectoryEntry ToEntry() =>
        new(Kind, Name.ToLowerInvariant(), PrincipalId.ToLowerInvariant(), JsonSerializer.SerializeToNode(this, Json)!.AsObject());

    public static RoleAssignment FromEntry(DirectoryEntry entry) => entry.Body.Deserialize<RoleAssignment>(Json)!;

    public JsonObject ToResource() => new()
    {
        ["id"] = ResourceId,
        ["type"] = "Microsoft.Authorization/roleAssignments",
        ["name"] = Name,
        ["properties"] = new JsonObject
        {
            ["roleDefinitionId"] = $"{(Scope.StartsWith("/subscriptions/", StringComparison.OrdinalIgnoreCase) ? SubscriptionOf(Scope) : "")}/providers/Microsoft.Authorization/roleDefinitions/{RoleDefinitionId}",
            ["principalId"] = PrincipalId,
            ["principalType"] = PrincipalType,
            ["scope"] = Scope,
            ["description"] = Description,
            ["condition"] = null,
            ["conditionVersion"] = null,
            ["createdOn"] = CreatedOn,
            ["updatedOn"] = CreatedOn,
            ["createdBy"] = CreatedBy,
            ["updatedBy"] = CreatedBy,
            ["delegatedManagedIdentityResourceId"] = null,
        },
    };

    private static string SubscriptionOf(string scope) => string.Join('/', scope.Split('/').Take(3));
}
