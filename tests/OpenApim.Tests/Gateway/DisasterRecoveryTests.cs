using System.Net;
using System.Text.Json.Nodes;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Gateway;

/// <summary>
/// The DR story end to end, with two deployments (primary and standby region) sharing a storage
/// account: a client calls an API through the primary's gateway with its key and custom host; the
/// service is backed up and restored into the standby; the same request, key and host succeed there.
/// </summary>
public sealed class DisasterRecoveryTests : IAsyncLifetime
{
    private EchoBackend _backend = null!;
    private OpenApimInstance _primary = null!;
    private OpenApimInstance _standby = null!;

    public async Task InitializeAsync()
    {
        _backend = await EchoBackend.StartAsync();
        _primary = await OpenApimInstance.StartAsync(StoreKind.Sqlite, null, Azurite.ServerArgs);
        _standby = await OpenApimInstance.StartAsync(StoreKind.Postgres, null, Azurite.ServerArgs);
    }

    public async Task DisposeAsync()
    {
        await _primary.DisposeAsync();
        await _standby.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task After_a_restore_the_standby_answers_the_same_request_with_the_same_key_and_host()
    {
        const string host = "api.contoso.example";
        using var primary = await _primary.CreateArmClientAsync();
        using var standby = await _standby.CreateArmClientAsync();
        var a = ArmClient.ServicePath(Names.Unique("primary"), "rg-west");
        var b = ArmClient.ServicePath(Names.Unique("standby"), "rg-north");
        Assert.Equal(HttpStatusCode.Created, (await primary.PutAsync(a, WithHost(ArmClient.ServiceBody(location: "West Europe"), host))).Status);
        Assert.Equal(HttpStatusCode.Created, (await standby.PutAsync(b, WithHost(ArmClient.ServiceBody(location: "North Europe"), host))).Status);

        await primary.CreateAsync($"{a}/apis/orders", new JsonObject { ["path"] = "orders", ["serviceUrl"] = _backend.Url + "/orders-backend" });
        await primary.CreateAsync($"{a}/apis/orders/operations/get", new JsonObject
        {
            ["displayName"] = "get", ["method"] = "GET", ["urlTemplate"] = "/{id}",
            ["templateParameters"] = new JsonArray(new JsonObject { ["name"] = "id", ["type"] = "string" }),
        });
        await primary.CreateAsync($"{a}/namedValues/region", new JsonObject { ["displayName"] = "region", ["value"] = "served-by-restored-config" });
        await primary.CreateAsync($"{a}/apis/orders/policies/policy", new JsonObject
        {
            ["value"] = "<policies><inbound><base /><set-header name=\"x-region\" exists-action=\"override\"><value>{{region}}</value></set-header></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>",
        });
        await primary.CreateAsync($"{a}/products/partners", new JsonObject { ["displayName"] = "Partners", ["state"] = "published" });
        await primary.PutAsync($"{a}/products/partners/apis/orders", null);
        await primary.CreateAsync($"{a}/users/acme", new JsonObject { ["email"] = "ops@acme.example", ["firstName"] = "Acme", ["lastName"] = "Ops" });
        await primary.CreateAsync($"{a}/subscriptions/acme", new JsonObject { ["displayName"] = "acme", ["scope"] = "/products/partners", ["ownerId"] = "/users/acme", ["state"] = "active" });
        var key = (await primary.PostAsync($"{a}/subscriptions/acme/listSecrets")).Json["secondaryKey"]!.GetValue<string>();

        await _primary.App.Services.RefreshGatewayAsync();
        var before = await CallAsync(_primary, host, key);
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await CallAsync(_standby, host, key)).StatusCode);

        // The primary's call is in its usage store when it is backed up; usage is not part of a backup.
        await _primary.App.Services.FlushUsageAsync(a, calls: 1);
        var container = await Azurite.NewContainerAsync();
        Assert.Equal(HttpStatusCode.OK, (await primary.RunAsync($"{a}/backup", Azurite.StorageBody(container, "dr.apimbackup"))).Final.Status);
        Assert.Equal(HttpStatusCode.OK, (await standby.RunAsync($"{b}/restore", Azurite.StorageBody(container, "dr.apimbackup"))).Final.Status);

        await _standby.App.Services.RefreshGatewayAsync();
        using var after = await CallAsync(_standby, host, key);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        var echo = JsonNode.Parse(await after.Content.ReadAsStringAsync())!;
        Assert.Equal("/orders-backend/42", echo["path"]!.GetValue<string>());
        Assert.Equal("served-by-restored-config", echo["headers"]!["x-region"]!.GetValue<string>());
        Assert.Equal(host, (await standby.GetAsync(b)).Properties["hostnameConfigurations"]![0]!["hostName"]!.GetValue<string>());

        // Usage is not part of a backup: the standby's reports show only its own calls.
        await _standby.App.Services.FlushUsageAsync(b, calls: 1);
        var filter = Uri.EscapeDataString($"timestamp ge datetime'{DateTime.UtcNow.AddHours(-1):yyyy-MM-ddTHH:mm:ss}' and timestamp le datetime'{DateTime.UtcNow.AddHours(1):yyyy-MM-ddTHH:mm:ss}'");
        var report = await standby.GetAsync($"{b}/reports/byApi?$filter={filter}");
        Assert.Equal(1, report.Json["value"]!.AsArray().Single()!["callCountTotal"]!.GetValue<int>());
    }

    private static JsonObject WithHost(JsonObject body, string host)
    {
        body["properties"]!["hostnameConfigurations"] = new JsonArray(new JsonObject { ["type"] = "Proxy", ["hostName"] = host });
        return body;
    }

    private static async Task<HttpResponseMessage> CallAsync(OpenApimInstance server, string host, string key)
    {
        using var http = new HttpClient { BaseAddress = new Uri(server.Endpoints["gatewayUrl"]!.GetValue<string>()) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/orders/42");
        request.Headers.Host = host;
        request.Headers.Add("Ocp-Apim-Subscription-Key", key);
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }
}
