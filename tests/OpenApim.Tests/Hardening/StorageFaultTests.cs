using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Model;
using OpenApim.Resources.Store;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Hardening;

/// <summary>
/// Review finding 10 and the fault suite's storage part: storage that hangs, dies, is slow, is full or refuses the
/// key, during backup and restore, on both stores. Every failure is a named error within the storage timeout, and
/// neither the target service nor the container is left half-changed.
/// </summary>
public abstract class StorageFaultTests(StoreKind store)
{
    private const string Timeout = "00:00:03";

    [Fact]
    public async Task A_restore_from_storage_that_hangs_fails_unreachable_within_the_timeout_and_changes_nothing()
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        await using var server = await StartAsync(azurite);
        using var arm = await server.CreateArmClientAsync();
        var (source, container) = await BackedUpServiceAsync(arm, azurite);
        var target = await arm.CreateServiceAsync();
        await arm.CreateAsync($"{target}/apis/keep", new JsonObject { ["path"] = "keep" });
        var before = await ServiceDump.ReadAsync(arm, target);

        azurite.Pause();
        var clock = Stopwatch.StartNew();
        var restore = (await arm.RunAsync($"{target}/restore", Body(container, "base.apimbackup"))).Final;
        clock.Stop();
        azurite.Resume();

        AssertFailed(restore, "RestoreFailed", "AccountUnreachable");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        Assert.Contains("did not answer", restore.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(before, await ServiceDump.ReadAsync(arm, target));
        Assert.NotEqual(await ServiceDump.ReadAsync(arm, source), before);
    }

    [Fact]
    public async Task A_backup_to_storage_that_hangs_or_dies_fails_unreachable_and_leaves_no_blob()
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        await using var server = await StartAsync(azurite);
        using var arm = await server.CreateArmClientAsync();
        var (source, container) = await BackedUpServiceAsync(arm, azurite);

        azurite.Pause();
        var hung = (await arm.RunAsync($"{source}/backup", Body(container, "hung.apimbackup"))).Final;
        azurite.Resume();
        AssertFailed(hung, "BackupFailed", "AccountUnreachable");
        Assert.False((await azurite.Client.GetBlobContainerClient(container).GetBlobClient("hung.apimbackup").ExistsAsync()).Value);

