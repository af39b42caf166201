using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpenApim.Gateway.Configuration;
using OpenApim.Resources.Store.Journal;
using OpenApim.Resources.Store.Sql;
using OpenApim.Tests.Hardening;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Gateway;

/// <summary>
/// A restore hands its checked rows to the gateway while the database writes them, and the gateway builds the restored
/// service's runtime from them when it reads the restore's journal record, instead of reading 300k rows back after the
/// commit. These tests hold the gateway's journal reads while the restore and later writes commit, then prove the
/// runtime built from the staged rows answers every key on every API exactly as the same service loaded whole does,
/// and that writes committed after the restore are enforced on top of it.
/// </summary>
public sealed class StagedRestoreTests
{
    private static readonly string[] Paths = ["/echo/x", "/other/x", "/open/x"];

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task A_restored_service_is_served_from_the_rows_its_restore_wrote_exactly_as_a_whole_load_serves_it(StoreKind store)
    {
        var journal = new PausableJournal.Switch();
        await using var backend = await EchoBackend.StartAsync();
        await using var server = await OpenApimInstance.StartAsync(store, services =>
        {
            services.Remove(services.Single(d => d.ServiceType == typeof(IChangeJournal)));
            services.AddSingleton<IChangeJournal>(sp => new PausableJournal(sp.GetRequiredService<SqlJournal>(), journal));
        }, Azurite.ServerArgs);
        using var arm = await server.CreateArmClientAsync();
        using var gateway = new HttpClient { BaseAddress = new Uri(server.Endpoints["gatewayUrl"]!.GetValue<string>()) };
        var watcher = server.Service<ConfigWatcher>();

        var source = await arm.CreateServiceAsync();
        await ContentAsync(arm, source, backend.Url);
        var container = await Azurite.NewContainerAsync();
        Assert.Equal(HttpStatusCode.OK, (await arm.RunAsync($"{source}/backup", Azurite.StorageBody(container, "staged.apimbackup"))).Final.Status);
        var standby = await arm.CreateServiceAsync();
        await server.App.Services.RefreshGatewayAsync();

        // The gateway reads nothing while the restore commits and two writes follow it: all three arrive in one batch.
        journal.Paused = true;
        Assert.Equal(HttpStatusCode.OK, (await arm.RunAsync($"{standby}/restore", Azurite.StorageBody(container, "staged.apimbackup"))).Final.Status);
        await arm.PatchAsync($"{standby}/subscriptions/later", new JsonObject { ["properties"] = new JsonObject { ["state"] = "suspended" } });
        await arm.CreateAsync($"{standby}/subscriptions/new", new JsonObject { ["displayName"] = "n", ["scope"] = "/apis", ["state"] = "active", ["primaryKey"] = "new-key" });
        var staged = watcher.StagedLoads;
        journal.Paused = false;
        await server.App.Services.RefreshGatewayAsync();
        Assert.Equal(staged + 1, watcher.StagedLoads);

        var fromStage = await AnswersAsync(gateway, standby);
        Assert.Equal(HttpStatusCode.OK, fromStage[("all-key", "/echo/x")]);
        Assert.Equal(HttpStatusCode.OK, fromStage[("gold-secondary", "/echo/x")]);
        Assert.Equal(HttpStatusCode.Unauthorized, fromStage[("gold-primary", "/other/x")]);
        Assert.Equal(HttpStatusCode.OK, fromStage[("other-key", "/other/x")]);
        Assert.Equal(HttpStatusCode.Unauthorized, fromStage[("suspended-key", "/echo/x")]);
        Assert.Equal(HttpStatusCode.Unauthorized, fromStage[("blocked-owner-key", "/echo/x")]);
        Assert.Equal(HttpStatusCode.OK, fromStage[("", "/open/x")]);

        // Written after the restore, applied on top of the staged rows.
        Assert.Equal(HttpStatusCode.Unauthorized, fromStage[("later-key", "/echo/x")]);
        Assert.Equal(HttpStatusCode.OK, fromStage[("new-key", "/echo/x")]);

        // The source answers the restored keys the same way (it has neither later write).
        var fromSource = await AnswersAsync(gateway, source);
        foreach (var ((key, path), status) in fromSource.Where(a => a.Key.Key is not ("later-key" or "new-key")))
        {
            Assert.True(status == fromStage[(key, path)], $"{key} on {path}: source {status}, restored {fromStage[(key, path)]}");
        }

        // The same service loaded whole (the gateway fell behind a compacted journal) answers exactly as the staged one did.
        journal.Paused = true;
        await arm.CreateAsync($"{source}/namedValues/nudge", new JsonObject { ["displayName"] = "nudge", ["value"] = "x" });
        await server.Service<SqlJournal>().CompactAsync(new JournalRetention(TimeSpan.Zero, long.MaxValue, TimeSpan.Zero), CancellationToken.None);
        journal.Paused = false;
        await server.App.Services.RefreshGatewayAsync();
        Assert.Equal(staged + 1, watcher.StagedLoads);
        Assert.Equal(fromStage, await AnswersAsync(gateway, standby));
    }

