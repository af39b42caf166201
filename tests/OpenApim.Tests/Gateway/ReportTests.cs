using System.Net;
using System.Text.Json.Nodes;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Gateway;

/// <summary>Usage the gateway records, read back through the reports API.</summary>
public sealed class ReportTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private ArmClient Arm => fixture.Arm;

    [Fact]
    public async Task Reports_show_the_calls_just_made_by_api_operation_subscription_user_and_time()
    {
        var (service, key) = await fixture.ServiceWithApiAsync();
        await Arm.CreateAsync($"{service}/users/ada", new JsonObject { ["email"] = "ada@example.com", ["firstName"] = "A", ["lastName"] = "L" });
        await Arm.CreateAsync($"{service}/subscriptions/ada", new JsonObject { ["displayName"] = "a", ["scope"] = "/apis", ["state"] = "active", ["ownerId"] = "/users/ada", ["primaryKey"] = "ada-key-" + Guid.NewGuid() });
        var adaKey = (await Arm.PostAsync($"{service}/subscriptions/ada/listSecrets")).Json["primaryKey"]!.GetValue<string>();
        await fixture.RefreshAsync();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await fixture.GetAsync(service, "/echo/ok", key)).Status);
        }

        Assert.Equal(HttpStatusCode.OK, (await fixture.SendAsync(service, HttpMethod.Post, "/echo/post", adaKey, body: "hello")).Status);
        Assert.Equal(HttpStatusCode.InternalServerError, (await fixture.GetAsync(service, "/echo/status/500", key)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.GetAsync(service, "/echo/x", "bad-key")).Status);
        await fixture.Server.App.Services.FlushUsageAsync(service, calls: 6);

        var from = DateTime.UtcNow.AddMinutes(-5).ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        var to = DateTime.UtcNow.AddMinutes(5).ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        var filter = Uri.EscapeDataString($"timestamp ge datetime'{from}' and timestamp le datetime'{to}'");

        var byApi = await Arm.GetAsync($"{service}/reports/byApi?$filter={filter}");
        Assert.Equal(HttpStatusCode.OK, byApi.Status);
        var echo = byApi.Json["value"]!.AsArray().Single()!;
        Assert.Equal("/apis/echo", echo["apiId"]!.GetValue<string>());
        Assert.Equal(6, echo["callCountTotal"]!.GetValue<int>());
        Assert.Equal(4, echo["callCountSuccess"]!.GetValue<int>());
        Assert.Equal(1, echo["callCountFailed"]!.GetValue<int>());
        Assert.Equal(1, echo["callCountBlocked"]!.GetValue<int>());
        Assert.True(echo["bandwidth"]!.GetValue<long>() > 0);

        var byOperation = await Arm.GetAsync($"{service}/reports/byOperation?$filter={filter}");
        Assert.Equal(["/apis/echo/operations/get-all", "/apis/echo/operations/post-all"], byOperation.Json["value"]!.AsArray().Select(r => r!["operationId"]!.GetValue<string>()));
        var bySubscription = await Arm.GetAsync($"{service}/reports/bySubscription?$filter={filter}");
        Assert.Contains(bySubscription.Json["value"]!.AsArray(), r => r!["subscriptionId"]!.GetValue<string>() == "/subscriptions/ada" && r["callCountTotal"]!.GetValue<int>() == 1);
        var byUser = await Arm.GetAsync($"{service}/reports/byUser?$filter={filter}");
        Assert.Equal("/users/ada", byUser.Json["value"]!.AsArray().Single()!["userId"]!.GetValue<string>());
        var byTime = await Arm.GetAsync($"{service}/reports/byTime?$filter={filter}&interval=PT15M");
        Assert.Equal(6, byTime.Json["value"]!.AsArray().Sum(r => r!["callCountTotal"]!.GetValue<int>()));
        Assert.Equal("PT15M", byTime.Json["value"]![0]!["interval"]!.GetValue<string>());

        Assert.Equal("ValidationError", (await Arm.GetAsync($"{service}/reports/byApi")).ErrorCode);
        Assert.Equal("ValidationError", (await Arm.GetAsync($"{service}/reports/byTime?$filter={filter}")).ErrorCode);
    }
}
