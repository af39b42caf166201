using System.Net;
using System.Text.Json.Nodes;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Store;

/// <summary>
/// Issue 11's fault rule: killed (SIGKILL) while writes are in flight, the server leaves every change and its journal
/// record both there or both absent. After a restart, the subscriptions the store holds are exactly those the journal
/// has an upsert for.
/// </summary>
public abstract class JournalKillTests(StoreKind store) : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "openapim-tests", "journal-kill-" + Guid.NewGuid().ToString("N"));
    private PostgresDatabase? _database;

    private string[] StoreArgs => _database is null ? [] : ["--postgres", _database.ConnectionString];

    public async Task InitializeAsync() => _database = store == StoreKind.Postgres ? await PostgresDatabase.CreateAsync() : null;

    public async Task DisposeAsync()
    {
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
    public async Task Killed_mid_write_every_change_and_its_journal_record_are_both_there_or_both_absent()
    {
        var service = Gateway.PropagationTests.Service("killed");
        await using (var server = await ServerProcess.StartAsync(_data, StoreArgs))
        {
            using var arm = await server.CreateArmClientAsync();
            Assert.Equal(HttpStatusCode.Created, (await arm.PutAsync(service, ArmClient.ServiceBody())).Status);
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    try
                    {
                        await arm.PutAsync($"{service}/subscriptions/w{w}-{i}", new JsonObject
                        {
                            ["properties"] = new JsonObject { ["displayName"] = $"w{w}-{i}", ["scope"] = "/apis", ["state"] = "active" },
                        });
                    }
                    catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
                    {
                        return;
                    }
                }
            })).ToList();
            await Task.Delay(TimeSpan.FromSeconds(2));
            await server.KillAsync();
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }

        await using var again = await ServerProcess.StartAsync(_data, StoreArgs);
        using var after = await again.CreateArmClientAsync();
        var stored = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var page = await after.GetAsync($"{service}/subscriptions"); ; page = await after.SendAsync(HttpMethod.Get, new Uri(page.Json["nextLink"]!.GetValue<string>()).PathAndQuery, apiVersion: null))
        {
            stored.UnionWith(page.Json["value"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()));
            if (page.Json["nextLink"] is null)
            {
                break;
            }
        }

        var journaled = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (long from = 0; ;)
        {
            var page = await after.GetAsync($"{service}/changes?from={from}&$top=1000");
            var records = page.Json["value"]!.AsArray();
            journaled.UnionWith(records.Where(r => r!["kind"]!.GetValue<string>() == "subscriptions" && r["operation"]!.GetValue<string>() == "upsert")
                .Select(r => r!["resourceId"]!.GetValue<string>().Split('/')[^1]));
            if (records.Count == 0)
            {
                break;
            }

            from = page.Json["lastSequence"]!.GetValue<long>();
        }

        Assert.True(stored.Count > 10, $"only {stored.Count} writes committed before the kill");
        Assert.Equal(stored.Order(), journaled.Order());
    }
}

public sealed class JournalKillTestsOnSqlite() : JournalKillTests(StoreKind.Sqlite);

public sealed class JournalKillTestsOnPostgres() : JournalKillTests(StoreKind.Postgres);
