using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs.Models;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Backup;

/// <summary>
/// Two nodes of one deployment (two server processes on one PostgreSQL database) both see a replication: exactly one ships it
/// (the stream's lease), the other stands by; writes through either node land in the one stream; when the shipping node is
/// killed (SIGKILL) the other takes the lease over once it lapses and continues the chain where storage ends, with no
/// segment written twice and no gap, so a point-in-time restore from the stream reproduces the service exactly.
/// </summary>
public sealed class MultiNodeShippingTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "openapim-tests", "mn-" + Guid.NewGuid().ToString("N"));
    private PostgresDatabase _database = null!;

    public async Task InitializeAsync() => _database = await PostgresDatabase.CreateAsync();

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

    private readonly Dictionary<string, string> _bootstrap = new()
    {
        ["OPENAPIM_BOOTSTRAP_CLIENT_ID"] = "7b6a4c2e-1d3f-4a5b-9c8d-000000000043",
        ["OPENAPIM_BOOTSTRAP_CLIENT_SECRET"] = "multi-node-" + Guid.NewGuid().ToString("N"),
    };

    private string[] Args => ["--postgres", _database.ConnectionString, .. Azurite.ServerArgs];

    private Task<ServerProcess> StartNodeAsync(string name) => ServerProcess.StartAsync(Path.Combine(_root, name), _bootstrap, Args);

    private Task<ArmClient> ClientAsync(ServerProcess node) =>
        node.CreateArmClientAsync(_bootstrap["OPENAPIM_BOOTSTRAP_CLIENT_ID"], _bootstrap["OPENAPIM_BOOTSTRAP_CLIENT_SECRET"]);

    [Fact]
    public async Task Exactly_one_node_ships_a_stream_and_the_other_takes_over_the_chain_when_it_dies()
    {
        var container = await Azurite.NewContainerAsync();
        await ServerProcess.ShareKeysAsync(Path.Combine(_root, "a"), Path.Combine(_root, "b"), _bootstrap, Args);
        await using var a = await StartNodeAsync("a");
        await using var b = await StartNodeAsync("b");
        using var armA = await ClientAsync(a);
        using var armB = await ClientAsync(b);
        var service = ArmClient.ServicePath(Names.Unique("mn"));
        Assert.Equal(HttpStatusCode.Created, (await armA.PutAsync(service, ArmClient.ServiceBody())).Status);
        Assert.Equal(HttpStatusCode.Created, (await armA.PutAsync($"{service}/replications/r1", new JsonObject
        {
            ["properties"] = new JsonObject { ["storageAccount"] = Azurite.Account, ["containerName"] = container, ["accessKey"] = Azurite.Key, ["sealIntervalMilliseconds"] = 200 },
        })).Status);

        // Both nodes run the replication; one holds the lease and ships, the other says it stands by.
        var shipsFirst = (ServerProcess?)null;
        await EventuallyAsync(async () =>
        {
            shipsFirst = (await StateAsync(armA, service), await StateAsync(armB, service)) switch
            {
                ("shipping", "standingBy") => a,
                ("standingBy", "shipping") => b,
                _ => null,
            };
            return shipsFirst is not null;
        }, "one node ships and the other stands by", a, b);
        var (shipper, shipperArm, survivor, survivorArm) = shipsFirst == a ? (a, armA, b, armB) : (b, armB, a, armA);

        for (var i = 0; i < 40; i++)
        {
            await (i % 2 == 0 ? armA : armB).CreateAsync($"{service}/namedValues/nv{i}", new JsonObject { ["displayName"] = $"nv{i}", ["value"] = $"v{i}" });
        }

        await EventuallyAsync(async () => await LagAsync(shipperArm, service) == 0, "the stream catches up", a, b);
        Assert.Equal("standingBy", await StateAsync(survivorArm, service));

        await shipper.KillAsync();
        for (var i = 40; i < 60; i++)
        {
            await survivorArm.CreateAsync($"{service}/namedValues/nv{i}", new JsonObject { ["displayName"] = $"nv{i}", ["value"] = $"v{i}" });
        }

        // The lease lapses (30 s) and the survivor continues the stream with everything written meanwhile.
        await EventuallyAsync(async () => await StateAsync(survivorArm, service) == "shipping" && await LagAsync(survivorArm, service) == 0, "the survivor ships", survivor);

        var segments = new List<(long Index, long From, long Through)>();
        await foreach (var blob in Azurite.Client.GetBlobContainerClient(container).GetBlobsAsync(BlobTraits.None, BlobStates.None, "replications/", CancellationToken.None))
        {
            if (blob.Name.Contains("/segments/", StringComparison.Ordinal))
            {
                var parts = blob.Name.Split('/')[^1].Split('.')[0].Split('-').Select(p => long.Parse(p, CultureInfo.InvariantCulture)).ToArray();
                segments.Add((parts[0], parts[1], parts[2]));
            }
        }

        segments.Sort();
        Assert.True(segments.Count >= 2, $"segments: {segments.Count}");
        Assert.Equal(segments.Count, segments.Select(s => s.Index).Distinct().Count());
        for (var i = 1; i < segments.Count; i++)
        {
            Assert.True(segments[i].Index == segments[i - 1].Index + 1 && segments[i].From == segments[i - 1].Through, $"the chain breaks between {segments[i - 1]} and {segments[i]}");
        }

        var copy = ArmClient.ServicePath(Names.Unique("copy"));
        Assert.Equal(HttpStatusCode.Created, (await survivorArm.PutAsync(copy, ArmClient.ServiceBody())).Status);
        var body = new JsonObject
        {
            ["storageAccount"] = Azurite.Account, ["containerName"] = container, ["accessKey"] = Azurite.Key, ["replication"] = $"{service.Split('/')[^1]}/r1",
        };
        var restored = (await survivorArm.RunAsync($"{copy}/restore", body)).Final;
        Assert.True(restored.Status == HttpStatusCode.OK, restored.ToString());
        Assert.Equal(await ServiceDump.ReadAsync(survivorArm, service), await ServiceDump.ReadAsync(survivorArm, copy));
    }

    private static async Task<string?> StateAsync(ArmClient arm, string service) =>
        (await arm.GetAsync($"{service}/replications/r1")).Properties["status"]?["state"]?.GetValue<string>();

    private static async Task<double?> LagAsync(ArmClient arm, string service) =>
        (await arm.GetAsync($"{service}/replications/r1")).Properties["status"]?["lagSeconds"]?.GetValue<double>();

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what, params ServerProcess[] nodes)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}\n{string.Join("\n----\n", nodes.Select(n => n.Output))}");
            await Task.Delay(200);
        }
    }
}