        await azurite.KillAsync();
        AssertFailed((await arm.RunAsync($"{source}/backup", Body(container, "dead.apimbackup"))).Final, "BackupFailed", "AccountUnreachable");
        AssertFailed((await arm.RunAsync($"{source}/restore", Body(container, "base.apimbackup"))).Final, "RestoreFailed", "AccountUnreachable");
    }

    [Fact]
    public async Task Storage_that_is_slow_but_answers_within_the_timeout_completes_the_restore()
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        await using var server = await StartAsync(azurite);
        using var arm = await server.CreateArmClientAsync();
        var (source, container) = await BackedUpServiceAsync(arm, azurite);
        var target = await arm.CreateServiceAsync();

        azurite.Pause();
        var resume = Task.Delay(TimeSpan.FromSeconds(1)).ContinueWith(_ => azurite.Resume(), TaskScheduler.Default);
        var restore = (await arm.RunAsync($"{target}/restore", Body(container, "base.apimbackup"))).Final;
        await resume;

        Assert.True(restore.Status == HttpStatusCode.OK, restore.ToString());
        Assert.Equal(await ServiceDump.ReadAsync(arm, source), await ServiceDump.ReadAsync(arm, target));
    }

    [Fact]
    public async Task Storage_that_is_full_fails_the_backup_with_its_answer_and_leaves_no_blob()
    {
        await using var azurite = await AzuriteProcess.StartAsync(extentMemoryLimitMb: 1);
        await using var server = await StartAsync(azurite);
        using var arm = await server.CreateArmClientAsync();
        var service = await arm.CreateServiceAsync();
        await BulkSubscriptionsAsync(server, service, 40_000);
        var container = "c" + Guid.NewGuid().ToString("N")[..20];
        await azurite.Client.CreateBlobContainerAsync(container);

        var backup = (await arm.RunAsync($"{service}/backup", Body(container, "big.apimbackup"))).Final;

        Assert.True(backup.Status == HttpStatusCode.BadRequest, backup.ToString());
        Assert.Equal("BackupFailed", backup.ErrorCode);
        Assert.False((await azurite.Client.GetBlobContainerClient(container).GetBlobClient("big.apimbackup").ExistsAsync()).Value);
    }

    [Fact]
    public async Task A_wrong_key_fails_authentication_on_backup_and_restore()
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        await using var server = await StartAsync(azurite);
        using var arm = await server.CreateArmClientAsync();
        var (source, container) = await BackedUpServiceAsync(arm, azurite);
        var wrong = Convert.ToBase64String(new byte[64]);

        AssertFailed((await arm.RunAsync($"{source}/backup", Body(container, "x.apimbackup", wrong))).Final, "BackupFailed", "AuthenticationFailed");
        AssertFailed((await arm.RunAsync($"{source}/restore", Body(container, "base.apimbackup", wrong))).Final, "RestoreFailed", "AuthenticationFailed");
    }

    private Task<OpenApimInstance> StartAsync(AzuriteProcess azurite) =>
        OpenApimInstance.StartAsync(store, null, [.. azurite.ServerArgs, "--OPENAPIM_STORAGE_TIMEOUT", Timeout]);

    private static JsonObject Body(string container, string blob, string key = Azurite.Key) => Azurite.StorageBody(container, blob, key);

    private static void AssertFailed(ArmResult result, string code, string problem)
    {
        Assert.True(result.Status is HttpStatusCode.BadRequest or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout, result.ToString());
        Assert.Equal(code, result.ErrorCode);
        Assert.Equal(problem, result.Json["error"]!["details"]![0]!["code"]!.GetValue<string>());
    }

    private static async Task<(string Service, string Container)> BackedUpServiceAsync(ArmClient arm, AzuriteProcess azurite)
    {
        var service = await arm.CreateServiceAsync();
        await arm.CreateAsync($"{service}/apis/orders", new JsonObject { ["path"] = "orders" });
        await arm.CreateAsync($"{service}/subscriptions/s1", new JsonObject { ["displayName"] = "s", ["scope"] = "/apis" });
        var container = "c" + Guid.NewGuid().ToString("N")[..20];
        await azurite.Client.CreateBlobContainerAsync(container);
        var backup = (await arm.RunAsync($"{service}/backup", Body(container, "base.apimbackup"))).Final;
        Assert.True(backup.Status == HttpStatusCode.OK, backup.ToString());
        return (service, container);
    }

    /// <summary>Adds subscriptions straight through the store's bulk import (what the seed tool uses): a backup too big for a tiny account.</summary>
    private static async Task BulkSubscriptionsAsync(OpenApimInstance server, string service, int count)
    {
        var now = DateTimeOffset.UtcNow;
        var rows = Enumerable.Range(0, count).Select(i => RawResource.FromRelativeId($"subscriptions/bulk{i}", KindCatalog.Subscriptions, "bulk",
            new JsonObject
            {
                ["properties"] = new JsonObject
                {
                    ["displayName"] = "bulk", ["scope"] = "/apis", ["state"] = "active",
                    ["primaryKey"] = Guid.NewGuid().ToString("N"), ["secondaryKey"] = Guid.NewGuid().ToString("N"),
                },
            }.ToJsonString(), now, now)).ToAsyncEnumerable();
        await server.Service<IResourceStore>().ReplaceServiceContentAsync(ServiceRef.FromId(service), null, [], rows, d => d, default);
    }
}

public sealed class StorageFaultTestsOnSqlite() : StorageFaultTests(StoreKind.Sqlite);

public sealed class StorageFaultTestsOnPostgres() : StorageFaultTests(StoreKind.Postgres);
