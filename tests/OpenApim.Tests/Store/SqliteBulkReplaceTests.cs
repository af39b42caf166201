using System.Data.Common;
using Microsoft.Data.Sqlite;
using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Model;
using OpenApim.Resources.Store;
using OpenApim.Resources.Store.Sql;

namespace OpenApim.Tests.Store;

/// <summary>
/// A restore's replace on SQLite: its raw insert stores every value exactly as the ADO.NET parameters it replaced did, so
/// rows a restore wrote read back like rows any other write made, and fails as ADO.NET does; the checkpoint it defers past
/// its commit is not deferred for anyone else.
/// </summary>
public sealed class SqliteBulkReplaceTests : IDisposable
{
    private readonly ServiceRef _service = new("00000000-0000-0000-0000-000000000001", "rg", "bulk");

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "openapim-tests", "bulk-" + Guid.NewGuid().ToString("N"));

    private static readonly DateTimeOffset Created = new(2026, 3, 7, 9, 5, 1, TimeSpan.FromHours(5.5));

    private static readonly RawResource[] Rows =
    [
        RawResource.FromRelativeId("apis/Orders", KindCatalog.Apis, "Orders", """{"properties":{"displayName":"Orders"}}""", Created.AddTicks(1234567), Created.AddTicks(1)),
        RawResource.FromRelativeId("apis/Orders/operations/get", KindCatalog.ApiOperations, null, """{"properties":{}}""", Created, Created.ToUniversalTime()),
        RawResource.FromRelativeId("tags/\u00fcber-\U0001F600", KindCatalog.Tags, "", "{\"properties\":{\"displayName\":\"\u00fcber \U0001F600 \\u0000\"}}", DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue),
        RawResource.FromRelativeId("namedValues/big", KindCatalog.NamedValues, "big", "{\"properties\":{\"value\":\"" + new string('\u00e9', 200_000) + "\"}}", Created.AddTicks(-7), Created.AddYears(-2020)),
        // A display name read from a JSON escape can hold a lone surrogate (names cannot: the archive check refuses them).
        RawResource.FromRelativeId("groups/g1", KindCatalog.Groups, "half \ud800 pair", """{"properties":{"displayName":"half \ud800 pair"}}""", Created, Created),
    ];

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task Rows_it_inserts_are_stored_exactly_as_ADO_NET_parameters_store_them()
    {
        var dialect = await MigratedAsync();
        await using var connection = await dialect.OpenAsync(default);
        await using (var tx = await dialect.BeginWriteAsync(connection, default))
        {
            await InsertWithParametersAsync(connection, tx, serviceId: 1, Rows);
            Assert.Equal(Rows.Length, await dialect.BulkInsertAsync(connection, tx, serviceId: 2, version: 7, Stream(Rows), default));
            await tx.CommitAsync();
        }

        var expected = await StoredAsync(connection, 1);
        var actual = await StoredAsync(connection, 2);
        Assert.Equal(Rows.Length, expected.Count);
        Assert.Equal(expected, actual);
        // The comparison means something only if the columns hold what the test thinks they hold.
        Assert.Contains(actual, r => r.Contains("display_name=null:", StringComparison.Ordinal));
        Assert.Contains(actual, r => r.Contains("display_name=text:|", StringComparison.Ordinal));
        Assert.Contains(actual, r => r.Contains("parent=text:|", StringComparison.Ordinal));
        Assert.Contains(actual, r => r.Contains("created_at=text:2026-03-07 09:05:01.1234567+05:30|", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_duplicate_path_fails_as_a_unique_violation_and_the_statement_stays_usable()
    {
        var dialect = await MigratedAsync();
        await using var connection = await dialect.OpenAsync(default);
        await using var tx = await dialect.BeginWriteAsync(connection, default);
        using var insert = new SqliteBulkInsert((SqliteConnection)connection, serviceId: 3, version: 1);
        insert.Insert(Rows[0]);

        var failure = Assert.Throws<SqliteException>(() => insert.Insert(Rows[0]));
        Assert.Equal(19, failure.SqliteErrorCode);
        Assert.True(dialect.IsUniqueViolation(failure));

        insert.Insert(Rows[1]);
        await using var count = connection.CreateCommand();
        count.Transaction = tx;
        count.CommandText = "SELECT count(*) FROM resources WHERE service_id = 3";
        Assert.Equal(2L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_replace_hands_its_connection_back_to_the_pool_with_automatic_checkpoints_on_whether_it_succeeds_or_fails()
    {
        var dialect = await MigratedAsync();
        var store = new SqlResourceStore(dialect, TimeProvider.System);
        await store.WriteAsync(_service, WriteScope.Service, tx => tx.PutAsync(
            ResourceRow.Service(_service, new JsonObject { ["sku"] = new JsonObject { ["name"] = "Developer" } }), null, default), default);

        // More WAL than the 1,000 pages after which SQLite checkpoints by itself.
        var rows = Enumerable.Range(0, 20_000).Select(i => RawResource.FromRelativeId(
            $"tags/t{i:D5}", KindCatalog.Tags, $"t{i}", "{\"properties\":{\"displayName\":\"" + new string('x', 200) + "\"}}", Created, Created));
        var counts = await store.ReplaceServiceContentAsync(_service, null, [KindCatalog.Tags], Stream(rows), d => d, default);
        Assert.Equal(20_000, counts.Inserted);
        Assert.All(await AutoCheckpointsAsync(dialect), pages => Assert.Equal(1000, pages));

        await Assert.ThrowsAsync<IOException>(() => store.ReplaceServiceContentAsync(_service, null, [KindCatalog.Tags], Broken(), d => d, default));
        Assert.All(await AutoCheckpointsAsync(dialect), pages => Assert.Equal(1000, pages));
        await using (var c = await dialect.OpenAsync(default))
        await using (var count = c.CreateCommand())
        {
            // The failed replace changed nothing.
            count.CommandText = "SELECT count(*) FROM resources WHERE kind = 'tags'";
            Assert.Equal(20_000L, await count.ExecuteScalarAsync());
        }

        static async IAsyncEnumerable<RawResource> Broken()
        {
            yield return RawResource.FromRelativeId("tags/new", KindCatalog.Tags, "n", """{"properties":{"displayName":"n"}}""", Created, Created);
            await Task.Yield();
            throw new IOException("the archive stream broke");
        }
    }

    /// <summary>The automatic checkpoint setting of as many pooled connections as a replace could have used, all open at once.</summary>
    private static async Task<List<long>> AutoCheckpointsAsync(SqlDialect dialect)
    {
        var connections = new List<DbConnection>();
        try
        {
            var pages = new List<long>();
            for (var i = 0; i < 4; i++)
            {
                var c = await dialect.OpenAsync(default);
                connections.Add(c);
                await using var cmd = c.CreateCommand();
                cmd.CommandText = "PRAGMA wal_autocheckpoint";
                pages.Add((long)(await cmd.ExecuteScalarAsync())!);
            }

            return pages;
        }
        finally
        {
            foreach (var c in connections)
            {
                await c.DisposeAsync();
            }
        }
    }

    private async Task<SqlDialect> MigratedAsync()
    {
        Directory.CreateDirectory(_folder);
        var dialect = new SqliteDialect(Path.Combine(_folder, "store.db"));
        await dialect.MigrateAsync(default);
        return dialect;
    }

    private static async IAsyncEnumerable<RawResource> Stream(IEnumerable<RawResource> rows)
    {
        foreach (var row in rows)
        {
            await Task.Yield();
            yield return row;
        }
    }

    /// <summary>The ADO.NET way every other write stores a row.</summary>
    private static async Task InsertWithParametersAsync(DbConnection connection, DbTransaction tx, long serviceId, IEnumerable<RawResource> rows)
    {
        foreach (var row in rows)
        {
            await using var cmd = (SqliteCommand)connection.CreateCommand();
            cmd.Transaction = (SqliteTransaction)tx;
            cmd.CommandText = "INSERT INTO resources (service_id, path, parent, kind, name, rel_id, display_name, body, version, created_at, updated_at) VALUES (@s, @path, @parent, @kind, @name, @rel, @display, @body, 7, @created, @updated)";
            cmd.Parameters.AddWithValue("@s", serviceId);
            cmd.Parameters.AddWithValue("@path", row.Path);
            cmd.Parameters.AddWithValue("@parent", row.Parent);
            cmd.Parameters.AddWithValue("@kind", row.Kind.Path);
            cmd.Parameters.AddWithValue("@name", row.Name);
            cmd.Parameters.AddWithValue("@rel", row.RelativeId);
            cmd.Parameters.AddWithValue("@display", (object?)row.DisplayName ?? DBNull.Value);
            cmd.Parameters.AddWithValue("@body", row.Body);
            cmd.Parameters.AddWithValue("@created", row.CreatedAt);
            cmd.Parameters.AddWithValue("@updated", row.UpdatedAt);
            await cmd.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Every column of a service's rows with its storage class, one line per row in path order.</summary>
    private static async Task<List<string>> StoredAsync(DbConnection connection, long serviceId)
    {
        string[] columns = ["path", "parent", "kind", "name", "rel_id", "display_name", "body", "version", "created_at", "updated_at"];
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT {string.Join(", ", columns.Select(c => $"typeof({c}) || ':' || coalesce(CAST({c} AS TEXT), '')"))} FROM resources WHERE service_id = {serviceId} ORDER BY path";
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Concat(columns.Select((c, i) => $"{c}={reader.GetString(i)}|")));
        }

        return rows;
    }
}
