using System.Net;
using System.Text.Json.Nodes;
using OpenApim.Gateway.Proxy;

namespace OpenApim.Tests.Gateway;

/// <summary>
/// Review finding: browsers send a host's cookies to every port of it, so the console's session cookie reached a backend
/// through the gateway, and a tenant could claim the management host as a gateway host name to collect it.
/// </summary>
public sealed class ServerCookieTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task The_gateway_never_forwards_the_servers_own_cookies_to_a_backend()
    {
        var (service, key) = await fixture.ServiceWithApiAsync();
        var result = await fixture.SendAsync(service, HttpMethod.Get, "/echo/orders/1", key, new Dictionary<string, string>
        {
            ["Cookie"] = "app=1; __Host-openapim-console=session-secret; __Host-openapim-storage=key; theirs=2",
        });
        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal("app=1; theirs=2", result.BackendHeader("cookie"));

        var only = await fixture.SendAsync(service, HttpMethod.Get, "/echo/orders/1", key, new Dictionary<string, string> { ["Cookie"] = "__Host-openapim-antiforgery=x" });
        Assert.Null(only.BackendHeader("cookie"));
    }

    [Fact]
    public async Task Policies_neither_see_the_servers_cookies_nor_set_them()
    {
        const string leaky = """
            <policies><inbound><base />
            <set-header name="x-leak" exists-action="override"><value>@(context.Request.Headers.GetValueOrDefault("Cookie","none"))</value></set-header>
            </inbound><backend><base /></backend>
            <outbound><base /><set-header name="Set-Cookie" exists-action="append"><value>__Host-openapim-flash=tossed; Path=/; Secure</value><value>app=fine</value></set-header></outbound>
            <on-error><base /></on-error></policies>
            """;
        const string answering = """
            <policies><inbound><base />
            <return-response><set-status code="200" reason="OK" /><set-header name="Set-Cookie" exists-action="override"><value>__Host-openapim-console=tossed; Path=/; Secure</value></set-header></return-response>
            </inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>
            """;
        var (service, key) = await fixture.ServiceWithApiAsync(policy: leaky);
        var (answeringService, answeringKey) = await fixture.ServiceWithApiAsync(policy: answering);
        var cookie = new Dictionary<string, string> { ["Cookie"] = "app=1; __Host-openapim-console=session-secret" };

        var proxied = await fixture.SendAsync(service, HttpMethod.Get, "/echo/orders/1", key, cookie);
        Assert.Equal(HttpStatusCode.OK, proxied.Status);
        Assert.Equal("app=1", proxied.BackendHeader("x-leak"));
        Assert.DoesNotContain("__Host-openapim", proxied.Header("Set-Cookie") ?? "", StringComparison.OrdinalIgnoreCase);
        Assert.Contains("app=fine", proxied.Header("Set-Cookie") ?? "", StringComparison.Ordinal);

        var answered = await fixture.SendAsync(answeringService, HttpMethod.Get, "/echo/orders/1", answeringKey, cookie);
        Assert.Equal(HttpStatusCode.OK, answered.Status);
        Assert.DoesNotContain("__Host-openapim", answered.Header("Set-Cookie") ?? "", StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("__Host-openapim-console=x; Path=/; Secure", true)]
    [InlineData(" __host-OPENAPIM-storage=x", true)]
    [InlineData("__Host-openapim", false)]
    [InlineData("session=__Host-openapim-console", false)]
    [InlineData("=__Host-openapim-console=x", true)]
    public void A_backend_cannot_set_the_servers_cookies(string setCookie, bool refused) => Assert.Equal(refused, ServerCookies.Owns(setCookie));

    [Fact]
    public async Task A_service_cannot_take_the_management_hosts_name()
    {
        var (service, _) = await fixture.ServiceWithApiAsync();
        var management = new Uri(fixture.Server.ManagementUrl).Host;
        foreach (var host in new[] { management, "localhost", "LOCALHOST" })
        {
            var patched = await fixture.Arm.PatchAsync(service, new JsonObject
            {
                ["properties"] = new JsonObject { ["hostnameConfigurations"] = new JsonArray(new JsonObject { ["type"] = "Proxy", ["hostName"] = host }) },
            });
            Assert.Equal(HttpStatusCode.BadRequest, patched.Status);
            Assert.Equal("HostnameReserved", patched.ErrorCode);
        }
    }
}
