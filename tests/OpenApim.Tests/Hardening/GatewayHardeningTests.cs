using System.Net;
using System.Text.Json.Nodes;
using OpenApim.Tests.Gateway;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Hardening;

/// <summary>
/// Review findings 2, 14 and 16 (gateway side): paths that try to climb out of the API's service URL, expired
/// subscriptions, keys and hop-by-hop headers that must not reach the backend, and the '/*' template.
/// </summary>
public sealed class GatewayHardeningTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    /// <summary>Request targets as sent on the wire; none may reach anything but /public-api/orders/{one segment}.</summary>
    public static readonly string[] Traversals =
    [
        @"/ord/orders/..\..\admin\delete-all",
        "/ord/orders/..%5C..%5Cadmin%5Cdelete-all",
        "/ord/orders/%2e%2e%2f%2e%2e%2fadmin%2fdelete-all",
        "/ord/orders/%252e%252e%252fadmin",
        "/ord/orders/%252e%252e",
        "/ord/orders/%2e%2e",
        "/ord/orders/.%2e",
        "/ord/orders/..%2fadmin",
        "/ord/orders/a%2Fb",
        "/ord/orders/a%252Fb",
        "/ord/orders/%2e%2e/%2e%2e/admin",
        "/ord/../admin/delete-all",
        "/ord/orders/../../admin",
        "/ord/orders/%5C..%5C..%5Cadmin",
        "/ord/orders/%c0%ae%c0%ae",
    ];

    private ArmClient Arm => fixture.Arm;

    [Fact]
    public async Task Traversal_attempts_never_leave_the_service_url_and_reach_only_published_operations()
    {
        var (service, key) = await OrdersApiAsync();
        var gateway = new Uri(fixture.Server.Endpoints["gatewayUrl"]!.GetValue<string>());
        var host = $"{service.Split('/')[^1]}.localhost";

        var normal = await RawHttp.SendAsync(gateway, "GET /ord/orders/42 HTTP/1.1", [("Host", host), ("Ocp-Apim-Subscription-Key", key)]);
        Assert.Equal(200, normal.Status);
        Assert.Equal("/public-api/orders/42", normal.Json!["path"]!.GetValue<string>());

        foreach (var target in Traversals)
        {
            var result = await RawHttp.SendAsync(gateway, $"GET {target} HTTP/1.1", [("Host", host), ("Ocp-Apim-Subscription-Key", key)]);
            if (result.Status == 200)
            {
                var path = result.Json!["path"]!.GetValue<string>();
                Assert.True(path.StartsWith("/public-api/orders/", StringComparison.Ordinal) && path.Count(c => c == '/') == 3 && !path.Contains("admin", StringComparison.Ordinal),
                    $"{target} reached {path}");
            }
            else
            {
                Assert.True(result.Status is 400 or 404, $"{target}: {result}");
            }
        }

        Assert.Equal(404, (await RawHttp.SendAsync(gateway, "GET /ord/admin/delete-all HTTP/1.1", [("Host", host), ("Ocp-Apim-Subscription-Key", key)])).Status);
    }

    [Fact]
    public async Task Encoded_characters_in_template_values_reach_the_backend_as_sent()
    {
        var (service, key) = await OrdersApiAsync();
        var gateway = new Uri(fixture.Server.Endpoints["gatewayUrl"]!.GetValue<string>());
        var host = $"{service.Split('/')[^1]}.localhost";

        var result = await RawHttp.SendAsync(gateway, "GET /ord/orders/a%20b%3Fc%23d%25e HTTP/1.1", [("Host", host), ("Ocp-Apim-Subscription-Key", key)]);

        Assert.Equal(200, result.Status);
        Assert.Equal("/public-api/orders/a b?c#d%e", result.Json!["path"]!.GetValue<string>());
        Assert.Equal("", result.Json["query"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_subscription_past_its_expiration_date_is_refused()
    {
        var (service, _) = await fixture.ServiceWithApiAsync();
        var key = "exp-" + Guid.NewGuid().ToString("N");
        var valid = "ok-" + Guid.NewGuid().ToString("N");
        await Arm.CreateAsync($"{service}/subscriptions/expired", new JsonObject
        {
            ["displayName"] = "old", ["scope"] = "/apis", ["state"] = "active", ["primaryKey"] = key,
            ["expirationDate"] = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O"),
        });
        await Arm.CreateAsync($"{service}/subscriptions/current", new JsonObject
        {
            ["displayName"] = "new", ["scope"] = "/apis", ["state"] = "active", ["primaryKey"] = valid,
            ["expirationDate"] = DateTimeOffset.UtcNow.AddDays(1).ToString("O"),
        });
        await fixture.RefreshAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.GetAsync(service, "/echo/x", key)).Status);
        Assert.Equal(HttpStatusCode.OK, (await fixture.GetAsync(service, "/echo/x", valid)).Status);
    }

    [Fact]
    public async Task The_query_key_never_reaches_the_backend_even_when_the_header_carries_the_key()
    {
        var (service, key) = await fixture.ServiceWithApiAsync();

        var result = await fixture.GetAsync(service, $"/echo/x?subscription-key={key}&keep=1", key);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal("?keep=1", result.Json!["query"]!.GetValue<string>());
    }

    [Fact]
    public async Task Headers_named_in_connection_are_hop_by_hop_and_not_forwarded()
    {
        var (service, key) = await fixture.ServiceWithApiAsync();
        var gateway = new Uri(fixture.Server.Endpoints["gatewayUrl"]!.GetValue<string>());

        var result = await RawHttp.SendAsync(gateway, "GET /echo/x HTTP/1.1",
        [
            ("Host", $"{service.Split('/')[^1]}.localhost"), ("Ocp-Apim-Subscription-Key", key),
            ("Connection", "keep-alive, X-Secret-Hop"), ("X-Secret-Hop", "s3cr3t"), ("X-Kept", "yes"),
        ]);

        Assert.Equal(200, result.Status);
        var headers = result.Json!["headers"]!;
        Assert.Null(headers["x-secret-hop"]);
        Assert.Equal("yes", headers["x-kept"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_star_template_matches_every_path()
    {
        var service = await Arm.CreateServiceAsync();
        await Arm.CreateAsync($"{service}/apis/any", new JsonObject { ["path"] = "any", ["serviceUrl"] = fixture.Backend.Url, ["subscriptionRequired"] = false });
        await Arm.CreateAsync($"{service}/apis/any/operations/all", new JsonObject { ["displayName"] = "all", ["method"] = "GET", ["urlTemplate"] = "/*" });
        await fixture.RefreshAsync();

        foreach (var path in new[] { "/any", "/any/x", "/any/deep/er/path" })
        {
            var result = await fixture.GetAsync(service, path);
            Assert.True(result.Status == HttpStatusCode.OK, $"{path}: {result}");
        }

        Assert.Equal("/deep/er/path", (await fixture.GetAsync(service, "/any/deep/er/path")).Json!["path"]!.GetValue<string>());
    }

    private async Task<(string Service, string Key)> OrdersApiAsync()
    {
        var service = await Arm.CreateServiceAsync();
        await Arm.CreateAsync($"{service}/apis/ord", new JsonObject { ["path"] = "ord", ["serviceUrl"] = fixture.Backend.Url + "/public-api" });
        await Arm.CreateAsync($"{service}/apis/ord/operations/get-order", new JsonObject
        {
            ["displayName"] = "Get order", ["method"] = "GET", ["urlTemplate"] = "/orders/{id}",
            ["templateParameters"] = new JsonArray(new JsonObject { ["name"] = "id", ["type"] = "string", ["required"] = true }),
        });
        var key = "k-" + Guid.NewGuid().ToString("N");
        await Arm.CreateAsync($"{service}/subscriptions/all", new JsonObject { ["displayName"] = "all", ["scope"] = "/apis", ["state"] = "active", ["primaryKey"] = key });
        await fixture.RefreshAsync();
        return (service, key);
    }
}
