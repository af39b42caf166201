using System.Net;
using System.Text.Json.Nodes;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Gateway;

/// <summary>A server plus an echo backend, and a client for the gateway listener.</summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public OpenApimInstance Server { get; private set; } = null!;

    public ArmClient Arm { get; private set; } = null!;

    public EchoBackend Backend { get; private set; } = null!;

    public HttpClient Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Backend = await EchoBackend.StartAsync();
        Server = await OpenApimInstance.StartAsync(StoreKind.Sqlite);
        Arm = await Server.CreateArmClientAsync();
        Gateway = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(Server.Endpoints["gatewayUrl"]!.GetValue<string>()),
        };
    }

    public async Task DisposeAsync()
    {
        Gateway.Dispose();
        Arm.Dispose();
        await Server.DisposeAsync();
        await Backend.DisposeAsync();
    }

    /// <summary>Makes the gateway load what the management API just stored (instead of waiting for its poll).</summary>
    public Task RefreshAsync() => Server.App.Services.RefreshGatewayAsync();

    /// <summary>Sends a request to a service's gateway host.</summary>
    public async Task<GatewayResult> SendAsync(string service, HttpMethod method, string path, string? key = null, IDictionary<string, string>? headers = null, string? body = null, string? host = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Host = host ?? $"{service.Split('/')[^1].ToLowerInvariant()}.localhost";
        if (key is not null)
        {
            request.Headers.Add("Ocp-Apim-Subscription-Key", key);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body);
        }

        using var response = await Gateway.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? json = null;
        try
        {
            json = text.Length > 0 ? JsonNode.Parse(text) : null;
        }
        catch (System.Text.Json.JsonException)
        {
        }

        var all = response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        return new GatewayResult(response.StatusCode, json, text, all);
    }

    public Task<GatewayResult> GetAsync(string service, string path, string? key = null, IDictionary<string, string>? headers = null) =>
        SendAsync(service, HttpMethod.Get, path, key, headers);

    /// <summary>A service with one API (path = its name) on the echo backend, one catch-all GET operation and an all-APIs key.</summary>
    public async Task<(string Service, string Key)> ServiceWithApiAsync(string api = "echo", string? policy = null)
    {
        var service = await Arm.CreateServiceAsync();
        await Arm.CreateAsync($"{service}/apis/{api}", new JsonObject { ["path"] = api, ["serviceUrl"] = Backend.Url + "/backend" });
        foreach (var method in new[] { "GET", "POST" })
        {
            await Arm.CreateAsync($"{service}/apis/{api}/operations/{method.ToLowerInvariant()}-all", new JsonObject
            {
                ["displayName"] = method, ["method"] = method, ["urlTemplate"] = "/{*rest}",
                ["templateParameters"] = new JsonArray(new JsonObject { ["name"] = "rest", ["type"] = "string" }),
            });
        }

        if (policy is not null)
        {
            var put = await Arm.PutAsync($"{service}/apis/{api}/policies/policy", new JsonObject { ["properties"] = new JsonObject { ["value"] = policy } });
            Assert.True(put.Status == HttpStatusCode.Created, put.ToString());
        }

        var key = "key-" + Guid.NewGuid().ToString("N");
        await Arm.CreateAsync($"{service}/subscriptions/all", new JsonObject { ["displayName"] = "all", ["scope"] = "/apis", ["state"] = "active", ["primaryKey"] = key });
        await RefreshAsync();
        return (service, key);
    }
}

public sealed record GatewayResult(HttpStatusCode Status, JsonNode? Json, string Text, IReadOnlyDictionary<string, string> Headers)
{
    public string? Header(string name) => Headers.GetValueOrDefault(name);

    /// <summary>A request header as the echo backend received it.</summary>
    public string? BackendHeader(string name) => Json?["headers"]?[name.ToLowerInvariant()]?.GetValue<string>();

    public override string ToString() => $"{(int)Status} {Text}";
}
