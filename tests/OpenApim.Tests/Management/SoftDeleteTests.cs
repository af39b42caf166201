using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Management;

/// <summary>Soft delete: a deleted service is kept (name reserved), listed under deletedservices, undeleted whole or purged.</summary>
public abstract class SoftDeleteTests(ServerFixture fixture)
{
    private ArmClient Arm => fixture.Arm;

    private static string Deleted(string name, string location = "westeurope") =>
        $"/subscriptions/{ArmClient.Subscription}/providers/Microsoft.ApiManagement/locations/{location}/deletedservices/{name}";

    private static JsonObject Restore() => new()
    {
        ["location"] = "West Europe",
        ["sku"] = new JsonObject { ["name"] = "Developer", ["capacity"] = 1 },
        ["properties"] = new JsonObject { ["publisherEmail"] = "admin@contoso.example", ["publisherName"] = "Contoso", ["restore"] = true },
    };

    [Fact]
    public async Task A_deleted_service_is_kept_listed_and_comes_back_with_everything_keys_included()
    {
        var name = Names.Unique("soft");
        var service = await Arm.CreateServiceAsync(name);
        await Arm.CreateAsync($"{service}/apis/orders", new JsonObject { ["path"] = "orders" });
        await Arm.CreateAsync($"{service}/subscriptions/s1", new JsonObject { ["displayName"] = "s1", ["scope"] = "/apis", ["primaryKey"] = "kept-key-" + name });

        Assert.Equal(HttpStatusCode.OK, (await Arm.DeleteAsync(service)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Arm.GetAsync(service)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Arm.GetAsync($"{service}/apis/orders")).Status);
        var services = await Arm.GetAsync($"/subscriptions/{ArmClient.Subscription}/providers/Microsoft.ApiManagement/service");
        Assert.DoesNotContain(services.Json["value"]!.AsArray(), s => s!["name"]!.GetValue<string>() == name);

        var listed = await Arm.GetAsync($"/subscriptions/{ArmClient.Subscription}/providers/Microsoft.ApiManagement/deletedservices");
        var entry = listed.Json["value"]!.AsArray().Single(d => d!["name"]!.GetValue<string>() == name)!;
        Assert.Equal(service, entry["properties"]!["serviceId"]!.GetValue<string>());
        Assert.Equal("Microsoft.ApiManagement/deletedservices", entry["type"]!.GetValue<string>());
        var deletedAt = DateTimeOffset.Parse(entry["properties"]!["deletionDate"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var purgeAt = DateTimeOffset.Parse(entry["properties"]!["scheduledPurgeDate"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromHours(48), purgeAt - deletedAt);
        Assert.Equal(HttpStatusCode.OK, (await Arm.GetAsync(Deleted(name))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Arm.GetAsync(Deleted(name, "eastus"))).Status);

        // The name stays taken, in any resource group, until the service is undeleted or purged.
        var again = await Arm.PutAsync(service, ArmClient.ServiceBody());
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal("ServiceAlreadyExistsInSoftDeletedState", again.ErrorCode);
        var elsewhere = await Arm.PutAsync(ArmClient.ServicePath(name, "rg-other"), ArmClient.ServiceBody());
        Assert.Equal("ServiceAlreadyExistsInSoftDeletedState", elsewhere.ErrorCode);
        Assert.DoesNotContain("rg1", elsewhere.ErrorMessage, StringComparison.Ordinal);
        var check = await Arm.PostAsync($"/subscriptions/{ArmClient.Subscription}/providers/Microsoft.ApiManagement/checkNameAvailability", new JsonObject { ["name"] = name });
        Assert.False(check.Json["nameAvailable"]!.GetValue<bool>());
        Assert.Equal("DeletedServiceNotFound", (await Arm.PutAsync(ArmClient.ServicePath(name, "rg-other"), Restore())).ErrorCode);

        var restored = await Arm.PutAsync(service, Restore());
        Assert.Equal(HttpStatusCode.OK, restored.Status);
        Assert.Equal(name, restored.Json["name"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await Arm.GetAsync($"{service}/apis/orders")).Status);
        Assert.Equal("kept-key-" + name, (await Arm.PostAsync($"{service}/subscriptions/s1/listSecrets")).Json["primaryKey"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await Arm.GetAsync(Deleted(name))).Status);
        Assert.Equal("DeletedServiceNotFound", (await Arm.PutAsync(service, Restore())).ErrorCode);
    }

    [Fact]
    public async Task The_gateway_stops_serving_a_deleted_service_and_serves_it_again_once_undeleted()
    {
        await using var backend = await EchoBackend.StartAsync();
        var name = Names.Unique("softgw");
        var service = await Arm.CreateServiceAsync(name);
        await Arm.CreateAsync($"{service}/apis/orders", new JsonObject { ["path"] = "orders", ["serviceUrl"] = backend.Url });
        await Arm.CreateAsync($"{service}/apis/orders/operations/get", new JsonObject { ["displayName"] = "get", ["method"] = "GET", ["urlTemplate"] = "/{id}",
            ["templateParameters"] = new JsonArray(new JsonObject { ["name"] = "id", ["type"] = "string" }) });
        var key = "gw-key-" + name;
        await Arm.CreateAsync($"{service}/subscriptions/s1", new JsonObject { ["displayName"] = "s1", ["scope"] = "/apis", ["state"] = "active", ["primaryKey"] = key });
        using var gateway = new HttpClient { BaseAddress = new Uri(fixture.Server.Endpoints["gatewayUrl"]!.GetValue<string>()) };

        async Task<HttpStatusCode> CallAsync()
        {
            await fixture.Server.App.Services.RefreshGatewayAsync();
            using var request = new HttpRequestMessage(HttpMethod.Get, "/orders/42");
            request.Headers.Host = $"{name}.localhost";
            request.Headers.Add("Ocp-Apim-Subscription-Key", key);
            using var response = await gateway.SendAsync(request);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await CallAsync());
        await Arm.DeleteAsync(service);
        Assert.Equal(HttpStatusCode.NotFound, await CallAsync());
        Assert.Equal(HttpStatusCode.OK, (await Arm.PutAsync(service, Restore())).Status);
        Assert.Equal(HttpStatusCode.OK, await CallAsync());
    }

    [Fact]
    public async Task A_purged_service_is_gone_and_its_name_is_free()
    {
        var name = Names.Unique("purge");
        var service = await Arm.CreateServiceAsync(name);
        await Arm.CreateAsync($"{service}/apis/orders", new JsonObject { ["path"] = "orders" });
        await Arm.DeleteAsync(service);

        var purge = await Arm.DeleteAsync(Deleted(name), ifMatch: null);
        Assert.Equal(HttpStatusCode.OK, purge.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Arm.DeleteAsync(Deleted(name), ifMatch: null)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Arm.GetAsync(Deleted(name))).Status);

        Assert.Equal(HttpStatusCode.Created, (await Arm.PutAsync(service, ArmClient.ServiceBody())).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Arm.GetAsync($"{service}/apis/orders")).Status);
    }

    [Fact]
    public async Task Undelete_is_refused_when_another_service_took_a_host_name_meanwhile()
    {
        var (first, second) = (Names.Unique("hostfirst"), Names.Unique("hostsecond"));
        var host = $"{first}.custom.example";
        var original = await Arm.CreateServiceAsync(first);
        var hosts = new JsonObject
        {
            ["properties"] = new JsonObject { ["hostnameConfigurations"] = new JsonArray(new JsonObject { ["type"] = "Proxy", ["hostName"] = host }) },
        };
        Assert.Equal(HttpStatusCode.OK, (await Arm.PatchAsync(original, hosts)).Status);
        await Arm.DeleteAsync(original);

        var taker = await Arm.CreateServiceAsync(second);
        Assert.Equal(HttpStatusCode.OK, (await Arm.PatchAsync(taker, hosts.DeepClone().AsObject())).Status);
        var restore = await Arm.PutAsync(original, Restore());
        Assert.Equal(HttpStatusCode.Conflict, restore.Status);
        Assert.Equal("HostnameAlreadyInUse", restore.ErrorCode);
        Assert.Equal(HttpStatusCode.OK, (await Arm.GetAsync(Deleted(first))).Status);
    }
}

public sealed class SoftDeleteTestsOnSqlite(SqliteServer fixture) : SoftDeleteTests(fixture), IClassFixture<SqliteServer>;

public sealed class SoftDeleteTestsOnPostgres(PostgresServer fixture) : SoftDeleteTests(fixture), IClassFixture<PostgresServer>;

/// <summary>Retention: the purger removes services whose retention ended; no retention deletes at once.</summary>
public sealed class SoftDeleteRetentionTests
{
    [Fact]
    public async Task Services_are_purged_when_their_retention_ends()
    {
        var clock = new MovableClock();
        await using var server = await OpenApimInstance.StartAsync(StoreKind.Sqlite, s => s.AddSingleton<TimeProvider>(clock), "--OPENAPIM_SOFT_DELETE_RETENTION=00:00:10");
        using var arm = await server.CreateArmClientAsync();
        var name = Names.Unique("expire");
        var service = await arm.CreateServiceAsync(name);
        await arm.DeleteAsync(service);
        var deleted = $"/subscriptions/{ArmClient.Subscription}/providers/Microsoft.ApiManagement/locations/westeurope/deletedservices/{name}";
        Assert.Equal(HttpStatusCode.OK, (await arm.GetAsync(deleted)).Status);

        clock.Advance(TimeSpan.FromSeconds(11));
        var gone = false;
        for (var i = 0; i < 50 && !gone; i++)
        {
            await Task.Delay(100);
            gone = (await arm.GetAsync(deleted)).Status == HttpStatusCode.NotFound;
        }

        Assert.True(gone, "The purger did not remove a service whose retention had ended.");
        Assert.Equal(HttpStatusCode.Created, (await arm.PutAsync(service, ArmClient.ServiceBody())).Status);
    }

    [Fact]
    public async Task Without_retention_a_delete_is_final()
    {
        await using var server = await OpenApimInstance.StartAsync(StoreKind.Sqlite, null, "--OPENAPIM_SOFT_DELETE_RETENTION=00:00:00");
        using var arm = await server.CreateArmClientAsync();
        var name = Names.Unique("hard");
        var service = await arm.CreateServiceAsync(name);
        await arm.DeleteAsync(service);
        Assert.Empty((await arm.GetAsync($"/subscriptions/{ArmClient.Subscription}/providers/Microsoft.ApiManagement/deletedservices")).Json["value"]!.AsArray());
        Assert.Equal(HttpStatusCode.Created, (await arm.PutAsync(service, ArmClient.ServiceBody())).Status);
    }
}
