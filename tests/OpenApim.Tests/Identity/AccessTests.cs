using System.Net;
using System.Text.Json.Nodes;
using OpenApim.Tests.Infrastructure;
using static OpenApim.Tests.Identity.DirectoryClient;

namespace OpenApim.Tests.Identity;

/// <summary>Every ARM request is authorised against the action it performs, from role assignments at ARM scopes.</summary>
public abstract class AccessTests(ServerFixture fixture)
{
    private const string DevKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private OpenApimInstance Server => fixture.Server;

    private ArmClient Admin => fixture.Arm;

    private static string SubscriptionScope => $"/subscriptions/{ArmClient.Subscription}";

    [Fact]
    public async Task An_application_without_a_role_is_authenticated_but_denied_everything()
    {
        var app = await Admin.CreateAppAsync();
        using var client = await Server.CreateArmClientAsync(app.AppId, app.Secret);
        var result = await client.GetAsync($"{SubscriptionScope}/providers/Microsoft.ApiManagement/service");
        Assert.Equal(HttpStatusCode.Forbidden, result.Status);
        Assert.Equal("AuthorizationFailed", result.ErrorCode);
        Assert.Contains($"'{app.AppId}'", result.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains(app.ObjectId, result.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("'Microsoft.ApiManagement/service/read'", result.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains($"'{SubscriptionScope}'", result.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reader_can_read_but_not_write()
    {
        var service = await Admin.CreateServiceAsync(resourceGroup: "rg-reader");
        var app = await Admin.CreateAppAsync();
        await Admin.AssignAsync(SubscriptionScope, Reader, app.ObjectId);
        using var reader = await Server.CreateArmClientAsync(app.AppId, app.Secret);

        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync(service)).Status);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync($"{service}/apis")).Status);

        var write = await reader.PutAsync($"{service}/apis/echo", new JsonObject { ["properties"] = new JsonObject { ["displayName"] = "Echo", ["path"] = "echo" } });
        Assert.Equal(HttpStatusCode.Forbidden, write.Status);
        Assert.Contains("'Microsoft.ApiManagement/service/apis/write'", write.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains($"'{service}/apis/echo'", write.ErrorMessage, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Forbidden, (await reader.DeleteAsync(service)).Status);
        var secrets = await reader.PostAsync($"{service}/subscriptions/master/listSecrets");
        Assert.Equal(HttpStatusCode.Forbidden, secrets.Status);
        Assert.Contains("'Microsoft.ApiManagement/service/subscriptions/listSecrets/action'", secrets.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await Admin.GetAsync(service)).Status);
    }

    [Fact]
    public async Task A_service_operator_can_back_up_and_restore_but_not_delete_the_service_or_change_its_apis()
    {
        var source = await Admin.CreateServiceAsync(resourceGroup: "rg-operator");
        var standby = await Admin.CreateServiceAsync(resourceGroup: "rg-operator");
        var app = await Admin.CreateAppAsync();
        await Admin.AssignAsync(source, ServiceOperator, app.ObjectId);
        await Admin.AssignAsync(standby, ServiceOperator, app.ObjectId);
        using var op = await Server.CreateArmClientAsync(app.AppId, app.Secret);
        var storage = new JsonObject
        {
            ["storageAccount"] = "devstoreaccount1",
            ["accessKey"] = DevKey,
            ["containerName"] = "backups",
            ["backupName"] = $"{Names.Unique("op")}.apimbackup",
        };

        var (accepted, backup) = await op.RunAsync($"{source}/backup", storage);
        Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
        Assert.True(backup.Status == HttpStatusCode.OK, backup.ToString());
        var (_, restore) = await op.RunAsync($"{standby}/restore", storage);
        Assert.True(restore.Status == HttpStatusCode.OK, restore.ToString());

        var delete = await op.DeleteAsync(standby);
        Assert.Equal(HttpStatusCode.Forbidden, delete.Status);
        Assert.Contains("'Microsoft.ApiManagement/service/delete'", delete.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await op.PutAsync($"{source}/apis/echo",
            new JsonObject { ["properties"] = new JsonObject { ["displayName"] = "Echo", ["path"] = "echo" } })).Status);

        // The grant is on those two services only.
        var other = await Admin.CreateServiceAsync(resourceGroup: "rg-operator");
        Assert.Equal(HttpStatusCode.Forbidden, (await op.PostAsync($"{other}/backup", storage)).Status);
    }

