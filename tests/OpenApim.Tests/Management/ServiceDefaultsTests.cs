using System.Net;
using System.Text.Json.Nodes;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Management;

/// <summary>A new service starts with what Azure creates (the server's default, OPENAPIM_SERVICE_DEFAULTS=azure).</summary>
public sealed class ServiceDefaultsTests
{
    [Fact]
    public async Task A_new_service_has_Azures_products_Echo_API_administrator_and_master_subscription_and_they_work()
    {
        await using var backend = await EchoBackend.StartAsync();
        await using var server = await OpenApimInstance.StartAsync(StoreKind.Sqlite, null, "--OPENAPIM_SERVICE_DEFAULTS=azure");
        using var arm = await server.CreateArmClientAsync();
        var service = await arm.CreateServiceAsync();

        var products = (await arm.GetAsync($"{service}/products")).Json["value"]!.AsArray().ToDictionary(p => p!["name"]!.GetValue<string>(), p => p!["properties"]!);
        Assert.Equal(["starter", "unlimited"], products.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("published", products["starter"]["state"]!.GetValue<string>());
        Assert.True(products["unlimited"]["approvalRequired"]!.GetValue<bool>());
        var policy = (await arm.GetAsync($"{service}/products/starter/policies/policy")).Properties["value"]!.GetValue<string>();
        Assert.Contains("rate-limit calls=\"5\"", policy, StringComparison.Ordinal);
        Assert.Equal(3, (await arm.GetAsync($"{service}/products/starter/groups")).Json["value"]!.AsArray().Count);

        var echo = await arm.GetAsync($"{service}/apis/echo-api");
        Assert.Equal("Echo API", echo.Properties["displayName"]!.GetValue<string>());
        Assert.Equal(6, (await arm.GetAsync($"{service}/apis/echo-api/operations")).Json["count"]!.GetValue<int>());
        Assert.Contains((await arm.GetAsync($"{service}/apis/echo-api/products")).Json["value"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "starter");

        var admin = await arm.GetAsync($"{service}/users/1");
        Assert.Equal("admin@contoso.example", admin.Properties["email"]!.GetValue<string>());
        var master = await arm.GetAsync($"{service}/subscriptions/master");
        Assert.EndsWith("/apis", master.Properties["scope"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("active", master.Properties["state"]!.GetValue<string>());
        var adminSubscriptions = (await arm.GetAsync($"{service}/users/1/subscriptions")).Json["value"]!.AsArray();
        Assert.Equal(3, adminSubscriptions.Count);

        // The defaults work at the gateway: the master key calls any API, a starter key is rate-limited to 5 calls a minute.
        Assert.Equal(HttpStatusCode.OK, (await arm.PatchAsync($"{service}/apis/echo-api", new JsonObject { ["properties"] = new JsonObject { ["serviceUrl"] = backend.Url } })).Status);
        await server.App.Services.RefreshGatewayAsync();
        var masterKey = (await arm.PostAsync($"{service}/subscriptions/master/listSecrets")).Json["primaryKey"]!.GetValue<string>();
        var starter = adminSubscriptions.Single(s => s!["properties"]!["scope"]!.GetValue<string>().EndsWith("/products/starter", StringComparison.Ordinal))!;
        var starterKey = (await arm.PostAsync($"{service}/subscriptions/{starter["name"]!.GetValue<string>()}/listSecrets")).Json["primaryKey"]!.GetValue<string>();
        using var gateway = new HttpClient { BaseAddress = new Uri(server.Endpoints["gatewayUrl"]!.GetValue<string>()) };

        async Task<HttpStatusCode> CallAsync(string key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/echo/resource");
            request.Headers.Host = $"{service.Split('/')[^1].ToLowerInvariant()}.localhost";
            request.Headers.Add("Ocp-Apim-Subscription-Key", key);
            using var response = await gateway.SendAsync(request);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await CallAsync(masterKey));
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add(await CallAsync(starterKey));
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 5), HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.OK, await CallAsync(masterKey));
    }

    [Fact]
    public async Task A_Consumption_service_gets_only_the_master_subscription()
    {
        await using var server = await OpenApimInstance.StartAsync(StoreKind.Sqlite, null, "--OPENAPIM_SERVICE_DEFAULTS=azure");
        using var arm = await server.CreateArmClientAsync();
        var service = await arm.CreateServiceAsync(sku: "Consumption");
        Assert.Equal(0, (await arm.GetAsync($"{service}/products")).Json["count"]!.GetValue<int>());
        Assert.Equal(0, (await arm.GetAsync($"{service}/apis")).Json["count"]!.GetValue<int>());
        Assert.Equal(["master"], (await arm.GetAsync($"{service}/subscriptions")).Json["value"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()));
    }
}
