namespace OpenApim.Identity.Access;

/// <summary>
/// The built-in roles, with Azure's ids and action lists (trimmed to the providers OpenApim serves).
/// Two deliberate differences in the "API Management Service Operator Role": Azure's also allows
/// <c>service/delete</c>, which an operator here may not do, and it knows no <c>previewRestore</c>, which an
/// operator here may run (see docs/identity.md).
/// </summary>
internal static class BuiltInRoles
{
    private static readonly string[] IdentityWrites = ["OpenApim.Identity/*/write", "OpenApim.Identity/*/delete", "OpenApim.Identity/*/action"];

    public static RoleDefinition Owner { get; } = new("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "Owner",
        "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.", ["*"], []);

    public static RoleDefinition Contributor { get; } = new("b24988ac-6180-42a0-ab88-20f7382dd24c", "Contributor",
        "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC or manage app registrations.",
        ["*"], ["Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write", "Microsoft.Authorization/elevateAccess/Action", .. IdentityWrites]);

    public static RoleDefinition Reader { get; } = new("acdd72a7-3385-48ef-bd42-f606fba81ae7", "Reader",
        "View all resources, but does not allow you to make any changes.", ["*/read"], []);

    public static RoleDefinition UserAccessAdministrator { get; } = new("18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", "User Access Administrator",
        "Lets you manage user access to Azure resources.", ["*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"], []);

    public static RoleDefinition ServiceContributor { get; } = new("312a565d-c81f-4fd8-895a-4e21e48d571c", "API Management Service Contributor",
        "Can manage service and the APIs",
        ["Microsoft.ApiManagement/service/*", "Microsoft.Authorization/*/read", "Microsoft.Resources/deployments/*", "Microsoft.Resources/subscriptions/resourceGroups/read"], []);

    public static RoleDefinition ServiceOperator { get; } = new("e022efe7-f5ba-4159-bbe4-b44f577e9b61", "API Management Service Operator Role",
        "Can manage service but not the APIs",
        [
            "Microsoft.ApiManagement/service/*/read",
            "Microsoft.ApiManagement/service/backup/action",
            "Microsoft.ApiManagement/service/managedeployments/action",
            "Microsoft.ApiManagement/service/read",
            "Microsoft.ApiManagement/service/restore/action",
            // OpenApim's dry run of a restore: DR automation previews before it restores (docs/identity.md).
            "Microsoft.ApiManagement/service/previewRestore/action",
            "Microsoft.ApiManagement/service/updatecertificate/action",
            "Microsoft.ApiManagement/service/updatehostname/action",
            "Microsoft.ApiManagement/service/write",
            "Microsoft.Authorization/*/read",
            "Microsoft.Resources/deployments/*",
            "Microsoft.Resources/subscriptions/resourceGroups/read",
        ],
        ["Microsoft.ApiManagement/service/users/keys/read"]);

    public static RoleDefinition ServiceReader { get; } = new("71522526-b88f-4d52-b57f-d31fc3546d0d", "API Management Service Reader Role",
        "Read-only access to service and APIs",
        ["Microsoft.ApiManagement/service/*/read", "Microsoft.ApiManagement/service/read", "Microsoft.Authorization/*/read", "Microsoft.Resources/deployments/*",
         "Microsoft.Resources/subscriptions/resourceGroups/read"],
        ["Microsoft.ApiManagement/service/users/keys/read"]);

    public static IReadOnlyList<RoleDefinition> All { get; } =
        [Owner, Contributor, Reader, UserAccessAdministrator, ServiceContributor, ServiceOperator, ServiceReader];

    /// <summary>
    /// Finds a role by GUID, by role definition resource id (at any scope) or by role name.
    /// </summary>
    public static RoleDefinition? Find(string reference)
    {
        var id = reference.TrimEnd('/');
        var slash = id.LastIndexOf('/');
        if (slash >= 0)
        {
            if (!id[..slash].EndsWith("/providers/Microsoft.Authorization/roleDefinitions", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            id = id[(slash + 1)..];
        }

        return All.FirstOrDefault(r => string.Equals(r.Id, id, StringComparison.OrdinalIgnoreCase) || string.Equals(r.RoleName, id, StringComparison.OrdinalIgnoreCase));
    }
}