    [Fact]
    public async Task A_contributor_scoped_to_one_resource_group_is_denied_in_another()
    {
        var app = await Admin.CreateAppAsync();
        await Admin.AssignAsync($"{SubscriptionScope}/resourceGroups/rg-team-a", Contributor, app.ObjectId);
        using var contributor = await Server.CreateArmClientAsync(app.AppId, app.Secret);

        var own = ArmClient.ServicePath(Names.Unique("svc"), "rg-team-a");
        Assert.Equal(HttpStatusCode.Created, (await contributor.PutAsync(own, ArmClient.ServiceBody())).Status);
        Assert.Equal(HttpStatusCode.Created, (await contributor.PutAsync($"{own}/apis/echo",
            new JsonObject { ["properties"] = new JsonObject { ["displayName"] = "Echo", ["path"] = "echo" } })).Status);

        var foreign = await Admin.CreateServiceAsync(resourceGroup: "rg-team-b");
        var denied = await contributor.GetAsync(foreign);
        Assert.Equal(HttpStatusCode.Forbidden, denied.Status);
        Assert.Contains("rg-team-b", denied.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await contributor.PutAsync(ArmClient.ServicePath(Names.Unique("svc"), "rg-team-b"), ArmClient.ServiceBody())).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await contributor.GetAsync($"{SubscriptionScope}/providers/Microsoft.ApiManagement/service")).Status);

        // A contributor cannot hand out roles or register applications.
        var grant = await contributor.PutAsync(AssignmentPath($"{SubscriptionScope}/resourceGroups/rg-team-a", Guid.NewGuid().ToString()),
            Assignment(Owner, app.ObjectId), apiVersion: AuthorizationVersion);
        Assert.Equal(HttpStatusCode.Forbidden, grant.Status);
        Assert.Contains("Microsoft.Authorization/roleAssignments/write", grant.ErrorMessage, StringComparison.Ordinal);
        var register = await contributor.PutAsync(AppPath(Guid.NewGuid().ToString()), new JsonObject { ["properties"] = new JsonObject { ["displayName"] = "x" } }, apiVersion: IdentityVersion);
        Assert.Equal(HttpStatusCode.Forbidden, register.Status);

        // Nor through a path whose scope is not a resource id (an odd number of segments before the provider).
        foreach (var trick in new[]
        {
            $"{SubscriptionScope}/resourceGroups/providers/Microsoft.Authorization/roleAssignments/{Guid.NewGuid()}",
            $"{SubscriptionScope}/resourceGroups/rg-team-a/providers/Microsoft.ApiManagement/service/providers/Microsoft.Authorization/roleAssignments/{Guid.NewGuid()}",
            $"{SubscriptionScope}/resourceGroups/rg-team-a/providers/Microsoft.Authorization/roleAssignments/{Guid.NewGuid()}/providers/Microsoft.Authorization/roleAssignments/{Guid.NewGuid()}",
        })
        {
            var escalation = await contributor.PutAsync(trick, Assignment(Owner, app.ObjectId), apiVersion: AuthorizationVersion);
            Assert.True(escalation.Status is HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{trick}: {escalation}");
        }

        var held = await Admin.GetAsync($"/providers/Microsoft.Authorization/roleAssignments?$filter=principalId eq '{app.ObjectId}'", AuthorizationVersion);
        Assert.Single(held.Json["value"]!.AsArray());
    }

    [Fact]
    public async Task Role_assignments_follow_ARM_rules()
    {
        var app = await Admin.CreateAppAsync();
        var scope = $"{SubscriptionScope}/resourceGroups/rg-rules";
        var name = await Admin.AssignAsync(scope, Reader, app.ObjectId);

        var got = await Admin.GetAsync(AssignmentPath(scope, name), AuthorizationVersion);
        Assert.Equal(HttpStatusCode.OK, got.Status);
        Assert.Equal(scope, got.Properties["scope"]!.GetValue<string>());
        Assert.EndsWith($"/providers/Microsoft.Authorization/roleDefinitions/{Reader}", got.Properties["roleDefinitionId"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal($"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}", got.Json["id"]!.GetValue<string>());
        // SDKs that build "/{scope}/providers/..." from a scope starting with "/" send a double slash.
        Assert.Equal(HttpStatusCode.OK, (await Admin.GetAsync($"{Server.ManagementUrl}/{AssignmentPath(scope, name)}", AuthorizationVersion)).Status);

        // Idempotent under the same name; a conflict under another name or with other content.
        Assert.Equal(HttpStatusCode.Created, (await Admin.PutAsync(AssignmentPath(scope, name), Assignment(Reader, app.ObjectId), apiVersion: AuthorizationVersion)).Status);
        var duplicate = await Admin.PutAsync(AssignmentPath(scope, Guid.NewGuid().ToString()), Assignment(Reader, app.ObjectId), apiVersion: AuthorizationVersion);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.Status);
        Assert.Equal("RoleAssignmentExists", duplicate.ErrorCode);
        Assert.Equal("RoleAssignmentUpdateNotPermitted",
            (await Admin.PutAsync(AssignmentPath(scope, name), Assignment(Contributor, app.ObjectId), apiVersion: AuthorizationVersion)).ErrorCode);

        Assert.Equal("RoleDefinitionDoesNotExist",
            (await Admin.PutAsync(AssignmentPath(scope, Guid.NewGuid().ToString()), Assignment(Guid.NewGuid().ToString(), app.ObjectId), apiVersion: AuthorizationVersion)).ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest,
            (await Admin.PutAsync(AssignmentPath(scope, "not-a-guid"), Assignment(Reader, app.ObjectId), apiVersion: AuthorizationVersion)).Status);
        Assert.Equal(HttpStatusCode.BadRequest,
            (await Admin.PutAsync(AssignmentPath(scope, Guid.NewGuid().ToString()), Assignment(Reader, "nobody"), apiVersion: AuthorizationVersion)).Status);

        // Listing: at a service below the scope the assignment applies; with atScope() at the subscription it does not.
        var below = await Admin.GetAsync($"{scope}/providers/Microsoft.ApiManagement/service/x/providers/Microsoft.Authorization/roleAssignments?$filter=atScope()", AuthorizationVersion);
        Assert.Contains(below.Json["value"]!.AsArray(), a => a!["name"]!.GetValue<string>() == name);
        var above = await Admin.GetAsync($"{SubscriptionScope}/providers/Microsoft.Authorization/roleAssignments?$filter=atScope()", AuthorizationVersion);
        Assert.DoesNotContain(above.Json["value"]!.AsArray(), a => a!["name"]!.GetValue<string>() == name);
        var byPrincipal = await Admin.GetAsync($"/providers/Microsoft.Authorization/roleAssignments?$filter=principalId eq '{app.ObjectId}'", AuthorizationVersion);
        Assert.Single(byPrincipal.Json["value"]!.AsArray());

        var definitions = await Admin.GetAsync($"{SubscriptionScope}/providers/Microsoft.Authorization/roleDefinitions?$filter=roleName eq 'API Management Service Operator Role'", AuthorizationVersion);
        var operatorRole = Assert.Single(definitions.Json["value"]!.AsArray())!;
        Assert.Contains("Microsoft.ApiManagement/service/backup/action", operatorRole["properties"]!["permissions"]![0]!["actions"]!.AsArray().Select(a => a!.GetValue<string>()));

        Assert.Equal(HttpStatusCode.OK, (await Admin.DeleteAsync(AssignmentPath(scope, name), ifMatch: null, apiVersion: AuthorizationVersion)).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync(AssignmentPath(scope, name), ifMatch: null, apiVersion: AuthorizationVersion)).Status);
    }

    [Fact]
    public async Task Revoking_a_role_takes_effect_on_the_next_request()
    {
        var app = await Admin.CreateAppAsync();
        var name = await Admin.AssignAsync(SubscriptionScope, Reader, app.ObjectId);
        using var reader = await Server.CreateArmClientAsync(app.AppId, app.Secret);
        var list = $"{SubscriptionScope}/providers/Microsoft.ApiManagement/service";
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync(list)).Status);
        await Admin.DeleteAsync(AssignmentPath(SubscriptionScope, name), ifMatch: null, apiVersion: AuthorizationVersion);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.GetAsync(list)).Status);
    }
}

public sealed class AccessTestsOnSqlite(SqliteServer fixture) : AccessTests(fixture), IClassFixture<SqliteServer>;

public sealed class AccessTestsOnPostgres(PostgresServer fixture) : AccessTests(fixture), IClassFixture<PostgresServer>;
