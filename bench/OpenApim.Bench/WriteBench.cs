using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Model;
using OpenApim.Resources.Store;
using OpenApim.Resources.Store.Sql;

namespace OpenApim.Bench;

/// <summary>
/// <c>writes STORE N ROUNDS</c>: management writes (a subscription upsert per transaction, four writers at once) through the
/// real store, alternating rounds with and without the change journal, on a fresh SQLite file or PostgreSQL database
/// (STORE = <c>sqlite</c> or a connection string). Prints one line per round and the median ratio.
/// </summary>
internal static class WriteBench
{
    private const int Writers = 4;

    public static async Task<int> RunAsync(string store, int count, int rounds)
    {
        var directory = Directory.CreateTempSubdirectory("openapim-writes");
        SqlDialect dialect = store == "sqlite" ? new SqliteDialect(Path.Combine(directory.FullName, "bench.db")) : new PostgresDialect(store);
        try
        {
            await dialect.MigrateAsync(CancellationToken.None);
            var storeApi = SqlStorage.ResourceStore(dialect, TimeProvider.System);
            var service = ServiceRef.Parse("00000000-0000-0000-0000-000000000001", "bench", "writes" + Guid.NewGuid().ToString("N")[..6]);
            await storeApi.WriteAsync(service, WriteScope.Service, w => w.PutAsync(ResourceRow.Service(service, new JsonObject
            {
                ["location"] = "West Europe", ["sku"] = new JsonObject { ["name"] = "Developer", ["capacity"] = 1 }, ["properties"] = new JsonObject(),
            }), null, CancellationToken.None), CancellationToken.None);

            var with = new List<double>();
            var without = new List<double>();
            long journalBytes = 0, journalWrites = 0;
            // Two warm-up rounds (JIT, connection pool, page cache) are not counted: the first measured round would pay for them.
            for (var round = -2; round < rounds * 2; round++)
            {
                var journal = round % 2 == 0;
                dialect.RecordsJournal = journal;
                var before = await JournalBytesAsync(dialect);
                var clock = Stopwatch.StartNew();
                await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
                {
                    for (var i = writer; i < count; i += Writers)
                    {
                        var address = new EntityAddress(service, KindCatalog.Subscriptions, [$"w{round}-{i}"]);
                        await storeApi.WriteAsync(service, WriteScope.Entity, w => w.PutAsync(ResourceRow.Entity(address, Subscription(i)), null, CancellationToken.None), CancellationToken.None);
                    }
                })));
                var rate = count / clock.Elapsed.TotalSeconds;
                if (round < 0)
                {
                    continue;
                }

                (journal ? with : without).Add(rate);
                if (journal)
                {
                    journalBytes += await JournalBytesAsync(dialect) - before;
                    journalWrites += count;
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round / 2 + 1} journal={(journal ? "on " : "off")} {rate:F0} writes/s"));
            }

            var ratio = Median(with) / Median(without);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT store={dialect.Name} with={Median(with):F0} without={Median(without):F0} ratio={ratio:F3} journal_bytes_per_write={(double)journalBytes / journalWrites:F0}"));
            return 0;
        }
        finally
        {
            dialect.RecordsJournal = true;
            if (dialect is IAsyncDisposable d)
            {
                await d.DisposeAsync();
            }

            directory.Delete(recursive: true);
        }
    }

    /// <summary>A subscription as the management API stores it (about 500 bytes).</summary>
    private static JsonObject Subscription(int i) => new()
    {
        ["displayName"] = $"Subscription {i}",
        ["scope"] = "/products/starter",
        ["ownerId"] = $"/users/user-{i % 1000:D6}",
        ["state"] = "active",
        ["primaryKey"] = Guid.NewGuid().ToString("N"),
        ["secondaryKey"] = Guid.NewGuid().ToString("N"),
        ["createdDate"] = "2026-12-01T00:00:00Z",
        ["allowTracing"] = false,
    };

    /// <summary>The journal's size: its table and indexes on PostgreSQL, its record text elsewhere.</summary>
    private static async Task<long> JournalBytesAsync(SqlDialect dialect)
    {
        await using var c = await dialect.OpenAsync(CancellationToken.None);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = dialect is PostgresDialect
            ? "SELECT pg_total_relation_size('journal')"
            : "SELECT COALESCE(SUM(COALESCE(LENGTH(body), 0) + COALESCE(LENGTH(actor), 0) + LENGTH(rel_id) + 64), 0) FROM journal";
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
