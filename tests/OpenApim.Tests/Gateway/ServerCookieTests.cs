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

    [Theory]
    [InlineData("__Host-openapim-console=x; Path=/; Secure", true)]
    [InlineData(" __host-OPENAPIM-storage=x", true)]
    [InlineData("__Host-openapim", false)]
    [InlineData("session=__Host-openapim-console", false)]
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
