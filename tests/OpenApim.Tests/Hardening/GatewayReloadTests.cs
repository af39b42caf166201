using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpenApim.Gateway.Configuration;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Model;
using OpenApim.Resources.Operations;
using OpenApim.Resources.Store;
using OpenApim.Resources.Store.Journal;
using OpenApim.Resources.Store.Sql;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Hardening;

/// <summary>
/// Review finding 1 (gateway side) and 17: a gateway reload that fails keeps failing loudly (every time, and
/// in /health) and retries until it loads, a row that cannot be read never leaves its keys working, and
/// refreshes are serialised.
/// </summary>
public sealed class GatewayReloadTests : IAsyncLifetime
{
    private readonly FlakyStore.Switch _faults = new();
    private readonly PausableJournal.Switch _journal = new();
    private OpenApimInstance _server = null!;
    private ArmClient _arm = null!;
    private EchoBackend _backend = null!;
    private HttpClient _gateway = null!;

    public async Task InitializeAsync()
    {
        _backend = await EchoBackend.StartAsync();
        _server = await OpenApimInstance.StartAsync(StoreKind.Sqlite, services =>
        {
            var inner = services.Single(d => d.ServiceType == typeof(IResourceStore));
            services.Remove(inner);
            services.AddSingleton<IResourceStore>(sp => new FlakyStore((IResourceStore)inner.ImplementationFactory!(sp), _faults));
            services.Remove(services.Single(d => d.ServiceType == typeof(IChangeJournal)));
            services.AddSingleton<IChangeJournal>(sp => new PausableJournal(sp.GetRequiredService<SqlJournal>(), _journal));

            // One record per read, so a refresh makes several reads and one of them can fail after others were applied.
            services.Remove(services.Single(d => d.ServiceType == typeof(GatewayOptions)));
            services.AddSingleton(new GatewayOptions { JournalBatchSize = 1 });
        });
        _arm = await _server.CreateArmClientAsync();
        _gateway = new HttpClient { BaseAddress = new Uri(_server.Endpoints["gatewayUrl"]!.GetValue<string>()) };
    }

