using System.Net;
using System.Text.Json.Nodes;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Management;

/// <summary>The service resource over HTTPS, on both stores.</summary>
public abstract class ServiceTests(ServerFixture fixture)
{
    private ArmClient Arm => fixture.Arm;

    [Fact]
    public async Task Create_answers_201_with_async_headers_and_the_operation_reports_success()
    {
        var path = ArmClient.ServicePath(Names.Unique("svc"));
        var created = await Arm.PutAsync(path, ArmClient.ServiceBody());

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal("Succeeded", created.Properties["provisioningState"]!.GetValue<string>());
        Assert.Equal("Microsoft.ApiManagement/service", created.Json["type"]!.GetValue<string>());
        Assert.NotNull(created.ETag);
        var asyncUrl = created.Headers.GetValues("Azure-AsyncOperation").Single();
        Assert.Equal(asyncUrl, created.Headers.Location!.ToString());

        var status = await Arm.SendAsync(HttpMethod.Get, asyncUrl, apiVersion: null);
        Assert.Equal(HttpStatusCode.OK, status.Status);
        Assert.Equal("Succeeded", status.Json["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_list_patch_and_delete_follow_ARM()
    {
        var name = Names.Unique("svc");
        var rg = Names.Unique("rg");
        var path = await Arm.CreateServiceAsync(name, resourceGroup: rg);

        var got = await Arm.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, got.Status);
        Assert.Equal(name, got.Json["name"]!.GetValue<string>());
        Assert.Equal(got.ETag, got.Json["etag"]!.GetValue<string>());
        Assert.StartsWith("2", got.Properties["createdAtUtc"]!.GetValue<string>(), StringComparison.Ordinal);

        var byGroup = await Arm.GetAsync($"/subscriptions/{ArmClient.Subscription}/resourceGroups/{rg}/providers/Microsoft.ApiManagement/service");
        Assert.Equal([name], byGroup.Json["value"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()));
        var bySubscription = await Arm.GetAsync($"/subscriptions/{ArmClient.Subscription}/providers/Microsoft.ApiManagement/service");
        Assert.Contains(bySubscription.Json["value"]!.AsArray(), s => s!["name"]!.GetValue<string>() == name);

        var patched = await Arm.PatchAsync(path, new JsonObject { ["properties"] = new JsonObject { ["publisherName"] = "Fabrikam" }, ["tags"] = new JsonObject { ["env"] = "dr" } });
        Assert.Equal(HttpStatusCode.OK, patched.Status);
        Assert.Equal("Fabrikam", patched.Properties["publisherName"]!.GetValue<string>());
        Assert.Equal("admin@contoso.example", patched.Properties["publisherEmail"]!.GetValue<string>());
        Assert.Equal("dr", patched.Json["tags"]!["env"]!.GetValue<string>());
        Assert.NotEqual(got.ETag, patched.ETag);

        Assert.Equal(HttpStatusCode.OK, (await Arm.DeleteAsync(path, ifMatch: null)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Arm.GetAsync(path)).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await Arm.DeleteAsync(path, ifMatch: null)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Arm.GetAsync(path + "/apis")).Status);
    }

    [Fact]
    public async Task Invalid_service_documents_are_rejected_with_every_problem_listed()
    {
        var path = ArmClient.ServicePath(Names.Unique("svc"));
        var result = await Arm.PutAsync(path, new JsonObject
        {
            ["sku"] = new JsonObject { ["name"] = "Gold", ["capacity"] = "one" },
            ["properties"] = new JsonObject { ["publisherEmail"] = new string('a', 101) },
        });

        Assert.Equal(HttpStatusCode.BadRequest, result.Status);
        Assert.Equal("ValidationError", result.ErrorCode);
        var targets = result.Json["error"]!["details"]!.AsArray().Select(d => d!["target"]!.GetValue<string>()).ToList();
        Assert.Contains("location", targets);
        Assert.Contains("sku.name", targets);
        Assert.Contains("sku.capacity", targets);
        Assert.Contains("properties.publisherEmail", targets);
        Assert.Contains("properties.publisherName", targets);
        Assert.Equal(HttpStatusCode.NotFound, (await Arm.GetAsync(path)).Status);
    }

    [Theory]
    [InlineData("1starts-with-digit")]
    [InlineData("ends-with-hyphen-")]
    [InlineData("has_underscore")]
    [InlineData("this-name-is-far-too-long-for-an-api-management-service-x")]
    public async Task Invalid_service_names_are_rejected(string name)
    {
        var result = await Arm.PutAsync(ArmClient.ServicePath(name), ArmClient.ServiceBody());
        Assert.Equal(HttpStatusCode.BadRequest, result.Status);
        Assert.Equal("ValidationError", result.ErrorCode);
        Assert.Contains(name[..10], result.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Capacity_must_fit_the_sku()
    {
        var result = await Arm.PutAsync(ArmClient.ServicePath(Names.Unique("svc")), ArmClient.ServiceBody("Developer", capacity: 2));
        Assert.Equal(HttpStatusCode.BadRequest, result.Status);
        Assert.Contains("between 1 and 1", result.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Names_are_unique_across_resource_groups_and_checkNameAvailability_says_so()
    {
        var name = Names.Unique("svc");
        await Arm.CreateServiceAsync(name, resourceGroup: "rg-a");

        var clash = await Arm.PutAsync(ArmClient.ServicePath(name, "rg-b"), ArmClient.ServiceBody());
        Assert.Equal(HttpStatusCode.Conflict, clash.Status);
        Assert.Equal("ServiceAlreadyExists", clash.ErrorCode);

        var check = $"/subscriptions/{ArmClient.Subscription}/providers/Microsoft.ApiManagement/checkNameAvailability";
        var taken = await Arm.PostAsync(check, new JsonObject { ["name"] = name.ToUpperInvariant() });
        Assert.False(taken.Json["nameAvailable"]!.GetValue<bool>());
        Assert.Equal("AlreadyExists", taken.Json["reason"]!.GetValue<string>());
        var free = await Arm.PostAsync(check, new JsonObject { ["name"] = Names.Unique("free") });
        Assert.True(free.Json["nameAvailable"]!.GetValue<bool>());
        var invalid = await Arm.PostAsync(check, new JsonObject { ["name"] = "-bad" });
        Assert.Equal("Invalid", invalid.Json["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Location_cannot_change_and_If_Match_guards_updates()
    {
        var path = await Arm.CreateServiceAsync();
        var moved = await Arm.PutAsync(path, ArmClient.ServiceBody(location: "East US"));
        Assert.Equal(HttpStatusCode.BadRequest, moved.Status);
        Assert.Equal("location", moved.Json["error"]!["details"]![0]!["target"]!.GetValue<string>());

        var stale = await Arm.PutAsync(path, ArmClient.ServiceBody(), ifMatch: "AAAAAAAAAAA=");
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.Status);
        var current = await Arm.GetAsync(path);
        var updated = await Arm.PutAsync(path, ArmClient.ServiceBody("Developer", "westeurope"), ifMatch: current.ETag);
        Assert.Equal(HttpStatusCode.OK, updated.Status);
    }

    [Fact]
    public async Task Custom_hostname_certificates_are_read_and_never_returned()
    {
        var path = await Arm.CreateServiceAsync();
        var (pfx, thumbprint) = TestCertificates.Pfx("gateway.contoso.example", "pw");
        var body = ArmClient.ServiceBody();
        body["properties"]!["hostnameConfigurations"] = new JsonArray(new JsonObject
        {
            ["type"] = "Proxy", ["hostName"] = "gateway.contoso.example", ["encodedCertificate"] = pfx, ["certificatePassword"] = "pw",
        });

        var result = await Arm.PutAsync(path, body);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        var hostname = result.Properties["hostnameConfigurations"]![0]!;
        Assert.Equal(thumbprint, hostname["certificate"]!["thumbprint"]!.GetValue<string>());
        Assert.Null(hostname["encodedCertificate"]);
        Assert.Null(hostname["certificatePassword"]);
        Assert.DoesNotContain(pfx[..40], (await Arm.GetAsync(path)).Body!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Provider_subscription_and_resource_group_answer_like_ARM()
    {
        var provider = await Arm.GetAsync($"/subscriptions/{ArmClient.Subscription}/providers/Microsoft.ApiManagement", "2022-09-01");
        Assert.Equal(HttpStatusCode.OK, provider.Status);
        var service = provider.Json["resourceTypes"]!.AsArray().First(t => t!["resourceType"]!.GetValue<string>() == "service")!;
        Assert.Equal("2024-05-01", service["apiVersions"]![0]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await Arm.GetAsync($"/subscriptions/{ArmClient.Subscription}", "2022-12-01")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Arm.GetAsync($"/subscriptions/{ArmClient.Subscription}/resourcegroups/rg1", "2022-09-01")).Status);
        Assert.Equal("InvalidSubscriptionId", (await Arm.GetAsync("/subscriptions/not-a-guid/providers/Microsoft.ApiManagement/service")).ErrorCode);
    }
}

public sealed class ServiceTestsOnSqlite(SqliteServer fixture) : ServiceTests(fixture), IClassFixture<SqliteServer>;

public sealed class ServiceTestsOnPostgres(PostgresServer fixture) : ServiceTests(fixture), IClassFixture<PostgresServer>;
