using System.Net;
using System.Text.Json.Nodes;
using OpenApim.Tests.Infrastructure;
using static OpenApim.Tests.Identity.DirectoryClient;

namespace OpenApim.Tests.Management;

/// <summary>Subscriptions, tenants, resource groups, providers and cloud metadata, as the Azure CLI and SDKs read them.</summary>
public abstract class TenancyTests(ServerFixture fixture)
{
    private const string DefaultSubscription = "00000000-0000-0000-0000-000000000001";
    private const string Resources = "2022-09-01";

    private ArmClient Admin => fixture.Arm;

    private static string NewSubscription() => Guid.NewGuid().ToString();

    [Fact]
    public async Task Subscriptions_are_listed_as_the_CLI_expects_and_only_those_the_caller_can_see()
    {
        var listed = await Admin.GetAsync("/subscriptions", "2019-11-01");
        Assert.Equal(HttpStatusCode.OK, listed.Status);
        var first = listed.Json["value"]!.AsArray().Single(s => s!["subscriptionId"]!.GetValue<string>() == DefaultSubscription)!;
        Assert.Equal($"/subscriptions/{DefaultSubscription}", first["id"]!.GetValue<string>());
        Assert.Equal("OpenApim", first["displayName"]!.GetValue<string>());
        Assert.Equal("Enabled", first["state"]!.GetValue<string>());
        Assert.True(Guid.TryParse(first["tenantId"]!.GetValue<string>(), out _));
        Assert.Empty(first["managedByTenants"]!.AsArray());

        // A subscription nobody configured is listed once it holds something.
        var other = NewSubscription();
        Assert.DoesNotContain(listed.Json["value"]!.AsArray(), s => s!["subscriptionId"]!.GetValue<string>() == other);
        Assert.Equal(HttpStatusCode.Created, (await Admin.PutAsync($"/subscriptions/{other}/resourcegroups/team", new JsonObject { ["location"] = "westeurope" }, apiVersion: Resources)).Status);
        var after = await Admin.GetAsync("/subscriptions", "2022-12-01");
        Assert.Contains(after.Json["value"]!.AsArray(), s => s!["subscriptionId"]!.GetValue<string>() == other);
        Assert.Equal(other, (await Admin.GetAsync($"/subscriptions/{other}", "2019-11-01")).Json["subscriptionId"]!.GetValue<string>());

        // An application holding a role in one resource group sees that subscription, and no other.
        var app = await Admin.CreateAppAsync();
        await Admin.AssignAsync($"/subscriptions/{other}/resourceGroups/team", Reader, app.ObjectId);
        using var reader = await fixture.Server.CreateArmClientAsync(app.AppId, app.Secret);
        var seen = (await reader.GetAsync("/subscriptions", "2019-11-01")).Json["value"]!.AsArray();
        Assert.Equal([other], seen.Select(s => s!["subscriptionId"]!.GetValue<string>()));
        Assert.Equal("SubscriptionNotFound", (await reader.GetAsync($"/subscriptions/{DefaultSubscription}", "2019-11-01")).ErrorCode);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync($"/subscriptions/{other}", "2019-11-01")).Status);

        var nobody = await Admin.CreateAppAsync();
        using var stranger = await fixture.Server.CreateArmClientAsync(nobody.AppId, nobody.Secret);
        Assert.Empty((await stranger.GetAsync("/subscriptions", "2019-11-01")).Json["value"]!.AsArray());
    }

    [Fact]
    public async Task Tenants_and_locations_are_listed()
    {
        var tenants = await Admin.GetAsync("/tenants", "2019-11-01");
        var tenant = tenants.Json["value"]!.AsArray().Single()!;
        Assert.Equal($"/tenants/{tenant["tenantId"]}", tenant["id"]!.GetValue<string>());

        var locations = await Admin.GetAsync($"/subscriptions/{DefaultSubscription}/locations", "2022-12-01");
        Assert.Contains(locations.Json["value"]!.AsArray(), l => l!["name"]!.GetValue<string>() == "westeurope");
    }

    [Fact]
    public async Task Resource_groups_are_real_resources_and_deleting_one_deletes_what_it_holds()
    {
        var subscription = NewSubscription();
        var group = $"/subscriptions/{subscription}/resourcegroups/Team-A";
        Assert.Equal("ResourceGroupNotFound", (await Admin.GetAsync(group, Resources)).ErrorCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.SendAsync(HttpMethod.Head, group, apiVersion: Resources)).Status);
        Assert.Equal("LocationRequired", (await Admin.PutAsync(group, new JsonObject(), apiVersion: Resources)).ErrorCode);

        var created = await Admin.PutAsync(group, new JsonObject { ["location"] = "westeurope", ["tags"] = new JsonObject { ["env"] = "dr" } }, apiVersion: Resources);
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal($"/subscriptions/{subscription}/resourceGroups/Team-A", created.Json["id"]!.GetValue<string>());
        Assert.Equal("Microsoft.Resources/resourceGroups", created.Json["type"]!.GetValue<string>());
        Assert.Equal("Succeeded", created.Properties["provisioningState"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await Admin.PutAsync(group, new JsonObject { ["location"] = "westeurope" }, apiVersion: Resources)).Status);
        Assert.Equal("InvalidResourceGroupLocation", (await Admin.PutAsync(group, new JsonObject { ["location"] = "eastus" }, apiVersion: Resources)).ErrorCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Admin.SendAsync(HttpMethod.Head, group.ToUpperInvariant().Replace("SUBSCRIPTIONS", "subscriptions", StringComparison.Ordinal), apiVersion: Resources)).Status);

        var patched = await Admin.PatchAsync(group, new JsonObject { ["tags"] = new JsonObject { ["owner"] = "platform" } }, apiVersion: Resources);
        Assert.Equal("platform", patched.Json["tags"]!["owner"]!.GetValue<string>());
        Assert.Equal("ValidationError", (await Admin.PatchAsync(group, new JsonObject { ["tags"] = new JsonObject { ["x"] = 5 } }, apiVersion: Resources)).ErrorCode);

        var service = ArmClient.ServicePath(Names.Unique("svc"), "Team-A").Replace(ArmClient.Subscription, subscription, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, (await Admin.PutAsync(service, ArmClient.ServiceBody())).Status);
        var listed = await Admin.GetAsync($"/subscriptions/{subscription}/resourcegroups", Resources);
        Assert.Equal(["Team-A"], listed.Json["value"]!.AsArray().Select(g => g!["name"]!.GetValue<string>()));

        Assert.Equal(HttpStatusCode.OK, (await Admin.DeleteAsync(group, apiVersion: Resources)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.GetAsync(service)).Status);
        Assert.Equal("ResourceGroupNotFound", (await Admin.GetAsync(group, Resources)).ErrorCode);
        Assert.Empty((await Admin.GetAsync($"/subscriptions/{subscription}/resourcegroups", Resources)).Json["value"]!.AsArray());
    }

    [Theory]
    [InlineData("a%2Fb")]
    [InlineData("bad%07name")]
    [InlineData("trailing.")]
    [InlineData("%E2%80%AEevil")]
    public async Task Hostile_resource_group_names_are_refused_and_create_nothing(string name)
    {
        var subscription = NewSubscription();
        var put = await Admin.PutAsync($"/subscriptions/{subscription}/resourcegroups/{name}", new JsonObject { ["location"] = "westeurope" }, apiVersion: Resources);
        Assert.Equal(HttpStatusCode.BadRequest, put.Status);
        Assert.NotNull(put.ErrorCode);
        Assert.Empty((await Admin.GetAsync($"/subscriptions/{subscription}/resourcegroups", Resources)).Json["value"]!.AsArray());
    }

    [Fact]
    public async Task A_caller_cannot_create_or_delete_a_group_outside_its_roles()
    {
        var subscription = NewSubscription();
        Assert.Equal(HttpStatusCode.Created, (await Admin.PutAsync($"/subscriptions/{subscription}/resourcegroups/mine", new JsonObject { ["location"] = "westeurope" }, apiVersion: Resources)).Status);
        Assert.Equal(HttpStatusCode.Created, (await Admin.PutAsync($"/subscriptions/{subscription}/resourcegroups/theirs", new JsonObject { ["location"] = "westeurope" }, apiVersion: Resources)).Status);
        var app = await Admin.CreateAppAsync();
        await Admin.AssignAsync($"/subscriptions/{subscription}/resourceGroups/mine", Contributor, app.ObjectId);
        using var contributor = await fixture.Server.CreateArmClientAsync(app.AppId, app.Secret);

        Assert.Equal(HttpStatusCode.Forbidden, (await contributor.DeleteAsync($"/subscriptions/{subscription}/resourcegroups/theirs", apiVersion: Resources)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await contributor.PutAsync($"/subscriptions/{subscription}/resourcegroups/new", new JsonObject { ["location"] = "westeurope" }, apiVersion: Resources)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Admin.GetAsync($"/subscriptions/{subscription}/resourcegroups/theirs", Resources)).Status);
    }

    [Fact]
    public async Task Providers_register_and_cloud_metadata_answer_like_ARM()
    {
        var register = await Admin.PostAsync($"/subscriptions/{DefaultSubscription}/providers/Microsoft.ApiManagement/register", apiVersion: "2021-04-01");
        Assert.Equal("Registered", register.Json["registrationState"]!.GetValue<string>());
        var providers = await Admin.GetAsync($"/subscriptions/{DefaultSubscription}/providers", "2021-04-01");
        Assert.Contains(providers.Json["value"]!.AsArray(), p => p!["namespace"]!.GetValue<string>() == "Microsoft.ApiManagement");

        // Anonymous, and reached even through the doubled slash az cloud register sends.
        using var anonymous = fixture.Server.CreateHttpClient();
        var management = fixture.Server.ManagementUrl.TrimEnd('/');
        var legacy = JsonNode.Parse(await anonymous.GetStringAsync(new Uri(management + "//metadata/endpoints?api-version=2015-01-01")))!;
        Assert.Equal(management + "/adfs", legacy["authentication"]!["loginEndpoint"]!.GetValue<string>().TrimEnd('/'));
        Assert.Equal("https://management.azure.com/", legacy["authentication"]!["audiences"]![0]!.GetValue<string>());
        var current = JsonNode.Parse(await anonymous.GetStringAsync("/metadata/endpoints?api-version=2022-09-01"))!.AsArray();
        Assert.Equal(management + "/", current[0]!["resourceManager"]!.GetValue<string>());

        var discovery = JsonNode.Parse(await anonymous.GetStringAsync("/adfs/.well-known/openid-configuration"))!;
        Assert.EndsWith("/oauth2/v2.0/token", discovery["token_endpoint"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}

public sealed class TenancyTestsOnSqlite(SqliteServer fixture) : TenancyTests(fixture), IClassFixture<SqliteServer>;

public sealed class TenancyTestsOnPostgres(PostgresServer fixture) : TenancyTests(fixture), IClassFixture<PostgresServer>;
