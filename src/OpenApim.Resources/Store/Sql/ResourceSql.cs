using System.Data.Common;
using System.Globalization;
using System.Text.Json.Nodes;
using OpenApim.Resources.Kinds.Service;

namespace OpenApim.Resources.Store.Sql;

/// <summary>
/// The shared SQL of the resource table. Rows are stored per service (a small integer id from the
/// <c>services</c> table) with paths relative to the service, so the long ARM id prefix is stored once
/// per service instead of in every row and index entry; the store's interface still speaks full keys.
/// </summary>
internal static class ResourceSql
{
    public static string SelectRows(SqlDialect d) =>
        $"SELECT s.key, s.id, r.path, r.parent, r.kind, r.name, r.rel_id, {d.BodyAsText.Replace("body", "r.body", StringComparison.Ordinal)}, r.version, r.created_at, r.updated_at " +
        "FROM resources r JOIN services s ON s.service_id = r.service_id";

    /// <summary>Splits a full lower-case key into its service key and the path below it ('' for the service itself).</summary>
    public static (string ServiceKey, string Path) Split(string key)
    {
        // /subscriptions/{s}/resourcegroups/{rg}/providers/microsoft.apimanagement/service/{name}[/...]: the service
        // key ends before the ninth '/'; an extension container /providers/{namespace}[/...] before the third.
        var segments = key.StartsWith("/providers/", StringComparison.Ordinal) ? 2 : 8;
        var index = 0;
        for (var i = 0; i < segments && index >= 0; i++)
        {
            index = key.IndexOf('/', index + 1);
        }

        return index < 0 ? (key, "") : (key[..index], key[(index + 1)..]);
    }

    public static StoredResource Read(DbDataReader r)
    {
        var serviceKey = r.GetString(0);
        var serviceId = r.GetString(1);
        var path = r.GetString(2);
        var parent = r.GetString(3);
        var relId = r.GetString(6);
        return new StoredResource(
            Join(serviceKey, path),
            Join(serviceId, relId),
            serviceKey,
            path.Length == 0 ? ResourceGroupOf(serviceKey) : Join(serviceKey, parent),
            r.GetString(4),
            r.GetString(5),
            JsonNode.Parse(r.GetString(7)) as JsonObject ?? [],
            r.GetInt64(8),
            r.GetFieldValue<DateTimeOffset>(9),
            r.GetFieldValue<DateTimeOffset>(10));
    }

    /// <summary>The service name at the end of a service key.</summary>
    public static string ServiceName(string serviceKey) => serviceKey[(serviceKey.LastIndexOf('/') + 1)..];

    public static DbCommand Command(DbConnection c, DbTransaction? tx, string sql)
    {
        var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        return cmd;
    }

    /// <summary>Bounds of the paths below <paramref name="path"/>: '/' sorts just before '0'.</summary>
    public static (string Low, string High) Descendants(string path) => (path + "/", path + "0");

    public static async Task<StoredResource?> GetAsync(SqlDialect d, DbConnection c, DbTransaction? tx, string key, CancellationToken ct)
    {
        var (serviceKey, path) = Split(key);
        await using var cmd = Command(c, tx, $"{SelectRows(d)} WHERE s.key = @service AND r.path = @path");
        SqlDialect.Param(cmd, "@service", serviceKey);
        SqlDialect.Param(cmd, "@path", path);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    public static async Task<ResourcePage> ListAsync(SqlDialect d, DbConnection c, DbTransaction? tx, ListQuery q, CancellationToken ct)
    {
        await using var cmd = Command(c, tx, "");
        var where = new List<string> { "r.kind = @kind" };
        SqlDialect.Param(cmd, "@kind", q.Kind);
        if (q.Kind == ServiceKind.Name)
        {
            // Services: the service rows, optionally below a resource group or subscription key.
            where.Add("r.path = ''");
            var prefix = q.ParentKey is { } rg ? rg + "/providers/microsoft.apimanagement/service" : q.KeyPrefix;
            if (prefix is not null)
            {
                var (low, high) = Descendants(prefix);
                where.Add("s.key >= @low AND s.key < @high");
                SqlDialect.Param(cmd, "@low", low);
                SqlDialect.Param(cmd, "@high", high);
            }
        }
        else
        {
            var (serviceKey, parent) = Split(q.ParentKey ?? q.ServiceKey ?? throw new ArgumentException("An entity list needs a parent or service key."));
            where.Add("s.key = @service");
            SqlDialect.Param(cmd, "@service", serviceKey);
            if (q.ParentKey is not null)
            {
                where.Add("r.parent = @parent");
                SqlDialect.Param(cmd, "@parent", parent);
            }
        }

        if (q.Filter is not null)
        {
            where.Add(new FilterSql(d, cmd).Translate(q.Filter));
        }

        var predicate = string.Join(" AND ", where);
        cmd.CommandText = $"SELECT count(*) FROM resources r JOIN services s ON s.service_id = r.service_id WHERE {predicate}";
        var total = Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        if (total == 0 || q.Skip >= total)
        {
            return new ResourcePage([], total);
        }

        var order = q.Kind == ServiceKind.Name ? "s.key" : "r.parent, r.path";
        cmd.CommandText = $"{SelectRows(d)} WHERE {predicate} ORDER BY {order} LIMIT @top OFFSET @skip";
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

    /// <summary>
    /// Takes the service's row lock for the transaction (creating its row the first time) and bumps its
    /// epoch; returns the service's id and the new epoch.
    /// </summary>
    public static async Task<(long ServiceId, long Epoch)> LockServiceAsync(DbConnection c, DbTransaction tx, string serviceKey, CancellationToken ct)
    {
        await using var cmd = Command(c, tx,
            "INSERT INTO services (key, id, epoch) VALUES (@key, @key, 1) ON CONFLICT (key) DO UPDATE SET epoch = services.epoch + 1 RETURNING service_id, epoch");
        SqlDialect.Param(cmd, "@key", serviceKey);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return (r.GetInt64(0), r.GetInt64(1));
    }

    private static string Join(string prefix, string path) => path.Length == 0 ? prefix : $"{prefix}/{path}";

    private static string ResourceGroupOf(string serviceKey)
    {
        var at = serviceKey.IndexOf("/providers/", StringComparison.Ordinal);
        return at > 0 ? serviceKey[..at] : "";
    }
}
