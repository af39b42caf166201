using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Backup;

/// <summary>
/// Continuous protection end to end, as an operator runs it: a primary and a standby as two server processes (their own data
/// directories or databases) that share nothing but an Azurite. The standby follows the primary's stream and serves its keys;
/// storage stops answering for a while and nothing is lost; the primary is killed (SIGKILL); the standby is promoted with
/// every durable write; an API deleted by mistake comes back by undelete; a point-in-time restore reproduces the state
/// before a bad change exactly.
/// </summary>
public abstract class ContinuousProtectionTests(StoreKind store) : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "openapim-tests", "cp-" + Guid.NewGuid().ToString("N"));
    private readonly List<PostgresDatabase> _databases = [];
    private AzuriteProcess? _azurite;

    public async Task InitializeAsync() => _azurite = await AzuriteProcess.StartAsync();

    public async Task DisposeAsync()
    {
        await _azurite!.DisposeAsync();
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private readonly Dictionary<string, string[]> _nodeArgs = [];

    /// <summary>Starts a node with its own data directory (and its own database on PostgreSQL); again with the same name: the same node restarted.</summary>
    private async Task<ServerProcess> StartNodeAsync(string name)
    {
        if (!_nodeArgs.TryGetValue(name, out var args))
        {
            string[] storeArgs = [];
            if (store == StoreKind.Postgres)
            {
                var database = await PostgresDatabase.CreateAsync();
                _databases.Add(database);
                storeArgs = ["--postgres", database.ConnectionString];
            }

            _nodeArgs[name] = args = [.. storeArgs, .. _azurite!.ServerArgs, "--OPENAPIM_STORAGE_TIMEOUT", "00:00:02"];
        }

        return await ServerProcess.StartAsync(Path.Combine(_root, name), args);
    }

    private static JsonObject Storage(string container) => new()
    {
        ["storageAccount"] = Azurite.Account,
        ["containerName"] = container,
        ["accessKey"] = Azurite.Key,
    };

    private static JsonObject Replication(string container, string mode = "Primary", string? source = null)
    {
        var properties = Storage(container);
        properties["mode"] = mode;
        properties["source"] = source;
        properties["sealIntervalMilliseconds"] = 200;
        return new JsonObject { ["properties"] = properties };
    }

    private static JsonObject FromStream(string container, JsonObject extension)
    {
        var body = Storage(container);
        body["replication"] = "primary/r1";
        foreach (var (key, value) in extension)
        {
            body[key] = value?.DeepClone();
        }

        return body;
    }

    [Fact]
    public async Task A_standby_in_another_deployment_follows_survives_a_storage_outage_and_takes_over_when_the_primary_dies()
    {
        var container = "cp-" + Guid.NewGuid().ToString("N")[..12];
        await _azurite!.Client.CreateBlobContainerAsync(container);
        var primaryNode = await StartNodeAsync("primary");
        await using var standbyNode = await StartNodeAsync("standby");
        using var primaryArm = await primaryNode.CreateArmClientAsync();
        using var standbyArm = await standbyNode.CreateArmClientAsync();
        await using var backend = await EchoBackend.StartAsync();
        var primary = ArmClient.ServicePath("primary");
        var standby = ArmClient.ServicePath("standby");
        Assert.Equal(HttpStatusCode.Created, (await primaryArm.PutAsync(primary, ArmClient.ServiceBody())).Status);
        Assert.Equal(HttpStatusCode.Created, (await standbyArm.PutAsync(standby, ArmClient.ServiceBody(location: "North Europe"))).Status);

        await primaryArm.CreateAsync($"{primary}/apis/orders", new JsonObject { ["path"] = "orders", ["serviceUrl"] = backend.Url });
        await primaryArm.CreateAsync($"{primary}/apis/orders/operations/get", new JsonObject { ["displayName"] = "get", ["method"] = "GET", ["urlTemplate"] = "/{id}",
            ["templateParameters"] = new JsonArray(new JsonObject { ["name"] = "id", ["type"] = "string" }) });
        Assert.Equal(HttpStatusCode.Created, (await primaryArm.PutAsync($"{primary}/apis/orders/policies/policy", new JsonObject { ["properties"] = new JsonObject
        {
            ["format"] = "xml", ["value"] = "<policies><inbound><base /><set-header name=\"x-region\" exists-action=\"override\"><value>any</value></set-header></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>",
        } })).Status);
        await primaryArm.CreateAsync($"{primary}/subscriptions/s1", new JsonObject { ["displayName"] = "s1", ["scope"] = "/apis", ["state"] = "active", ["primaryKey"] = "cp-key-1" });
        Assert.Equal(HttpStatusCode.Created, (await primaryArm.PutAsync($"{primary}/replications/r1", Replication(container))).Status);
        Assert.Equal(HttpStatusCode.Created, (await standbyArm.PutAsync($"{standby}/replications/follow", Replication(container, "Standby", "primary/r1"))).Status);
        await EventuallyAsync(async () => await GatewayAsync(standbyNode, "cp-key-1") == HttpStatusCode.OK, "the standby serves the primary's key", standbyNode);

        // A new key on the primary is enforced by the standby's gateway within seconds.
        var watch = Stopwatch.StartNew();
        await primaryArm.CreateAsync($"{primary}/subscriptions/s2", new JsonObject { ["displayName"] = "s2", ["scope"] = "/apis", ["state"] = "active", ["primaryKey"] = "cp-key-2" });
        await EventuallyAsync(async () => await GatewayAsync(standbyNode, "cp-key-2") == HttpStatusCode.OK, "the standby enforces a new key", standbyNode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"a new key took {watch.Elapsed.TotalSeconds:F1} s to reach the standby");

        // Storage stops answering: the primary keeps accepting writes, its recovery point ages visibly, nothing is lost.
        _azurite.Pause();
        await primaryArm.CreateAsync($"{primary}/namedValues/during-outage", new JsonObject { ["displayName"] = "during-outage", ["value"] = "kept" });
        await Task.Delay(3000);
        var aging = (await primaryArm.GetAsync($"{primary}/replications/r1")).Properties["status"]!;
        _azurite.Resume();
        Assert.True(aging["lagSeconds"]!.GetValue<double>() >= 2, aging.ToJsonString());
        await EventuallyAsync(async () => (await standbyArm.GetAsync($"{standby}/namedValues/during-outage")).Status == HttpStatusCode.OK, "the write made during the outage reaches the standby", standbyNode);
        await EventuallyAsync(async () => (await primaryArm.GetAsync($"{primary}/replications/r1")).Properties["status"]!["lagSeconds"]!.GetValue<double>() == 0, "the primary catches up", primaryNode);

        // The state before a mistake, then the mistake (an API deleted), then the last write the primary acknowledges.
        var beforeMistake = await ServiceDump.ReadAsync(primaryArm, primary);
        await Task.Delay(100);
        var momentBefore = DateTimeOffset.UtcNow;
        await Task.Delay(100);
        Assert.Equal(HttpStatusCode.OK, (await primaryArm.DeleteAsync($"{primary}/apis/orders")).Status);
        await primaryArm.CreateAsync($"{primary}/namedValues/last-acknowledged", new JsonObject { ["displayName"] = "last-acknowledged", ["value"] = "durable" });
        await EventuallyAsync(async () => (await primaryArm.GetAsync($"{primary}/replications/r1")).Properties["status"]!["lagSeconds"]!.GetValue<double>() == 0, "the last write is durable", primaryNode);
        await primaryNode.KillAsync();
        await primaryNode.DisposeAsync();

        var promoted = (await standbyArm.RunAsync($"{standby}/promote", new JsonObject())).Final;
        Assert.True(promoted.Status == HttpStatusCode.OK, $"{promoted}\n{standbyNode.Output}");
        Assert.Equal("durable", (await standbyArm.PostAsync($"{standby}/namedValues/last-acknowledged/listValue")).Json["value"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await standbyArm.GetAsync($"{standby}/apis/orders")).Status);
        Assert.Equal("North Europe", (await standbyArm.GetAsync(standby)).Json["location"]!.GetValue<string>());

        // Undelete the API deleted by mistake, with its operation and policy, from the stream; the same key then works.
        var undelete = (await standbyArm.RunAsync($"{standby}/restore", FromStream(container, new JsonObject { ["pointInTime"] = momentBefore.ToString("O"), ["entities"] = new JsonArray("apis/orders") }))).Final;
        Assert.True(undelete.Status == HttpStatusCode.OK, undelete.ToString());
        Assert.Equal(HttpStatusCode.OK, (await standbyArm.GetAsync($"{standby}/apis/orders/operations/get")).Status);
        Assert.Equal(HttpStatusCode.OK, (await standbyArm.GetAsync($"{standby}/apis/orders/policies/policy")).Status);
        await EventuallyAsync(async () => await GatewayAsync(standbyNode, "cp-key-2") == HttpStatusCode.OK, "the standby serves the undeleted API with the primary's key", standbyNode);

        // A point-in-time restore to before the mistake reproduces the primary as it was then, exactly.
        var replica = ArmClient.ServicePath("as-before");
        Assert.Equal(HttpStatusCode.Created, (await standbyArm.PutAsync(replica, ArmClient.ServiceBody())).Status);
        var pitr = (await standbyArm.RunAsync($"{replica}/restore", FromStream(container, new JsonObject { ["pointInTime"] = momentBefore.ToString("O") }))).Final;
        Assert.True(pitr.Status == HttpStatusCode.OK, pitr.ToString());
        Assert.Equal(beforeMistake, await ServiceDump.ReadAsync(standbyArm, replica));
    }

    [Fact]
    public async Task A_standby_killed_while_it_applies_a_busy_stream_resumes_where_it_was_and_applies_nothing_twice()
    {
        var container = "cp-" + Guid.NewGuid().ToString("N")[..12];
        await _azurite!.Client.CreateBlobContainerAsync(container);
        await using var primaryNode = await StartNodeAsync("primary");
        var standbyNode = await StartNodeAsync("standby");
        using var primaryArm = await primaryNode.CreateArmClientAsync();
        var primary = ArmClient.ServicePath("primary");
        var standby = ArmClient.ServicePath("standby");
        Assert.Equal(HttpStatusCode.Created, (await primaryArm.PutAsync(primary, ArmClient.ServiceBody())).Status);
        await primaryArm.CreateAsync($"{primary}/namedValues/counter", new JsonObject { ["displayName"] = "counter", ["value"] = "0" });
        Assert.Equal(HttpStatusCode.Created, (await primaryArm.PutAsync($"{primary}/replications/r1", Replication(container))).Status);
        using (var standbyArm = await standbyNode.CreateArmClientAsync())
        {
            Assert.Equal(HttpStatusCode.Created, (await standbyArm.PutAsync(standby, ArmClient.ServiceBody())).Status);
            Assert.Equal(HttpStatusCode.Created, (await standbyArm.PutAsync($"{standby}/replications/follow", Replication(container, "Standby", "primary/r1"))).Status);
            await EventuallyAsync(async () => await CounterAsync(standbyArm, standby) == 0, "the standby applied the base", standbyNode);
        }

        // The primary counts to 300, one commit per value; the standby dies (SIGKILL) part way through applying the stream.
        const int last = 300;
        var writer = Task.Run(async () =>
        {
            for (var i = 1; i <= last; i++)
            {
                var written = await primaryArm.PatchAsync($"{primary}/namedValues/counter", new JsonObject { ["properties"] = new JsonObject { ["value"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) } });
                Assert.Equal(HttpStatusCode.OK, written.Status);
            }
        });
        using (var standbyArm = await standbyNode.CreateArmClientAsync())
        {
            await EventuallyAsync(async () => await CounterAsync(standbyArm, standby) >= 40, "the standby applies the busy stream", standbyNode);
        }

        await standbyNode.KillAsync();
        await standbyNode.DisposeAsync();
        await writer;

        await using var restarted = await StartNodeAsync("standby");
        using var arm = await restarted.CreateArmClientAsync();
        await EventuallyAsync(async () => await CounterAsync(arm, standby) == last, "the restarted standby catches up", restarted);

        // Every value the standby ever held, in order: each once and rising, so no record was applied twice and none went back.
        var values = new List<int>();
        var rebases = 0;
        for (var page = await arm.GetAsync($"{standby}/changes?from=0&$top=1000"); ; page = await arm.SendAsync(HttpMethod.Get, new Uri(page.Json["nextLink"]!.GetValue<string>()).PathAndQuery, apiVersion: null))
        {
            foreach (var change in page.Json["value"]!.AsArray())
            {
                rebases += change!["operation"]!.GetValue<string>() == "restore" ? 1 : 0;
                if (change["resourceId"]!.GetValue<string>().EndsWith("/namedValues/counter", StringComparison.OrdinalIgnoreCase) && change["properties"]?["value"] is { } value)
                {
                    values.Add(int.Parse(value.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            if (page.Json["nextLink"] is null)
            {
                break;
            }
        }

        Assert.Equal(1, rebases);
        Assert.Equal(last, values[^1]);
        Assert.True(values.Zip(values.Skip(1)).All(p => p.Second > p.First), $"the counter's values on the standby went back or repeated: {string.Join(",", values)}");
        Assert.Equal(await ServiceDump.ReadAsync(primaryArm, primary), await ServiceDump.ReadAsync(arm, standby));
    }

    private static async Task<int?> CounterAsync(ArmClient arm, string service)
    {
        var counter = await arm.GetAsync($"{service}/namedValues/counter");
        return counter.Status == HttpStatusCode.OK ? int.Parse(counter.Properties["value"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    private static async Task<HttpStatusCode> GatewayAsync(ServerProcess node, string key)
    {
        var endpoints = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(node.DataDirectory, "endpoints.json")))!;
        using var gateway = new HttpClient { BaseAddress = new Uri(endpoints["gatewayUrl"]!.GetValue<string>()), Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/orders/42");
        request.Headers.Host = "standby.localhost";
        request.Headers.Add("Ocp-Apim-Subscription-Key", key);
        using var response = await gateway.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what, ServerProcess node)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}\n{node.Output}");
            await Task.Delay(100);
        }
    }
}

public sealed class ContinuousProtectionTestsOnSqlite() : ContinuousProtectionTests(StoreKind.Sqlite);

public sealed class ContinuousProtectionTestsOnPostgres() : ContinuousProtectionTests(StoreKind.Postgres);
