using OpenApim.Identity.Access;

namespace OpenApim.Tests.Identity;

/// <summary>The action and scope ARM would authorise for a request.</summary>
public sealed class ArmActionTests
{
    private const string Rg = "/subscriptions/s1/resourceGroups/rg1";
    private const string Svc = Rg + "/providers/Microsoft.ApiManagement/service/a1";

    [Theory]
    [InlineData("GET", "/subscriptions/s1", "Microsoft.Resources/subscriptions/read", "/subscriptions/s1")]
    [InlineData("PUT", Rg, "Microsoft.Resources/subscriptions/resourceGroups/write", Rg)]
    [InlineData("GET", "/subscriptions/s1/providers/Microsoft.ApiManagement", "Microsoft.Resources/subscriptions/providers/read", "/subscriptions/s1")]
    [InlineData("GET", "/subscriptions/s1/providers/Microsoft.ApiManagement/service", "Microsoft.ApiManagement/service/read", "/subscriptions/s1")]
    [InlineData("POST", "/subscriptions/s1/providers/Microsoft.ApiManagement/checkNameAvailability", "Microsoft.ApiManagement/checkNameAvailability/action", "/subscriptions/s1")]
    [InlineData("GET", Rg + "/providers/Microsoft.ApiManagement/service", "Microsoft.ApiManagement/service/read", Rg)]
    [InlineData("HEAD", Svc, "Microsoft.ApiManagement/service/read", Svc)]
    [InlineData("PATCH", Svc, "Microsoft.ApiManagement/service/write", Svc)]
    [InlineData("DELETE", Svc, "Microsoft.ApiManagement/service/delete", Svc)]
    [InlineData("POST", Svc + "/backup", "Microsoft.ApiManagement/service/backup/action", Svc)]
    [InlineData("GET", Svc + "/operationresults/op1", "Microsoft.ApiManagement/service/operationresults/read", Svc + "/operationresults/op1")]
    [InlineData("GET", Svc + "/apis", "Microsoft.ApiManagement/service/apis/read", Svc)]
    [InlineData("PUT", Svc + "/apis/providers/operations/o1", "Microsoft.ApiManagement/service/apis/operations/write", Svc + "/apis/providers/operations/o1")]
    [InlineData("PUT", Svc + "/apis/e/operations/o/policies/policy", "Microsoft.ApiManagement/service/apis/operations/policies/write", Svc + "/apis/e/operations/o/policies/policy")]
    [InlineData("POST", Svc + "/subscriptions/x/listSecrets", "Microsoft.ApiManagement/service/subscriptions/listSecrets/action", Svc + "/subscriptions/x")]
    [InlineData("GET", Svc + "/reports/byApi", "Microsoft.ApiManagement/service/reports/read", Svc + "/reports/byApi")]
    [InlineData("GET", "/providers/Microsoft.ApiManagement/operations", "Microsoft.ApiManagement/operations/read", "/")]
    [InlineData("PUT", Svc + "/providers/Microsoft.Authorization/roleAssignments/r1", "Microsoft.Authorization/roleAssignments/write", Svc + "/providers/Microsoft.Authorization/roleAssignments/r1")]
    [InlineData("GET", Rg + "/providers/Microsoft.Authorization/roleAssignments", "Microsoft.Authorization/roleAssignments/read", Rg)]
    [InlineData("POST", "/providers/OpenApim.Identity/applications/a/addPassword", "OpenApim.Identity/applications/addPassword/action", "/providers/OpenApim.Identity/applications/a")]
    public void Derives_action_and_scope(string method, string path, string action, string scope)
    {
        var derived = ArmAction.From(method, path);
        Assert.Equal(action, derived.Action);
        Assert.Equal(scope, derived.Scope);
    }

