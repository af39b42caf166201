using Microsoft.Extensions.Time.Testing;
using OpenApim.Resources.Store.Journal;
using OpenApim.Resources.Store.Sql;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Store;

/// <summary>
/// Resource groups written before their body named their ARM id: the upgrade fills it in, so deleting such a group still
/// leaves its event in the subscription's activity log (which finds directory records by that id).
/// </summary>
public sealed class DirectoryMigrationTests : StoreDialectTests
{
    private const string Subscription = "00000000-0000-0000-0000-0000000000aa";
    private const string GroupKey = $"/subscriptions/{Subscription}/resourcegroups/old-rg";

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task A_resource_group_stored_without_its_id_is_deleted_into_the_subscription_log_after_the_upgrade(StoreKind kind)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var dialect = await MigratedDialectAsync(kind);

        // The database as the previous version left it: the backfill not yet applied, a group without resourceId.
        await ExecuteAsync(dialect, "DELETE FROM schema_migrations WHERE version = (SELECT MAX(version) FROM schema_migrations)");
        await ExecuteAsync(dialect, $"INSERT INTO directory (kind, id, principal, body) VALUES ('resourceGroup', '{GroupKey}', '{Subscription}', '{{\"name\":\"Old-RG\",\"location\":\"westeurope\"}}')");
        await dialect.MigrateAsync(default);

        var directory = new SqlDirectoryStore(dialect, time);
        Assert.Equal($"/subscriptions/{Subscription}/resourceGroups/Old-RG", (await directory.GetAsync("resourceGroup", GroupKey, default))!.Body["resourceId"]!.GetValue<string>());
        Assert.True(await directory.DeleteAsync("resourceGroup", GroupKey, default));

        var log = await new SqlJournal(dialect, time).ReadNewestAsync($"/subscriptions/{Subscription}", time.GetUtcNow().AddMinutes(-1), time.GetUtcNow().AddMinutes(1), long.MaxValue, 10, default);
        var deleted = Assert.Single(log);
        Assert.Equal(ChangeOperation.Delete, deleted.Operation);
        Assert.Equal($"/subscriptions/{Subscription}/resourceGroups/Old-RG", deleted.Body!["resourceId"]!.GetValue<string>());
    }

    private static async Task ExecuteAsync(SqlDialect dialect, string sql)
    {
        await using var c = await dialect.OpenAsync(default);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }
}
