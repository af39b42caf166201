using System.Net;
using System.Text.Json.Nodes;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Gateway;

/// <summary>How the gateway finds the service, API and operation, and how subscription keys are checked.</summary>
public sealed class RoutingAndKeyTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private ArmClient Arm => fixture.Arm;

    [Fact]
    public async Task Requests_reach_the_backend_by_host_path_and_template_with_the_key_removed()
    {
        var (service, key) = await fixture.ServiceWithApiAsync();

        var result = await fixture.GetAsync(service, "/echo/orders/42?x=1", key);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal("/backend/orders/42", result.Json!["path"]!.GetValue<string>());
        Assert.Equal("?x=1", result.Json["query"]!.GetValue<string>());
        Assert.Null(result.BackendHeader("Ocp-Apim-Subscription-Key"));
        Assert.Equal("127.0.0.1", result.BackendHeader("X-Forwarded-For"));
        Assert.Equal("echo", result.Header("x-backend"));

        var byQuery = await fixture.GetAsync(service, $"/echo/a?subscription-key={key}&y=2");
        Assert.Equal(HttpStatusCode.OK, byQuery.Status);
        Assert.Equal("?y=2", byQuery.Json!["query"]!.GetValue<string>());
    }

    [Fact]
    public async Task Forwarded_headers_from_the_client_are_extended_or_replaced_once_never_passed_on_as_sent()
    {
        var (service, key) = await fixture.ServiceWithApiAsync();
        var sent = new Dictionary<string, string> { ["X-Forwarded-For"] = "203.0.113.7", ["X-Forwarded-Proto"] = "https", ["X-Forwarded-Host"] = "evil.example" };

        var result = await fixture.GetAsync(service, "/echo/orders/1", key, sent);
        var plain = await fixture.GetAsync(service, "/echo/orders/1", key);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal("203.0.113.7, 127.0.0.1", result.BackendHeader("X-Forwarded-For"));
        Assert.Equal("http", result.BackendHeader("X-Forwarded-Proto"));
        Assert.Equal(plain.BackendHeader("X-Forwarded-Host"), result.BackendHeader("X-Forwarded-Host"));
        Assert.NotEqual("evil.example", result.BackendHeader("X-Forwarded-Host"));
        Assert.Equal("http", plain.BackendHeader("X-Forwarded-Proto"));
    }

    [Fact]
    public async Task Unknown_hosts_paths_and_operations_answer_404_like_Azure()
    {
        var (service, key) = await fixture.ServiceWithApiAsync();
        foreach (var (host, path, method) in new[] { ("nope.localhost", "/echo/x", HttpMethod.Get), (null, "/other/x", HttpMethod.Get), (null, "/echo/x", HttpMethod.Delete) })
        {
            var result = await fixture.SendAsync(service, method, path, key, host: host);
            Assert.Equal(HttpStatusCode.NotFound, result.Status);
            Assert.Equal("Resource not found", result.Json!["message"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task The_most_specific_template_wins_and_parameters_reach_rewrite_uri()
    {
        var service = await Arm.CreateServiceAsync();
        await Arm.CreateAsync($"{service}/apis/shop", new JsonObject { ["path"] = "shop", ["serviceUrl"] = fixture.Backend.Url, ["subscriptionRequired"] = false });
        await Arm.CreateAsync($"{service}/apis/shop/operations/by-id", new JsonObject
        {
            ["displayName"] = "by id", ["method"] = "GET", ["urlTemplate"] = "/items/{id}",
            ["templateParameters"] = new JsonArray(new JsonObject { ["name"] = "id", ["type"] = "string" }),
        });
        await Arm.CreateAsync($"{service}/apis/shop/operations/special", new JsonObject { ["displayName"] = "special", ["method"] = "GET", ["urlTemplate"] = "/items/special" });
        await Arm.CreateAsync($"{service}/apis/shop/operations/by-id/policies/policy", new JsonObject
        {
            ["value"] = "<policies><inbound><base /><rewrite-uri template=\"/catalog/{id}/detail\" /></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>",
        });
        await Arm.CreateAsync($"{service}/apis/shop/operations/special/policies/policy", new JsonObject
        {
            ["value"] = "<policies><inbound><base /><rewrite-uri template=\"/special\" /></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>",
        });
        await fixture.RefreshAsync();

        Assert.Equal("/catalog/42/detail", (await fixture.GetAsync(service, "/shop/items/42?keep=1")).Json!["path"]!.GetValue<string>());
        Assert.Equal("?keep=1", (await fixture.GetAsync(service, "/shop/items/42?keep=1")).Json!["query"]!.GetValue<string>());
        Assert.Equal("/special", (await fixture.GetAsync(service, "/shop/items/special")).Json!["path"]!.GetValue<string>());
    }

    [Fact]
    public async Task Version_sets_select_the_api_by_segment_query_or_header()
    {
        var service = await Arm.CreateServiceAsync();
        foreach (var (set, scheme, extra) in new[] { ("seg", "Segment", ""), ("qry", "Query", "versionQueryName"), ("hdr", "Header", "versionHeaderName") })
        {
            var body = new JsonObject { ["displayName"] = set, ["versioningScheme"] = scheme };
            if (extra.Length > 0)
            {
                body[extra] = "v";
            }

            await Arm.CreateAsync($"{service}/apiVersionSets/{set}", body);
            foreach (var version in new[] { "v1", "v2" })
            {
                var api = $"{set}-{version}";
                await Arm.CreateAsync($"{service}/apis/{api}", new JsonObject
                {
                    ["path"] = set, ["serviceUrl"] = $"{fixture.Backend.Url}/{api}", ["subscriptionRequired"] = false,
                    ["apiVersionSetId"] = $"/apiVersionSets/{set}", ["apiVersion"] = version,
                });
                await Arm.CreateAsync($"{service}/apis/{api}/operations/get", new JsonObject { ["displayName"] = "get", ["method"] = "GET", ["urlTemplate"] = "/thing" });
            }
        }

        await fixture.RefreshAsync();
        Assert.Equal("/seg-v2/thing", (await fixture.GetAsync(service, "/seg/v2/thing")).Json!["path"]!.GetValue<string>());
        Assert.Equal("/qry-v1/thing", (await fixture.GetAsync(service, "/qry/thing?v=v1")).Json!["path"]!.GetValue<string>());
        Assert.Equal("/hdr-v2/thing", (await fixture.GetAsync(service, "/hdr/thing", headers: new Dictionary<string, string> { ["v"] = "v2" })).Json!["path"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.GetAsync(service, "/seg/v3/thing")).Status);
    }

    [Fact]
    public async Task Keys_must_be_present_valid_active_and_cover_the_api()
    {
        var (service, allKey) = await fixture.ServiceWithApiAsync();
        await Arm.CreateAsync($"{service}/apis/other", new JsonObject { ["path"] = "other", ["serviceUrl"] = fixture.Backend.Url });
        await Arm.CreateAsync($"{service}/apis/other/operations/get", new JsonObject { ["displayName"] = "g", ["method"] = "GET", ["urlTemplate"] = "/" });
        await Arm.CreateAsync($"{service}/products/gold", new JsonObject { ["displayName"] = "Gold", ["state"] = "published" });
        await Arm.PutAsync($"{service}/products/gold/apis/echo", null);
        await Arm.CreateAsync($"{service}/subscriptions/gold", new JsonObject { ["displayName"] = "g", ["scope"] = "/products/gold", ["state"] = "active", ["primaryKey"] = "gold-primary", ["secondaryKey"] = "gold-secondary" });
        await Arm.CreateAsync($"{service}/subscriptions/api-only", new JsonObject { ["displayName"] = "a", ["scope"] = "/apis/other", ["state"] = "active", ["primaryKey"] = "other-key" });
        await Arm.CreateAsync($"{service}/subscriptions/suspended", new JsonObject { ["displayName"] = "s", ["scope"] = "/apis", ["state"] = "suspended", ["primaryKey"] = "suspended-key" });
        await fixture.RefreshAsync();

        var missing = await fixture.GetAsync(service, "/echo/x");
        Assert.Equal(HttpStatusCode.Unauthorized, missing.Status);
        Assert.StartsWith("Access denied due to missing subscription key", missing.Json!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        foreach (var bad in new[] { "wrong", "suspended-key", "other-key" })
        {
            var denied = await fixture.GetAsync(service, "/echo/x", bad);
            Assert.Equal(HttpStatusCode.Unauthorized, denied.Status);
            Assert.StartsWith("Access denied due to invalid subscription key", denied.Json!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        foreach (var good in new[] { allKey, "gold-primary", "gold-secondary" })
        {
            Assert.Equal(HttpStatusCode.OK, (await fixture.GetAsync(service, "/echo/x", good)).Status);
        }

        Assert.Equal(HttpStatusCode.OK, (await fixture.GetAsync(service, "/other", "other-key")).Status);

        await Arm.PatchAsync($"{service}/subscriptions/gold", new JsonObject { ["properties"] = new JsonObject { ["state"] = "suspended" } });
        await Arm.PostAsync($"{service}/subscriptions/all/regeneratePrimaryKey");
        await fixture.RefreshAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.GetAsync(service, "/echo/x", "gold-primary")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.GetAsync(service, "/echo/x", allKey)).Status);
    }

    [Fact]
    public async Task Apis_without_subscription_and_open_products_need_no_key()
    {
        var service = await Arm.CreateServiceAsync();
        await Arm.CreateAsync($"{service}/apis/public", new JsonObject { ["path"] = "public", ["serviceUrl"] = fixture.Backend.Url, ["subscriptionRequired"] = false });
        await Arm.CreateAsync($"{service}/apis/public/operations/get", new JsonObject { ["displayName"] = "g", ["method"] = "GET", ["urlTemplate"] = "/" });
        await Arm.CreateAsync($"{service}/apis/inopen", new JsonObject { ["path"] = "inopen", ["serviceUrl"] = fixture.Backend.Url });
        await Arm.CreateAsync($"{service}/apis/inopen/operations/get", new JsonObject { ["displayName"] = "g", ["method"] = "GET", ["urlTemplate"] = "/" });
        await Arm.CreateAsync($"{service}/products/open", new JsonObject { ["displayName"] = "Open", ["state"] = "published", ["subscriptionRequired"] = false });
        await Arm.PutAsync($"{service}/products/open/apis/inopen", null);
        await fixture.RefreshAsync();

        Assert.Equal(HttpStatusCode.OK, (await fixture.GetAsync(service, "/public")).Status);
        Assert.Equal(HttpStatusCode.OK, (await fixture.GetAsync(service, "/inopen")).Status);
    }

    [Fact]
    public async Task Changes_made_through_the_management_api_are_served_by_the_watcher_without_restart_or_refresh()
    {
        var (service, key) = await fixture.ServiceWithApiAsync();
        await Arm.CreateAsync($"{service}/apis/late", new JsonObject { ["path"] = "late", ["serviceUrl"] = fixture.Backend.Url + "/late" });
        await Arm.CreateAsync($"{service}/apis/late/operations/get", new JsonObject { ["displayName"] = "g", ["method"] = "GET", ["urlTemplate"] = "/" });

        // Nothing pokes the gateway here: its own polling finds the change (how fast is the gateway benchmark's business).
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        GatewayResult result;
        while ((result = await fixture.GetAsync(service, "/late", key)).Status != HttpStatusCode.OK)
        {
            Assert.Equal(HttpStatusCode.NotFound, result.Status);
            await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token);
        }
    }

    [Fact]
    public async Task Custom_proxy_hostnames_route_to_their_service()
    {
        var (service, key) = await fixture.ServiceWithApiAsync();
        var body = ArmClient.ServiceBody();
        body["properties"]!["hostnameConfigurations"] = new JsonArray(new JsonObject { ["type"] = "Proxy", ["hostName"] = $"{service.Split('/')[^1]}.contoso.example" });
        await Arm.PutAsync(service, body);
        await fixture.RefreshAsync();
        var result = await fixture.SendAsync(service, HttpMethod.Get, "/echo/x", key, host: $"{service.Split('/')[^1]}.contoso.example");
        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal($"{service.Split('/')[^1]}.contoso.example", result.BackendHeader("X-Forwarded-Host"));
    }
}