    [Theory]
    [InlineData("/", Svc, true)]
    [InlineData("/subscriptions/s1", Svc, true)]
    [InlineData(Rg, Svc, true)]
    [InlineData(Svc, Svc + "/apis/e", true)]
    [InlineData(Rg + "1", Rg + "10/providers/x", false)]
    [InlineData(Svc + "/apis/e", Svc, false)]
    public void Scopes_cover_whole_segments_below_them(string assignment, string scope, bool covers) =>
        Assert.Equal(covers, ArmScope.Covers(assignment, scope));

    [Theory]
    [InlineData("", "/")]
    [InlineData("/", "/")]
    [InlineData("//subscriptions/00000000-0000-4000-8000-0000000000aa/", "/subscriptions/00000000-0000-4000-8000-0000000000aa")]
    [InlineData("/subscriptions/00000000-0000-4000-8000-0000000000aa/resourceGroups/rg/providers/Microsoft.ApiManagement/service/s/apis/a",
        "/subscriptions/00000000-0000-4000-8000-0000000000aa/resourceGroups/rg/providers/Microsoft.ApiManagement/service/s/apis/a")]
    [InlineData("/subscriptions/00000000-0000-4000-8000-0000000000aa/resourceGroups", null)]
    [InlineData("/subscriptions/00000000-0000-4000-8000-0000000000aa/resourceGroups/rg/providers/Microsoft.ApiManagement", null)]
    [InlineData("/subscriptions/not-a-guid", null)]
    [InlineData("/tenants/x", null)]
    public void Scopes_are_resource_ids_of_type_name_pairs(string scope, string? canonical) =>
        Assert.Equal(canonical, ArmScope.Parse(scope));

    [Theory]
    [InlineData("e022efe7-f5ba-4159-bbe4-b44f577e9b61", "Microsoft.ApiManagement/service/backup/action", true)]
    [InlineData("e022efe7-f5ba-4159-bbe4-b44f577e9b61", "Microsoft.ApiManagement/service/restore/action", true)]
    [InlineData("e022efe7-f5ba-4159-bbe4-b44f577e9b61", "Microsoft.ApiManagement/service/apis/read", true)]
    [InlineData("e022efe7-f5ba-4159-bbe4-b44f577e9b61", "Microsoft.ApiManagement/service/delete", false)]
    [InlineData("e022efe7-f5ba-4159-bbe4-b44f577e9b61", "Microsoft.ApiManagement/service/apis/write", false)]
    [InlineData("e022efe7-f5ba-4159-bbe4-b44f577e9b61", "Microsoft.ApiManagement/service/users/keys/read", false)]
    [InlineData("acdd72a7-3385-48ef-bd42-f606fba81ae7", "Microsoft.ApiManagement/service/read", true)]
    [InlineData("acdd72a7-3385-48ef-bd42-f606fba81ae7", "Microsoft.ApiManagement/service/subscriptions/listSecrets/action", false)]
    [InlineData("b24988ac-6180-42a0-ab88-20f7382dd24c", "Microsoft.ApiManagement/service/delete", true)]
    [InlineData("b24988ac-6180-42a0-ab88-20f7382dd24c", "Microsoft.Authorization/roleAssignments/write", false)]
    [InlineData("b24988ac-6180-42a0-ab88-20f7382dd24c", "OpenApim.Identity/applications/addPassword/action", false)]
    [InlineData("312a565d-c81f-4fd8-895a-4e21e48d571c", "Microsoft.ApiManagement/service/apis/write", true)]
    [InlineData("312a565d-c81f-4fd8-895a-4e21e48d571c", "Microsoft.Resources/subscriptions/resourceGroups/write", false)]
    [InlineData("71522526-b88f-4d52-b57f-d31fc3546d0d", "Microsoft.ApiManagement/service/backup/action", false)]
    [InlineData("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "Microsoft.Authorization/roleAssignments/write", true)]
    public void Built_in_roles_allow_their_actions(string roleId, string action, bool allowed) =>
        Assert.Equal(allowed, BuiltInRoles.Find(roleId)!.Allows(action));
}
