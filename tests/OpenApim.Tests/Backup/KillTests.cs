using System.Net;
using System.Text.Json.Nodes;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Backup;

/// <summary>
/// The server is killed (SIGKILL) in the middle of a backup and of a restore, then started again on
/// the same data: no partial blob, no half-restored service, and the restarted server finishes the
/// operation (its access key was sealed in the operation row) exactly once. The storage account (an Azurite of the
/// test's own) is frozen once the operation is accepted, so the operation is certainly still running when the server dies.
/// </summary>
public abstract class KillTests(StoreKind store) : IAsyncLifetime
{
    private const string Subscription = "00000000-0000-0000-0000-000000000001";
    private readonly string _data = Path.Combine(Path.GetTempPath(), "openapim-tests", "kill-" + Guid.NewGuid().ToString("N"));
    private PostgresDatabase? _database;
    private AzuriteProcess? _azurite;

    private string[] StoreArgs => _database is null ? [] : ["--postgres", _database.ConnectionString];

    // A short lease so a PostgreSQL node notices the dead one quickly; SQLite ends such operations at start.
    private string[] ServerArgs => [.. StoreArgs, .. _azurite!.ServerArgs, "--OPENAPIM_OPERATION_LEASE", "00:00:02"];

    public async Task InitializeAsync()
    {
        _database = store == StoreKind.Postgres ? await PostgresDatabase.CreateAsync() : null;
        _azurite = await AzuriteProcess.StartAsync();
        await ServerProcess.SeedAsync(["--service", "big", "--scale", "0.3", "--data-dir", _data, .. StoreArgs]);
    }

    public async Task DisposeAsync()
    {
        await _azurite!.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Killed_mid_backup_leaves_no_blob_and_the_restarted_server_finishes_it()
    {
        var container = await NewContainerAsync();
        string location;
        await using (var server = await ServerProcess.StartAsync(_data, ServerArgs))
        {
            using var arm = await server.CreateArmClientAsync();
            var accepted = await arm.PostAsync($"{Service("big")}/backup", Azurite.StorageBody(container, "big.apimbackup"));
            Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
            location = accepted.Headers.Location!.PathAndQuery;
            _azurite!.Pause();
            Assert.Equal(HttpStatusCode.Accepted, (await arm.SendAsync(HttpMethod.Get, location, apiVersion: null)).Status);
            await server.KillAsync();
            _azurite.Resume();
        }

        Assert.False(await ExistsAsync(container, "big.apimbackup"));

        await using (var restarted = await ServerProcess.StartAsync(_data, ServerArgs))
        {
            using var arm = await restarted.CreateArmClientAsync();
            var final = await arm.WaitAsync(location, TimeSpan.FromSeconds(60));
            Assert.True(final.Status == HttpStatusCode.OK, $"{final}\n{restarted.Output}");
            Assert.True(await ExistsAsync(container, "big.apimbackup"));
            var work = Path.Combine(_data, "work");
            Assert.True(!Directory.Exists(work) || Directory.GetFiles(work, "*.zip").Length == 0, "a partial archive was left in the work folder");

            var history = (await arm.GetAsync($"{Service("big")}/operations")).Json["value"]!.AsArray();
            Assert.Single(history, o => o!["kind"]!.GetValue<string>() == "backup");
            Assert.DoesNotContain("sealed", (await arm.GetAsync($"{Service("big")}/operations")).Body!.ToJsonString(), StringComparison.Ordinal);

            var target = Service("from-resumed");
            Assert.Equal(HttpStatusCode.Created, (await arm.PutAsync(target, ArmClient.ServiceBody())).Status);
            Assert.Equal(HttpStatusCode.OK, (await arm.RunAsync($"{target}/restore", Azurite.StorageBody(container, "big.apimbackup"))).Final.Status);
            Assert.Equal(300, (await arm.GetAsync($"{target}/apis")).Json["count"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task Killed_mid_restore_leaves_the_target_untouched_until_the_restarted_server_finishes_it()
    {
        var container = await NewContainerAsync();
        string location;
        string target = Service("target");
        await using (var server = await ServerProcess.StartAsync(_data, ServerArgs))
        {
            using var arm = await server.CreateArmClientAsync();
            Assert.Equal(HttpStatusCode.OK, (await arm.RunAsync($"{Service("big")}/backup", Azurite.StorageBody(container, "big.apimbackup"))).Final.Status);
            Assert.Equal(HttpStatusCode.Created, (await arm.PutAsync(target, ArmClient.ServiceBody())).Status);
            await arm.CreateAsync($"{target}/apis/keep", new JsonObject { ["path"] = "keep" });

            var accepted = await arm.PostAsync($"{target}/restore", Azurite.StorageBody(container, "big.apimbackup"));
            Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
            location = accepted.Headers.Location!.PathAndQuery;
            _azurite!.Pause();
            Assert.Equal(HttpStatusCode.Accepted, (await arm.SendAsync(HttpMethod.Get, location, apiVersion: null)).Status);
            await server.KillAsync();
            _azurite.Resume();
        }

        // Nothing of the interrupted transaction is visible: the target is as it was (or, once resumed, fully restored).
        await using (var restarted = await ServerProcess.StartAsync(_data, ServerArgs))
        {
            using var arm = await restarted.CreateArmClientAsync();
            var apis = await arm.GetAsync($"{target}/apis?$top=1000");
            var names = apis.Json["value"]!.AsArray().Select(a => a!["name"]!.GetValue<string>()).ToList();
            Assert.True(names.SequenceEqual(["keep"]) || names.Count == 300, $"a half-restored target: {names.Count} APIs");

            var final = await arm.WaitAsync(location, TimeSpan.FromSeconds(60));
            Assert.True(final.Status == HttpStatusCode.OK, $"{final}\n{restarted.Output}");
            Assert.Equal(300, (await arm.GetAsync($"{target}/apis")).Json["count"]!.GetValue<int>());
            Assert.Equal(HttpStatusCode.NotFound, (await arm.GetAsync($"{target}/apis/keep")).Status);
            var history = (await arm.GetAsync($"{target}/operations")).Json["value"]!.AsArray();
            Assert.Single(history, o => o!["kind"]!.GetValue<string>() == "restore");
        }
    }

    private async Task<string> NewContainerAsync()
    {
        var name = "kill-" + Guid.NewGuid().ToString("N")[..12];
        await _azurite!.Client.CreateBlobContainerAsync(name);
        return name;
    }

    private async Task<bool> ExistsAsync(string container, string blob) =>
        (await _azurite!.Client.GetBlobContainerClient(container).GetBlobClient(blob).ExistsAsync()).Value;

    private static string Service(string name) => $"/subscriptions/{Subscription}/resourceGroups/rg1/providers/Microsoft.ApiManagement/service/{name}";
}

public sealed class KillTestsOnSqlite() : KillTests(StoreKind.Sqlite);

public sealed class KillTestsOnPostgres() : KillTests(StoreKind.Postgres);
