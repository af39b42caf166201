using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Model;
using OpenApim.Resources.Store;
using OpenApim.Resources.Store.Sql;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Store;

/// <summary>The store's consistency primitives on both providers: snapshots see one point in time; restores are all-or-nothing.</summary>
public sealed class SnapshotTests : StoreDialectTests
{
    private readonly ServiceRef _service = new("00000000-0000-0000-0000-000000000001", "rg", "snap");

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task A_snapshot_sees_neither_writes_nor_deletes_made_after_it_was_opened(StoreKind kind)
    {
        var store = await CreateAsync(kind);
        await PutAsync(store, "tags/before", "before");
        await PutAsync(store, "tags/deleted-later", "x");

        await using var snapshot = await store.OpenSnapshotAsync(_service, default);
        await PutAsync(store, "tags/after", "after");
        await PutAsync(store, "tags/before", "changed");
        await store.WriteAsync(_service, WriteScope.Entity, tx => tx.DeleteTreeAsync(Tag("deleted-later"), default), default);

        var rows = new List<RawResource>();
        await foreach (var row in snapshot.ReadAllAsync(default))
        {
            rows.Add(row);
        }

        var tags = rows.Where(r => r.Kind == KindCatalog.Tags).ToList();
        Assert.Equal(["tags/before", "tags/deleted-later"], tags.Select(r => r.Path));
        Assert.Contains("\"before\"", tags[0].Body, StringComparison.Ordinal);
        var live = await store.ListAsync(ListQuery.InService(KindCatalog.Tags, _service), default);
        Assert.Equal(["after", "before"], live.Items.Select(r => r.Name));
    }

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task A_replace_that_fails_half_way_changes_nothing(StoreKind kind)
    {
        var store = await CreateAsync(kind);
        await PutAsync(store, "tags/original", "original");

        static async IAsyncEnumerable<RawResource> Rows()
        {
            yield return RawResource.FromRelativeId("tags/new1", KindCatalog.Tags, "n", """{"properties":{"displayName":"n"}}""", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
            await Task.Yield();
            throw new IOException("the archive stream broke");
        }

        await Assert.ThrowsAsync<IOException>(() => store.ReplaceServiceContentAsync(_service, null, [KindCatalog.Tags], Rows(), d => d, default));
        var live = await store.ListAsync(ListQuery.InService(KindCatalog.Tags, _service), default);
        Assert.Equal(["original"], live.Items.Select(r => r.Name));
    }

    private async Task<SqlResourceStore> CreateAsync(StoreKind kind)
    {
        var dialect = await MigratedDialectAsync(kind);
        var store = new SqlResourceStore(dialect, new FakeTimeProvider(DateTimeOffset.UtcNow));
        await store.WriteAsync(_service, WriteScope.Service, tx => tx.PutAsync(
            ResourceRow.Service(_service, new JsonObject { ["sku"] = new JsonObject { ["name"] = "Developer" } }), null, default), default);
        return store;
    }

    private Task<StoredResource> PutAsync(SqlResourceStore store, string path, string display) =>
        store.WriteAsync(_service, WriteScope.Entity, tx => tx.PutAsync(
            ResourceRow.Entity(Tag(path.Split('/')[^1]), new JsonObject { ["displayName"] = display }), null, default), default);

    private EntityAddress Tag(string name) => new(_service, KindCatalog.Tags, [name]);
}
