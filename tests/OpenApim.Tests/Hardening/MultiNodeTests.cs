using System.Net;
using System.Text.Json.Nodes;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Hardening;

/// <summary>
/// The scale-out story under faults: two nodes on one PostgreSQL database (sharing, as documented, the bootstrap
/// credential and the keys folder). The node running a restore or a backup is killed with SIGKILL; the other takes
/// the operation over when the lease expires and completes it, so the client's poll through the surviving node ends
/// 200. The killed node, started again, does not run the operation a second time.
/// </summary>
public sealed class MultiNodeTests : IAsyncLifetime
{
    private const string Subscription = "00000000-0000-0000-0000-000000000001";
    private static readonly Dictionary<string, string> Bootstrap = new()
    {
        ["OPENAPIM_BOOTSTRAP_CLIENT_ID"] = "7b6a4c2e-1d3f-4a5b-9c8d-000000000042",
        ["OPENAPIM_BOOTSTRAP_CLIENT_SECRET"] = "multi-node-" + Guid.NewGuid().ToString("N"),
    };

    private readonly string _root = Path.Combine(Path.GetTempPath(), "openapim-tests", "nodes-" + Guid.NewGuid().ToString("N"));
    private PostgresDatabase _database = null!;

    private string NodeA => Path.Combine(_root, "a");

    private string NodeB => Path.Combine(_root, "b");

    private string[] ServerArgs => ["--postgres", _database.ConnectionString, .. Azurite.ServerArgs, "--OPENAPIM_OPERATION_LEASE", "00:00:03"];

