using System.Net;
using System.Text.Json.Nodes;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Gateway;

/// <summary>Every policy the gateway runs, composition with &lt;base /&gt;, named values, and checks at save time.</summary>
public sealed class PolicyTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private ArmClient Arm => fixture.Arm;

    private static string Policy(string inbound = "", string outbound = "", string onError = "", string backend = "") =>
        $"<policies><inbound><base />{inbound}</inbound><backend><base />{backend}</backend><outbound><base />{outbound}</outbound><on-error><base />{onError}</on-error></policies>";

    [Fact]
    public async Task Headers_query_method_and_backend_are_rewritten()
    {
        await Arm.CreateAsync($"{await Service()}/namedValues/unused", new JsonObject { ["displayName"] = "unused", ["value"] = "x" });
        var (service, key) = await fixture.ServiceWithApiAsync(policy: Policy(
            inbound: """
                <set-header name="x-added" exists-action="override"><value>one</value></set-header>
                <set-header name="x-remove" exists-action="delete" />
                <set-header name="x-sub" exists-action="override"><value>@(context.Subscription.Id)</value></set-header>
                <set-query-parameter name="q" exists-action="append"><value>added</value></set-query-parameter>
                <set-method>PUT</set-method>
                """,
            outbound: """<set-header name="x-out" exists-action="override"><value>out</value></set-header><set-header name="x-backend" exists-action="delete" />"""));

        var result = await fixture.GetAsync(service, "/echo/a?q=orig", key, new Dictionary<string, string> { ["x-remove"] = "bye" });

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal("one", result.BackendHeader("x-added"));
        Assert.Null(result.BackendHeader("x-remove"));
        Assert.Equal("all", result.BackendHeader("x-sub"));
        Assert.Equal("?q=orig&q=added", result.Json!["query"]!.GetValue<string>());
        Assert.Equal("PUT", result.Json["method"]!.GetValue<string>());
        Assert.Equal("out", result.Header("x-out"));
        Assert.Null(result.Header("x-backend"));
    }

    [Fact]
    public async Task Set_backend_service_uses_a_url_or_a_backend_entity_with_its_credentials()
    {
        var service = await Service();
        await Arm.CreateAsync($"{service}/backends/orders", new JsonObject
        {
            ["url"] = fixture.Backend.Url + "/entity", ["protocol"] = "http",
            ["credentials"] = new JsonObject
            {
                ["header"] = new JsonObject { ["x-functions-key"] = new JsonArray("fkey") },
                ["authorization"] = new JsonObject { ["scheme"] = "Basic", ["parameter"] = "dXNlcjpwYXNz" },
            },
        });
        var (svc, key) = await fixture.ServiceWithApiAsync("byentity", Policy(inbound: """<set-backend-service backend-id="orders" />"""));
        _ = svc;
        // The backend lives in another service; create the API in the same one.
        var (other, otherKey) = (service, "k-" + Guid.NewGuid().ToString("N"));
        await Arm.CreateAsync($"{other}/apis/api1", new JsonObject { ["path"] = "api1", ["serviceUrl"] = "http://127.0.0.1:1" });
        await Arm.CreateAsync($"{other}/apis/api1/operations/get", new JsonObject { ["displayName"] = "g", ["method"] = "GET", ["urlTemplate"] = "/x" });
        await Arm.CreateAsync($"{other}/apis/api1/policies/policy", new JsonObject { ["value"] = Policy(inbound: """<set-backend-service backend-id="orders" />""") });
        await Arm.CreateAsync($"{other}/apis/api2", new JsonObject { ["path"] = "api2", ["serviceUrl"] = "http://127.0.0.1:1" });
        await Arm.CreateAsync($"{other}/apis/api2/operations/get", new JsonObject { ["displayName"] = "g", ["method"] = "GET", ["urlTemplate"] = "/x" });
        await Arm.CreateAsync($"{other}/apis/api2/policies/policy", new JsonObject { ["value"] = Policy(inbound: $"""<set-backend-service base-url="{fixture.Backend.Url}/url" />""") });
        await Arm.CreateAsync($"{other}/subscriptions/all", new JsonObject { ["displayName"] = "a", ["scope"] = "/apis", ["state"] = "active", ["primaryKey"] = otherKey });
        await fixture.RefreshAsync();

        var viaEntity = await fixture.GetAsync(other, "/api1/x", otherKey);
        Assert.Equal("/entity/x", viaEntity.Json!["path"]!.GetValue<string>());
        Assert.Equal("fkey", viaEntity.BackendHeader("x-functions-key"));
        Assert.Equal("Basic dXNlcjpwYXNz", viaEntity.BackendHeader("Authorization"));
        Assert.Equal("/url/x", (await fixture.GetAsync(other, "/api2/x", otherKey)).Json!["path"]!.GetValue<string>());

        var missingBackend = await fixture.GetAsync(svc, "/byentity/x", key);
        Assert.Equal(HttpStatusCode.InternalServerError, missingBackend.Status);
        Assert.Contains("orders", missingBackend.Json!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rate_limits_and_quotas_answer_429_and_403_and_on_error_runs()
    {
        var (service, key) = await fixture.ServiceWithApiAsync(policy: Policy(
            inbound: """<rate-limit calls="2" renewal-period="60" remaining-calls-header-name="x-remaining" />""",
            onError: """<set-header name="x-error-source" exists-action="override"><value>handled</value></set-header>"""));
        Assert.Equal("1", (await fixture.GetAsync(service, "/echo/1", key)).Header("x-remaining"));
        Assert.Equal(HttpStatusCode.OK, (await fixture.GetAsync(service, "/echo/2", key)).Status);
        var limited = await fixture.GetAsync(service, "/echo/3", key);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.StartsWith("Rate limit is exceeded. Try again in", limited.Json!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(limited.Header("Retry-After"));
        Assert.Equal("handled", limited.Header("x-error-source"));

        var (byKey, key2) = await fixture.ServiceWithApiAsync(policy: Policy(inbound: """<rate-limit-by-key calls="1" renewal-period="60" counter-key="@(context.Request.Headers.GetValueOrDefault(&quot;x-client&quot;,&quot;&quot;))" />"""));
        Assert.Equal(HttpStatusCode.OK, (await fixture.GetAsync(byKey, "/echo/x", key2, new Dictionary<string, string> { ["x-client"] = "a" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await fixture.GetAsync(byKey, "/echo/x", key2, new Dictionary<string, string> { ["x-client"] = "b" })).Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await fixture.GetAsync(byKey, "/echo/x", key2, new Dictionary<string, string> { ["x-client"] = "a" })).Status);

        var (quota, key3) = await fixture.ServiceWithApiAsync(policy: Policy(inbound: """<quota calls="1" renewal-period="3600" />"""));
        Assert.Equal(HttpStatusCode.OK, (await fixture.GetAsync(quota, "/echo/x", key3)).Status);
        var over = await fixture.GetAsync(quota, "/echo/x", key3);
        Assert.Equal(HttpStatusCode.Forbidden, over.Status);
        Assert.StartsWith("Out of call volume quota", over.Json!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ip_filter_and_check_header_refuse_with_their_status()
    {
        var (forbid, key) = await fixture.ServiceWithApiAsync(policy: Policy(inbound: """<ip-filter action="forbid"><address>127.0.0.1</address></ip-filter>"""));
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.GetAsync(forbid, "/echo/x", key)).Status);
        var (allow, key2) = await fixture.ServiceWithApiAsync(policy: Policy(inbound: """<ip-filter action="allow"><address-range from="127.0.0.0" to="127.0.0.255" /></ip-filter>"""));
        Assert.Equal(HttpStatusCode.OK, (await fixture.GetAsync(allow, "/echo/x", key2)).Status);

        var (check, key3) = await fixture.ServiceWithApiAsync(policy: Policy(inbound: """
            <check-header name="x-tenant" failed-check-httpcode="412" failed-check-error-message="Tenant required" ignore-case="true"><value>contoso</value></check-header>
            """));
        var refused = await fixture.GetAsync(check, "/echo/x", key3);
        Assert.Equal(HttpStatusCode.PreconditionFailed, refused.Status);
        Assert.Equal("Tenant required", refused.Json!["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await fixture.GetAsync(check, "/echo/x", key3, new Dictionary<string, string> { ["x-tenant"] = "CONTOSO" })).Status);
    }

    [Fact]
    public async Task Mock_return_response_and_set_status_answer_without_the_backend()
    {
        var (mock, key) = await fixture.ServiceWithApiAsync(policy: Policy(inbound: """<mock-response status-code="201" content-type="application/json" />"""));
        var mocked = await fixture.GetAsync(mock, "/echo/x", key);
        Assert.Equal(HttpStatusCode.Created, mocked.Status);
        Assert.Null(mocked.Header("x-backend"));

        var (returned, key2) = await fixture.ServiceWithApiAsync(policy: Policy(inbound: """
            <return-response><set-status code="418" reason="Teapot" /><set-header name="x-from" exists-action="override"><value>policy</value></set-header><set-body>short and stout</set-body></return-response>
            """));
        var teapot = await fixture.GetAsync(returned, "/echo/x", key2);
        Assert.Equal((HttpStatusCode)418, teapot.Status);
        Assert.Equal("policy", teapot.Header("x-from"));
        Assert.Equal("short and stout", teapot.Text);

        var (status, key3) = await fixture.ServiceWithApiAsync(policy: Policy(outbound: """<set-status code="202" reason="Taken" />"""));
        var accepted = await fixture.GetAsync(status, "/echo/x", key3);
        Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
        Assert.Equal("echo", accepted.Header("x-backend"));
    }

    [Fact]
    public async Task Cors_answers_preflight_and_decorates_responses()
    {
        var (service, key) = await fixture.ServiceWithApiAsync(policy: Policy(inbound: """
            <cors allow-credentials="false"><allowed-origins><origin>https://app.contoso.example</origin></allowed-origins>
            <allowed-methods preflight-result-max-age="300"><method>GET</method><method>POST</method></allowed-methods>
            <allowed-headers><header>*</header></allowed-headers><expose-headers><header>x-backend</header></expose-headers></cors>
            """));
        var preflight = await fixture.SendAsync(service, HttpMethod.Options, "/echo/x", headers: new Dictionary<string, string>
        {
            ["Origin"] = "https://app.contoso.example", ["Access-Control-Request-Method"] = "POST", ["Access-Control-Request-Headers"] = "content-type",
        });
        Assert.Equal(HttpStatusCode.OK, preflight.Status);
        Assert.Equal("https://app.contoso.example", preflight.Header("Access-Control-Allow-Origin"));
        Assert.Equal("300", preflight.Header("Access-Control-Max-Age"));

        var simple = await fixture.GetAsync(service, "/echo/x", key, new Dictionary<string, string> { ["Origin"] = "https://app.contoso.example" });
        Assert.Equal("https://app.contoso.example", simple.Header("Access-Control-Allow-Origin"));
        Assert.Equal("x-backend", simple.Header("Access-Control-Expose-Headers"));
        var stranger = await fixture.GetAsync(service, "/echo/x", key, new Dictionary<string, string> { ["Origin"] = "https://evil.example" });
        Assert.Null(stranger.Header("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Base_composes_global_product_api_and_operation_in_order_and_named_values_resolve()
    {
        var service = await Service();
        await Arm.CreateAsync($"{service}/namedValues/greeting", new JsonObject { ["displayName"] = "greeting", ["value"] = "hello", ["secret"] = true });
        string Append(string value) => $"""<set-header name="x-order" exists-action="append"><value>{value}</value></set-header>""";
        await Arm.CreateAsync($"{service}/policies/policy", new JsonObject { ["value"] = Policy(inbound: Append("global")) });
        await Arm.CreateAsync($"{service}/apis/layered", new JsonObject { ["path"] = "layered", ["serviceUrl"] = fixture.Backend.Url });
        await Arm.CreateAsync($"{service}/apis/layered/operations/get", new JsonObject { ["displayName"] = "g", ["method"] = "GET", ["urlTemplate"] = "/" });
        await Arm.CreateAsync($"{service}/apis/layered/policies/policy", new JsonObject
        {
            ["value"] = $"<policies><inbound>{Append("api-before")}<base />{Append("api-after {{greeting}}")}</inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>",
        });
        await Arm.CreateAsync($"{service}/apis/layered/operations/get/policies/policy", new JsonObject { ["value"] = Policy(inbound: Append("operation")) });
        await Arm.CreateAsync($"{service}/products/p", new JsonObject { ["displayName"] = "P", ["state"] = "published" });
        await Arm.PutAsync($"{service}/products/p/apis/layered", null);
        await Arm.CreateAsync($"{service}/products/p/policies/policy", new JsonObject { ["value"] = Policy(inbound: Append("product")) });
        await Arm.CreateAsync($"{service}/subscriptions/p", new JsonObject { ["displayName"] = "p", ["scope"] = "/products/p", ["state"] = "active", ["primaryKey"] = "layered-key" });
        await fixture.RefreshAsync();

        var result = await fixture.GetAsync(service, "/layered", "layered-key");

        Assert.Equal("api-before, global, product, api-after hello, operation", result.BackendHeader("x-order"));
    }

    [Theory]
    [InlineData("<policies><inbound><unknown-policy /></inbound></policies>", "unknown-policy", "line 1")]
    [InlineData("<policies>\n<inbound>\n<rate-limit calls=\"x\" renewal-period=\"60\" />\n</inbound></policies>", "calls", "line 3")]
    [InlineData("<policies><outbound><rate-limit calls=\"1\" renewal-period=\"60\" /></outbound></policies>", "not allowed in <outbound>", "line 1")]
    [InlineData("<policies><inbound><set-header name=\"x\"><value>@(DateTime.Now.ToString())</value></set-header></inbound></policies>", "expressions are not supported", "line 1")]
    [InlineData("<policies><inbound><set-header name=\"x\"><value>{{missing-value}}</value></set-header></inbound></policies>", "missing-value", "")]
    [InlineData("<policies><inbound><set-header><value>x</value></set-header></inbound></policies>", "'name'", "line 1")]
    [InlineData("<policies><inbound>", "well-formed", "")]
    public async Task Policies_that_cannot_run_are_refused_when_saved_naming_the_element_and_line(string xml, string expected, string line)
    {
        var service = await Service();
        await Arm.CreateAsync($"{service}/apis/a", new JsonObject { ["path"] = "a" });
        var result = await Arm.PutAsync($"{service}/apis/a/policies/policy", new JsonObject { ["properties"] = new JsonObject { ["value"] = xml } });
        Assert.Equal(HttpStatusCode.BadRequest, result.Status);
        Assert.Equal("ValidationError", result.ErrorCode);
        var messages = string.Join(" | ", result.Json["error"]!["details"]!.AsArray().Select(d => d!["message"]!.GetValue<string>()));
        Assert.Contains(expected, messages, StringComparison.Ordinal);
        Assert.Contains(line, messages, StringComparison.Ordinal);
    }

    private Task<string> Service() => Arm.CreateServiceAsync();
}