    [Fact]
    public async Task A_stage_is_used_only_for_the_version_its_restore_committed()
    {
        var staging = new RestoreStaging();
        var service = Resources.Arm.ServiceRef.FromId(ArmClient.ServicePath("staged"));
        var wait = TimeSpan.FromSeconds(5);

        // Abandoned (the restore failed or was refused): nothing to take.
        staging.Begin(service, [])!.Dispose();
        Assert.Null(await staging.TakeAsync(service, 7, wait, CancellationToken.None));

        // Committed as 7: taken once for 7, and only once.
        using (var stage = staging.Begin(service, [])!)
        {
            stage.Committed(7);
            Assert.Null(await staging.TakeAsync(service, 6, wait, CancellationToken.None));
            Assert.NotNull(await staging.TakeAsync(service, 7, wait, CancellationToken.None));
            Assert.Null(await staging.TakeAsync(service, 7, wait, CancellationToken.None));
        }

        // A restore record read while its stage is still being written waits for it to commit.
        var running = staging.Begin(service, [])!;
        var taking = staging.TakeAsync(service, 9, wait, CancellationToken.None);
        Assert.False(taking.IsCompleted);
        running.Committed(9);
        Assert.NotNull(await taking);

        // An older restore's record does not take (or drop) a newer restore's stage; one that was never committed times out.
        staging.Begin(service, [])!.Committed(12);
        Assert.Null(await staging.TakeAsync(service, 11, wait, CancellationToken.None));
        Assert.NotNull(await staging.TakeAsync(service, 12, wait, CancellationToken.None));
        using var stuck = staging.Begin(service, [])!;
        Assert.Null(await staging.TakeAsync(service, 13, TimeSpan.FromMilliseconds(50), CancellationToken.None));
    }

    private static async Task ContentAsync(ArmClient arm, string service, string backend)
    {
        await arm.CreateAsync($"{service}/apis/echo", new JsonObject { ["path"] = "echo", ["serviceUrl"] = backend });
        await arm.CreateAsync($"{service}/apis/echo/operations/all", new JsonObject { ["displayName"] = "all", ["method"] = "GET", ["urlTemplate"] = "/*" });
        await arm.CreateAsync($"{service}/apis/other", new JsonObject { ["path"] = "other", ["serviceUrl"] = backend });
        await arm.CreateAsync($"{service}/apis/other/operations/all", new JsonObject { ["displayName"] = "all", ["method"] = "GET", ["urlTemplate"] = "/*" });
        await arm.CreateAsync($"{service}/apis/open", new JsonObject { ["path"] = "open", ["serviceUrl"] = backend, ["subscriptionRequired"] = false });
        await arm.CreateAsync($"{service}/apis/open/operations/all", new JsonObject { ["displayName"] = "all", ["method"] = "GET", ["urlTemplate"] = "/*" });
        await arm.CreateAsync($"{service}/products/gold", new JsonObject { ["displayName"] = "Gold", ["state"] = "published" });
        await arm.PutAsync($"{service}/products/gold/apis/echo", null);
        await arm.CreateAsync($"{service}/users/blocked", new JsonObject { ["email"] = "b@example.com", ["firstName"] = "B", ["lastName"] = "B", ["state"] = "blocked" });
        await arm.CreateAsync($"{service}/subscriptions/all", new JsonObject { ["displayName"] = "a", ["scope"] = "/apis", ["state"] = "active", ["primaryKey"] = "all-key" });
        await arm.CreateAsync($"{service}/subscriptions/gold", new JsonObject { ["displayName"] = "g", ["scope"] = "/products/gold", ["state"] = "active", ["primaryKey"] = "gold-primary", ["secondaryKey"] = "gold-secondary" });
        await arm.CreateAsync($"{service}/subscriptions/api-only", new JsonObject { ["displayName"] = "o", ["scope"] = "/apis/other", ["state"] = "active", ["primaryKey"] = "other-key" });
        await arm.CreateAsync($"{service}/subscriptions/suspended", new JsonObject { ["displayName"] = "s", ["scope"] = "/apis", ["state"] = "suspended", ["primaryKey"] = "suspended-key" });
        await arm.CreateAsync($"{service}/subscriptions/blocked-owner", new JsonObject { ["displayName"] = "b", ["scope"] = "/apis", ["ownerId"] = "/users/blocked", ["state"] = "active", ["primaryKey"] = "blocked-owner-key" });
        await arm.CreateAsync($"{service}/subscriptions/later", new JsonObject { ["displayName"] = "l", ["scope"] = "/apis", ["state"] = "active", ["primaryKey"] = "later-key" });
    }

    /// <summary>The status of a call with every key (and none) on every API.</summary>
    private static async Task<Dictionary<(string Key, string Path), HttpStatusCode>> AnswersAsync(HttpClient gateway, string service)
    {
        var answers = new Dictionary<(string, string), HttpStatusCode>();
        foreach (var key in new[] { "", "all-key", "gold-primary", "gold-secondary", "other-key", "suspended-key", "blocked-owner-key", "later-key", "new-key", "wrong" })
        {
            foreach (var path in Paths)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.Host = $"{service.Split('/')[^1]}.localhost";
                if (key.Length > 0)
                {
                    request.Headers.Add("Ocp-Apim-Subscription-Key", key);
                }

                using var response = await gateway.SendAsync(request);
                answers[(key, path)] = response.StatusCode;
            }
        }

        return answers;
    }
}
