using System.Data.Common;
using System.Text.Json.Nodes;

namespace OpenApim.Resources.Store.Sql;

/// <summary>The shared SQL of the resource table: row reading, single gets, lists, puts and deletes.</summary>
internal static class ResourceSql
{
    public static string Columns(SqlDialect d) => $"key, id, service_key, parent_key, kind, name, {d.BodyAsText}, version, created_at, updated_at";

    public static StoredResource Read(DbDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.GetString(2),
        r.GetString(3),
        r.GetString(4),
        r.GetString(5),
        JsonNode.Parse(r.GetString(6)) as JsonObject ?? [],
        r.GetInt64(7),
        r.GetFieldValue<DateTimeOffset>(8),
        r.GetFieldValue<DateTimeOffset>(9));

    public static DbCommand Command(DbConnection c, DbTransaction? tx, string sql)
    {
        var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        return cmd;
    }

    /// <summary>Lower and upper bounds of the keys below <paramref name="key"/>: '/' sorts just before '0'.</summary>
    public static (string Low, string High) Descendants(string key) => (key + "/", key + "0");

    public static async Task<StoredResource?> GetAsync(SqlDialect d, DbConnection c, DbTransaction? tx, string key, CancellationToken ct)
    {
        await using var cmd = Command(c, tx, $"SELECT {Columns(d)} FROM resources WHERE key = @key");
        SqlDialect.Param(cmd, "@key", key);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    public static async Task<ResourcePage> ListAsync(SqlDialect d, DbConnection c, DbTransaction? tx, ListQuery q, CancellationToken ct)
    {
        await using var cmd = Command(c, tx, "");
        var where = new List<string> { "kind = @kind" };
        SqlDialect.Param(cmd, "@kind", q.Kind);
        if (q.ParentKey is not null)
        {
            where.Add("parent_key = @parent");
            SqlDialect.Param(cmd, "@parent", q.ParentKey);
        }

        if (q.ServiceKey is not null)
        {
            where.Add("service_key = @service");
            SqlDialect.Param(cmd, "@service", q.ServiceKey);
        }

        if (q.KeyPrefix is not null)
        {
            var (low, high) = Descendants(q.KeyPrefix);
            where.Add("key >= @low AND key < @high");
            SqlDialect.Param(cmd, "@low", low);
            SqlDialect.Param(cmd, "@high", high);
        }

        if (q.Filter is not null)
        {
            where.Add(new FilterSql(d, cmd).Translate(q.Filter));
        }

        var predicate = string.Join(" AND ", where);
        cmd.CommandText = $"SELECT count(*) FROM resources WHERE {predicate}";
        var total = Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);

        cmd.CommandText = $"SELECT {Columns(d)} FROM resources WHERE {predicate} ORDER BY key LIMIT @top OFFSET @skip";
        SqlDialect.Param(cmd, "@top", q.Top);
        SqlDialect.Param(cmd, "@skip", q.Skip);
        var items = new List<StoredResource>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                items.Add(Read(r));
            }
        }

        return new ResourcePage(items, total);
    }

    public static string? DisplayName(JsonObject body) =>
        body["properties"] is JsonObject p && p["displayName"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>Takes the service's row lock for the transaction and bumps its epoch.</summary>
    public static async Task<long> LockServiceAsync(DbConnection c, DbTransaction tx, string serviceKey, CancellationToken ct)
    {
        await using var cmd = ResourceSql.Command(c, tx,
            "INSERT INTO service_state (service_key, epoch) VALUES (@s, 1) ON CONFLICT (service_key) DO UPDATE SET epoch = service_state.epoch + 1 RETURNING epoch");
        SqlDialect.Param(cmd, "@s", serviceKey);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }
}
