using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using OpenApim.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OpenApim.Tests.Gateway;

/// <summary>
/// Issue 11: on a large service (the seed tool's reference service at a tenth: 20,000 subscriptions), the gateway enforces
/// a new, suspended, regenerated and deleted key without anybody asking it to refresh, by applying the journal's records,
/// not by reloading the service. Nobody pokes the gateway here: the server runs as a process, as the README starts it.
/// Latencies are printed, not asserted (bench/propagation.sh measures them under load); the bound here only catches a
/// gateway that does not propagate at all.
/// </summary>
public abstract class PropagationTests(ITestOutputHelper output) : IAsyncLifetime
{
    internal const string Subscription = "00000000-0000-0000-0000-000000000001";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "openapim-tests", "propagation-" + Guid.NewGuid().ToString("N"));
    private EchoBackend _backend = null!;

    protected abstract Task<string[]> StoreArgsAsync();

    public async Task InitializeAsync() => _backend = await EchoBackend.StartAsync();

    public virtual async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task New_suspended_regenerated_and_deleted_keys_are_enforced_from_the_journal_without_a_reload()
    {
        var data = Path.Combine(_root, "data");
        var store = await StoreArgsAsync();
        await ServerProcess.SeedAsync(["--service", "big", "--scale", "0.1", "--data-dir", data, .. store]);
        await using var server = await ServerProcess.StartAsync(data, store);
        using var arm = await server.CreateArmClientAsync();
        using var gateway = Gateway(server);
        var service = Service("big");
        await arm.CreateAsync($"{service}/apis/echo", new JsonObject { ["path"] = "echo", ["serviceUrl"] = _backend.Url });
        await arm.CreateAsync($"{service}/apis/echo/operations/all", new JsonObject { ["displayName"] = "all", ["method"] = "GET", ["urlTemplate"] = "/*" });
        await UntilAsync(gateway, "big", "no-such-key", HttpStatusCode.Unauthorized);
        var loads = Loads(server, "big");
        Assert.True(loads >= 1, server.Output);

        var key = "propagation-" + Guid.NewGuid().ToString("N");
        await arm.CreateAsync($"{service}/subscriptions/p1", new JsonObject { ["displayName"] = "p1", ["scope"] = "/apis", ["state"] = "active", ["primaryKey"] = key });
        output.WriteLine($"created: {await UntilAsync(gateway, "big", key, HttpStatusCode.OK)}");

        await arm.PatchAsync($"{service}/subscriptions/p1", new JsonObject { ["properties"] = new JsonObject { ["state"] = "suspended" } });
        output.WriteLine($"suspended: {await UntilAsync(gateway, "big", key, HttpStatusCode.Unauthorized)}");

        await arm.PatchAsync($"{service}/subscriptions/p1", new JsonObject { ["properties"] = new JsonObject { ["state"] = "active" } });
        await UntilAsync(gateway, "big", key, HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NoContent, (await arm.PostAsync($"{service}/subscriptions/p1/regeneratePrimaryKey")).Status);
        output.WriteLine($"regenerated (old key refused): {await UntilAsync(gateway, "big", key, HttpStatusCode.Unauthorized)}");
        var regenerated = (await arm.PostAsync($"{service}/subscriptions/p1/listSecrets")).Json["primaryKey"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, await CallAsync(gateway, "big", regenerated));

        await arm.DeleteAsync($"{service}/subscriptions/p1");
        output.WriteLine($"deleted: {await UntilAsync(gateway, "big", regenerated, HttpStatusCode.Unauthorized)}");

        // None of this reloaded the service (whose 20,000 seeded subscriptions were loaded once).
        Assert.Contains("APIs, 40000 keys", server.Output, StringComparison.Ordinal);
        Assert.Equal(loads, Loads(server, "big"));
    }

    internal static string Service(string name) => $"/subscriptions/{Subscription}/resourceGroups/rg1/providers/Microsoft.ApiManagement/service/{name}";

    /// <summary>How many times the node's gateway loaded the whole service (its log line).</summary>
    internal static int Loads(ServerProcess server, string service) =>
        server.Output.Split('\n').Count(l => l.Contains($"Gateway loaded {Service(service).ToLowerInvariant()}:", StringComparison.Ordinal));

    internal static HttpClient Gateway(ServerProcess server)
    {
        var endpoints = JsonNode.Parse(File.ReadAllText(Path.Combine(server.DataDirectory, "endpoints.json")))!;
        return new HttpClient { BaseAddress = new Uri(endpoints["gatewayUrl"]!.GetValue<string>()) };
    }

    internal static async Task<HttpStatusCode> CallAsync(HttpClient gateway, string service, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/echo/x");
        request.Headers.Host = $"{service}.localhost";
        request.Headers.Add("Ocp-Apim-Subscription-Key", key);
        using var response = await gateway.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>Calls until the gateway answers <paramref name="expected"/>; returns how long that took.</summary>
    internal static async Task<TimeSpan> UntilAsync(HttpClient gateway, string service, string key, HttpStatusCode expected)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = await CallAsync(gateway, service, key);
            if (status == expected)
            {
                return clock.Elapsed;
            }

            Assert.True(clock.Elapsed < Deadline, $"The gateway still answers {status}, not {expected}, {clock.Elapsed} after the change.");
            await Task.Delay(2);
        }
    }
}

public sealed class PropagationTestsOnSqlite(ITestOutputHelper output) : PropagationTests(output)
{
    protected override Task<string[]> StoreArgsAsync() => Task.FromResult(Array.Empty<string>());
}

public sealed class PropagationTestsOnPostgres(ITestOutputHelper output) : PropagationTests(output)
{
    private PostgresDatabase? _database;

    protected override async Task<string[]> StoreArgsAsync()
    {
        _database = await PostgresDatabase.CreateAsync();
        return ["--postgres", _database.ConnectionString];
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