    public async Task InitializeAsync()
    {
        _database = await PostgresDatabase.CreateAsync();
        await ServerProcess.SeedAsync(["--service", "big", "--scale", "0.3", "--data-dir", NodeA, "--postgres", _database.ConnectionString]);
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task A_restore_whose_node_dies_is_completed_by_the_other_node_exactly_once()
    {
        var container = await Azurite.NewContainerAsync();
        var target = Service("target");
        await using var b = await StartNodesAsync();
        using var armB = await ClientAsync(b);
        string location;
        string operationId;
        await using (var a = await ServerProcess.StartAsync(NodeA, Bootstrap, ServerArgs))
        {
            using var armA = await ClientAsync(a);
            Assert.Equal(HttpStatusCode.OK, (await armA.RunAsync($"{Service("big")}/backup", Azurite.StorageBody(container, "big.apimbackup"))).Final.Status);
            Assert.Equal(HttpStatusCode.Created, (await armA.PutAsync(target, ArmClient.ServiceBody())).Status);
            await armA.CreateAsync($"{target}/apis/keep", new JsonObject { ["path"] = "keep" });

            var accepted = await armA.PostAsync($"{target}/restore", Azurite.StorageBody(container, "big.apimbackup"));
            Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
            location = accepted.Headers.Location!.PathAndQuery;
            operationId = location.Split('/')[^1].Split('?')[0];
            await Task.Delay(500);
            Assert.Equal(HttpStatusCode.Accepted, (await armA.SendAsync(HttpMethod.Get, location, apiVersion: null)).Status);
            await a.KillAsync();
        }

        var final = await armB.WaitAsync(location, TimeSpan.FromSeconds(90));
        Assert.True(final.Status == HttpStatusCode.OK, $"{final}\n{b.Output}");
        Assert.Equal(300, (await armB.GetAsync($"{target}/apis")).Json["count"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.NotFound, (await armB.GetAsync($"{target}/apis/keep")).Status);
        Assert.Contains(b.Output.Split('\n'), l => l.Contains("Resuming restore operation " + operationId, StringComparison.Ordinal));

        await using var again = await ServerProcess.StartAsync(NodeA, Bootstrap, ServerArgs);
        await Task.Delay(TimeSpan.FromSeconds(7));
        Assert.DoesNotContain(operationId, again.Output, StringComparison.Ordinal);
        using var armAgain = await ClientAsync(again);
        var history = (await armAgain.GetAsync($"{target}/operations")).Json["value"]!.AsArray();
        var restores = history.Where(o => o!["kind"]!.GetValue<string>() == "restore").ToList();
        Assert.Single(restores);
        Assert.Equal("Succeeded", restores[0]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_backup_whose_node_dies_is_completed_by_the_other_node_as_one_whole_blob()
    {
        var container = await Azurite.NewContainerAsync();
        await using var b = await StartNodesAsync();
        using var armB = await ClientAsync(b);
        string location;
        await using (var a = await ServerProcess.StartAsync(NodeA, Bootstrap, ServerArgs))
        {
            using var armA = await ClientAsync(a);
            var accepted = await armA.PostAsync($"{Service("big")}/backup", Azurite.StorageBody(container, "taken-over.apimbackup"));
            Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
            location = accepted.Headers.Location!.PathAndQuery;
            await Task.Delay(300);
            Assert.Equal(HttpStatusCode.Accepted, (await armA.SendAsync(HttpMethod.Get, location, apiVersion: null)).Status);
            await a.KillAsync();
        }

        Assert.False(await Azurite.ExistsAsync(container, "taken-over.apimbackup"));
        var final = await armB.WaitAsync(location, TimeSpan.FromSeconds(90));
        Assert.True(final.Status == HttpStatusCode.OK, $"{final}\n{b.Output}");

        var restored = Service("from-takeover");
        Assert.Equal(HttpStatusCode.Created, (await armB.PutAsync(restored, ArmClient.ServiceBody())).Status);
        Assert.Equal(HttpStatusCode.OK, (await armB.RunAsync($"{restored}/restore", Azurite.StorageBody(container, "taken-over.apimbackup"))).Final.Status);
        Assert.Equal(300, (await armB.GetAsync($"{restored}/apis")).Json["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_change_made_through_either_node_is_enforced_by_the_other_nodes_gateway()
    {
        // Polling an hour apart: only LISTEN/NOTIFY can wake the other node's gateway in time.
        string[] args = [.. ServerArgs, "--OPENAPIM_GATEWAY_POLL_INTERVAL", "01:00:00"];
        await using var backend = await EchoBackend.StartAsync();
        await ServerProcess.ShareKeysAsync(NodeA, NodeB, Bootstrap, args);
        await using var a = await ServerProcess.StartAsync(NodeA, Bootstrap, args);
        await using var b = await ServerProcess.StartAsync(NodeB, Bootstrap, args);
        using var armA = await ClientAsync(a);
        using var armB = await ClientAsync(b);
        using var gatewayA = Gateway.PropagationTests.Gateway(a);
        using var gatewayB = Gateway.PropagationTests.Gateway(b);
        var service = Service("big");
        await armA.CreateAsync($"{service}/apis/echo", new JsonObject { ["path"] = "echo", ["serviceUrl"] = backend.Url });
        await armA.CreateAsync($"{service}/apis/echo/operations/all", new JsonObject { ["displayName"] = "all", ["method"] = "GET", ["urlTemplate"] = "/*" });
        await Gateway.PropagationTests.UntilAsync(gatewayB, "big", "none", HttpStatusCode.Unauthorized);

        var key = "nodes-" + Guid.NewGuid().ToString("N");
        await armA.CreateAsync($"{service}/subscriptions/n1", new JsonObject { ["displayName"] = "n1", ["scope"] = "/apis", ["state"] = "active", ["primaryKey"] = key });
        await Gateway.PropagationTests.UntilAsync(gatewayB, "big", key, HttpStatusCode.OK);
        await Gateway.PropagationTests.UntilAsync(gatewayA, "big", key, HttpStatusCode.OK);

        await armB.PatchAsync($"{service}/subscriptions/n1", new JsonObject { ["properties"] = new JsonObject { ["state"] = "suspended" } });
        await Gateway.PropagationTests.UntilAsync(gatewayA, "big", key, HttpStatusCode.Unauthorized);
        await Gateway.PropagationTests.UntilAsync(gatewayB, "big", key, HttpStatusCode.Unauthorized);
        Assert.Equal(1, Gateway.PropagationTests.Loads(a, "big"));
        Assert.Equal(1, Gateway.PropagationTests.Loads(b, "big"));
    }

    /// <summary>Node A starts once to create the keys, which node B gets a copy of (docs/operations.md); returns node B running.</summary>
    private async Task<ServerProcess> StartNodesAsync()
    {
        await ServerProcess.ShareKeysAsync(NodeA, NodeB, Bootstrap, ServerArgs);
        return await ServerProcess.StartAsync(NodeB, Bootstrap, ServerArgs);
    }

    private static Task<ArmClient> ClientAsync(ServerProcess node) =>
        node.CreateArmClientAsync(Bootstrap["OPENAPIM_BOOTSTRAP_CLIENT_ID"], Bootstrap["OPENAPIM_BOOTSTRAP_CLIENT_SECRET"]);

    private static string Service(string name) => $"/subscriptions/{Subscription}/resourceGroups/rg1/providers/Microsoft.ApiManagement/service/{name}";
}