    public async Task DisposeAsync()
    {
        _gateway.Dispose();
        _arm.Dispose();
        await _server.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task A_failed_read_is_retried_until_the_revocation_is_enforced_and_shows_in_health()
    {
        var (service, key) = await ServiceAsync();
        Assert.Equal(HttpStatusCode.OK, await CallAsync(service, key));

        // The reads fail from the moment of the change (the commit wakes the gateway at once).
        _faults.FailReads = int.MaxValue;
        await _arm.PatchAsync($"{service}/subscriptions/all", new JsonObject { ["properties"] = new JsonObject { ["state"] = "suspended" } });
        await Assert.ThrowsAnyAsync<Exception>(() => _server.App.Services.RefreshGatewayAsync());
        Assert.Equal("Unhealthy", (await HealthAsync())["status"]!.GetValue<string>());
        await Assert.ThrowsAnyAsync<Exception>(() => _server.App.Services.RefreshGatewayAsync());
        Assert.Equal("Unhealthy", (await HealthAsync())["status"]!.GetValue<string>());

        // No write happened since the failures: the next refresh that can read must still pick the change up.
        _faults.FailReads = 0;
        await _server.App.Services.RefreshGatewayAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(service, key));
        Assert.Equal("Healthy", (await HealthAsync())["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_row_that_cannot_be_read_takes_its_keys_out_and_degrades_health_until_it_is_fixed()
    {
        var (service, key) = await ServiceAsync();
        var other = "other-" + Guid.NewGuid().ToString("N");
        await _arm.CreateAsync($"{service}/subscriptions/other", new JsonObject { ["displayName"] = "o", ["scope"] = "/apis", ["state"] = "active", ["primaryKey"] = other });
        await _server.App.Services.RefreshGatewayAsync();
        Assert.Equal(HttpStatusCode.OK, await CallAsync(service, key));

        // Damage the stored row behind the API's back, as a bad migration would (SQLite's JSON index refuses malformed text).
        var good = await SetBodyAsync("{\"properties\": 42}");

        await _server.App.Services.RefreshGatewayAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(service, key));
        Assert.Equal(HttpStatusCode.OK, await CallAsync(service, other));
        var health = await HealthAsync();
        Assert.Equal("Degraded", health["status"]!.GetValue<string>());

        await SetBodyAsync(good);
        await _server.App.Services.RefreshGatewayAsync();
        Assert.Equal(HttpStatusCode.OK, await CallAsync(service, key));
        Assert.Equal("Healthy", (await HealthAsync())["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Concurrent_refreshes_and_writes_do_not_corrupt_the_gateway()
    {
        var (service, key) = await ServiceAsync();
        var writes = Task.Run(async () =>
        {
            for (var i = 0; i < 30; i++)
            {
                await _arm.CreateAsync($"{service}/subscriptions/s{i}", new JsonObject { ["displayName"] = "s", ["scope"] = "/apis", ["state"] = "active" });
            }
        });
        var refreshes = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                await _server.App.Services.RefreshGatewayAsync();
            }
        }));
        await Task.WhenAll([writes, .. refreshes]);
        await _server.App.Services.RefreshGatewayAsync();

        Assert.Equal(HttpStatusCode.OK, await CallAsync(service, key));
        var keys = await _arm.PostAsync($"{service}/subscriptions/s29/listSecrets");
        Assert.Equal(HttpStatusCode.OK, await CallAsync(service, keys.Json["primaryKey"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_gateway_whose_journal_position_was_compacted_away_reloads_instead_of_serving_stale_keys()
    {
        var (service, key) = await ServiceAsync();
        Assert.Equal(HttpStatusCode.OK, await CallAsync(service, key));

        // The node stops reading (paused, cut off) while a revocation happens and the journal is compacted past it.
        _journal.Paused = true;
        await _arm.PatchAsync($"{service}/subscriptions/all", new JsonObject { ["properties"] = new JsonObject { ["state"] = "suspended" } });
        await _arm.CreateAsync($"{service}/subscriptions/later", new JsonObject { ["displayName"] = "later", ["scope"] = "/apis", ["state"] = "active" });
        await _server.App.Services.RefreshGatewayAsync();
        Assert.Equal(HttpStatusCode.OK, await CallAsync(service, key));
        var compacted = await _server.Service<SqlJournal>().CompactAsync(new JournalRetention(TimeSpan.Zero, long.MaxValue, TimeSpan.Zero), CancellationToken.None);
        Assert.True(compacted.Deleted > 0);

        _journal.Paused = false;
        await _server.App.Services.RefreshGatewayAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(service, key));
        Assert.True(_server.Service<ConfigWatcher>().Position >= compacted.TrimmedThrough);
    }

    [Fact]
    public async Task A_journal_that_cannot_be_read_keeps_the_last_good_configuration_and_reports_it()
    {
        var (service, key) = await ServiceAsync();
        _journal.Fail = true;
        await Assert.ThrowsAnyAsync<Exception>(() => _server.App.Services.RefreshGatewayAsync());
        Assert.Equal("Unhealthy", (await HealthAsync())["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, await CallAsync(service, key));

        _journal.Fail = false;
        await _arm.PatchAsync($"{service}/subscriptions/all", new JsonObject { ["properties"] = new JsonObject { ["state"] = "suspended" } });
        await _server.App.Services.RefreshGatewayAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(service, key));
        Assert.Equal("Healthy", (await HealthAsync())["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_read_that_fails_after_part_of_the_journal_was_applied_still_publishes_what_was_applied()
    {
        // Review finding: the applied revocation was held back until some later change made the gateway publish.
        var (service, key) = await ServiceAsync();
        _journal.Paused = true;
        await _arm.PatchAsync($"{service}/subscriptions/all", new JsonObject { ["properties"] = new JsonObject { ["state"] = "suspended" } });
        _journal.FailAfterReads = 1;
        _journal.Paused = false;
        try
        {
            await _server.App.Services.RefreshGatewayAsync();
        }
        catch (AggregateException)
        {
        }
        catch (InvalidOperationException)
        {
        }

        _journal.FailAfterReads = -1;
        await _server.App.Services.RefreshGatewayAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(service, key));
    }

    [Fact]
    public async Task A_key_two_subscriptions_share_works_for_neither_until_one_lets_it_go()
    {
        // Review finding: updating one holder of a shared key gave it the key back (a full load refuses it).
        var (service, key) = await ServiceAsync();
        await _arm.CreateAsync($"{service}/subscriptions/twin", new JsonObject { ["displayName"] = "twin", ["scope"] = "/apis", ["state"] = "active", ["primaryKey"] = "twin-" + Guid.NewGuid().ToString("N") });
        await _server.App.Services.RefreshGatewayAsync();
        await ShareKeyAsync("subscriptions/twin", key);
        await _server.App.Services.RefreshGatewayAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(service, key));

        await _arm.PatchAsync($"{service}/subscriptions/all", new JsonObject { ["properties"] = new JsonObject { ["displayName"] = "renamed" } });
        await _server.App.Services.RefreshGatewayAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(service, key));

        Assert.Equal(HttpStatusCode.OK, (await _arm.DeleteAsync($"{service}/subscriptions/twin")).Status);
        await _server.App.Services.RefreshGatewayAsync();
        Assert.Equal(HttpStatusCode.OK, await CallAsync(service, key));
    }

    /// <summary>Gives <paramref name="path"/> the primary key <paramref name="key"/> behind the API's back (legacy data), with its journal record.</summary>
    private async Task ShareKeyAsync(string path, string key)
    {
        var dialect = _server.Service<SqlDialect>();
        await using var c = await dialect.OpenAsync(default);
        await using var write = c.CreateCommand();
        write.CommandText = "UPDATE resources SET body = json_set(body, '$.properties.primaryKey', @k) WHERE path = @p; " +
            "INSERT INTO journal (seq, service_key, service_id, kind, rel_id, op, at) SELECT NULL, key, id, 'subscriptions', @p, 'upsert', '2026-01-01' FROM services";
        foreach (var (name, value) in new[] { ("@k", key), ("@p", path) })
        {
            var p = write.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            write.Parameters.Add(p);
        }

        await write.ExecuteNonQueryAsync();
    }

    /// <summary>Replaces the body of subscription 'all' directly in the SQLite file (with a new version and a journal record, as a write would); returns the old body.</summary>
    private async Task<string> SetBodyAsync(string body)
    {
        var dialect = _server.Service<SqlDialect>();
        await using var c = await dialect.OpenAsync(default);
        await using var read = c.CreateCommand();
        read.CommandText = "SELECT body FROM resources WHERE path = 'subscriptions/all'";
        var old = (string)(await read.ExecuteScalarAsync())!;
        await using var write = c.CreateCommand();
        write.CommandText = "UPDATE store_meta SET value = value + 1 WHERE name = 'version'; " +
            "UPDATE resources SET body = @b, version = (SELECT value FROM store_meta WHERE name = 'version') WHERE path = 'subscriptions/all'; " +
            "UPDATE services SET epoch = epoch + 1; " +
            "INSERT INTO journal (seq, service_key, service_id, kind, rel_id, op, at) SELECT NULL, key, id, 'subscriptions', 'subscriptions/all', 'upsert', '2026-01-01' FROM services";
        var p = write.CreateParameter();
        p.ParameterName = "@b";
        p.Value = body;
        write.Parameters.Add(p);
        await write.ExecuteNonQueryAsync();
        return old;
    }

    private async Task<(string Service, string Key)> ServiceAsync()
    {
        var service = await _arm.CreateServiceAsync();
        await _arm.CreateAsync($"{service}/apis/echo", new JsonObject { ["path"] = "echo", ["serviceUrl"] = _backend.Url });
        await _arm.CreateAsync($"{service}/apis/echo/operations/all", new JsonObject { ["displayName"] = "all", ["method"] = "GET", ["urlTemplate"] = "/*" });
        var key = "k-" + Guid.NewGuid().ToString("N");
        await _arm.CreateAsync($"{service}/subscriptions/all", new JsonObject { ["displayName"] = "all", ["scope"] = "/apis", ["state"] = "active", ["primaryKey"] = key });
        await _server.App.Services.RefreshGatewayAsync();
        return (service, key);
    }

    private async Task<HttpStatusCode> CallAsync(string service, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/echo/x");
        request.Headers.Host = $"{service.Split('/')[^1]}.localhost";
        request.Headers.Add("Ocp-Apim-Subscription-Key", key);
        using var response = await _gateway.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<JsonNode> HealthAsync()
    {
        using var http = _server.CreateHttpClient();
        using var response = await http.GetAsync("/health");
        Assert.Equal(response.StatusCode == HttpStatusCode.ServiceUnavailable, (await response.Content.ReadAsStringAsync()).Contains("\"Unhealthy\"", StringComparison.Ordinal));
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }
}

/// <summary>The real store, with reads of changed rows that can be made to fail (a database that drops connections).</summary>
internal sealed class FlakyStore(IResourceStore inner, FlakyStore.Switch faults) : IResourceStore
{
    public Task<StoredResource?> GetAsync(EntityAddress address, CancellationToken ct) => inner.GetAsync(address, ct);

    public Task<IReadOnlyDictionary<EntityAddress, StoredResource>> GetManyAsync(IReadOnlyCollection<EntityAddress> addresses, CancellationToken ct) => inner.GetManyAsync(addresses, ct);

    public Task<ResourcePage> ListAsync(ListQuery query, CancellationToken ct) => inner.ListAsync(query, ct);

    public Task<T> WriteAsync<T>(ServiceRef service, WriteScope scope, Func<IResourceWriter, Task<T>> work, CancellationToken ct) => inner.WriteAsync(service, scope, work, ct);

    public Task<IResourceSnapshot> OpenSnapshotAsync(ServiceRef service, CancellationToken ct) => inner.OpenSnapshotAsync(service, ct);

    public Task<RestoreCounts> ReplaceServiceContentAsync(ServiceRef service, OperationClaim? holder, IReadOnlyCollection<ResourceKind> replacedKinds, IAsyncEnumerable<RawResource> rows,
        Func<JsonObject, JsonObject> updateService, CancellationToken ct) => inner.ReplaceServiceContentAsync(service, holder, replacedKinds, rows, updateService, ct);

    public IAsyncEnumerable<VersionedResource> ReadChangedAsync(ServiceRef service, IReadOnlyCollection<ResourceKind> kinds, long afterVersion, CancellationToken ct) =>
        Flaky(inner.ReadChangedAsync(service, kinds, afterVersion, ct));

    public IAsyncEnumerable<VersionedResource> ReadRowsAsync(ServiceRef service, IReadOnlyCollection<string> paths, CancellationToken ct) => Flaky(inner.ReadRowsAsync(service, paths, ct));

    public IAsyncEnumerable<ProjectedRow> ReadPropertiesAsync(ServiceRef service, ResourceKind kind, IReadOnlyList<string> properties, CancellationToken ct) =>
        Flaky(inner.ReadPropertiesAsync(service, kind, properties, ct));

    private async IAsyncEnumerable<T> Flaky<T>(IAsyncEnumerable<T> rows)
    {
        var yielded = 0;
        await foreach (var row in rows)
        {
            yielded++;
            yield return row;
        }

        // The connection drops after the rows arrived and before the read completed.
        if (yielded > 0 && Interlocked.Decrement(ref faults.FailReads) >= 0)
        {
            throw new InvalidOperationException("Injected fault: the database connection was lost.");
        }
    }

    public Task<IReadOnlyDictionary<ServiceRef, long>> GetEpochsAsync(CancellationToken ct) => inner.GetEpochsAsync(ct);

    /// <summary>How many of the next reads fail.</summary>
    internal sealed class Switch
    {
#pragma warning disable SA1401, CA1051
        public int FailReads;
#pragma warning restore SA1401, CA1051
    }
}

/// <summary>The real journal, whose reads can be paused (they find nothing new, as on a stopped node) or made to fail.</summary>
internal sealed class PausableJournal(IChangeJournal inner, PausableJournal.Switch faults) : IChangeJournal
{
    public async Task<JournalTail> ReadAsync(ServiceRef? service, long after, int max, CancellationToken ct)
    {
        if (faults.Fail || (faults.FailAfterReads >= 0 && faults.FailAfterReads-- == 0))
        {
            throw new InvalidOperationException("Injected fault: the journal cannot be read.");
        }

        var tail = await inner.ReadAsync(service, after, max, ct);
        return faults.Paused ? tail with { Entries = [] } : tail;
    }

    public Task<IReadOnlyList<JournalEntry>> ReadNewestAsync(string servicePrefix, DateTimeOffset since, DateTimeOffset until, long before, int max, CancellationToken ct) =>
        inner.ReadNewestAsync(servicePrefix, since, until, before, max, ct);

    public Task ReportPositionAsync(string reader, long position, CancellationToken ct) => inner.ReportPositionAsync(reader, position, ct);

    public Task<JournalCompaction> CompactAsync(JournalRetention retention, CancellationToken ct) => inner.CompactAsync(retention, ct);

    public Task<long> LastSequenceAsync(CancellationToken ct) => inner.LastSequenceAsync(ct);

    internal sealed class Switch
    {
        public bool Paused { get; set; }

        public bool Fail { get; set; }

        /// <summary>Reads that succeed before one fails (-1: none fails).</summary>
        public int FailAfterReads { get; set; } = -1;
    }
}
