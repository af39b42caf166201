using System.Data.Common;
using System.Globalization;
using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Model;

namespace OpenApim.Resources.Store.Sql;

/// <summary>
/// The shared SQL of the resource table. Rows are stored per service (a small integer id from the
/// <c>services</c> table) with paths relative to the service, so the long ARM id prefix is stored once
/// per service instead of in every row and index entry; the store's interface speaks addresses.
/// </summary>
internal static class ResourceSql
{
    public static string SelectRows(SqlDialect d) =>
        $"SELECT s.id, r.kind, r.rel_id, {d.BodyAsText.Replace("body", "r.body", StringComparison.Ordinal)}, r.version, r.created_at, r.updated_at " +
        "FROM resources r JOIN services s ON s.service_id = r.service_id AND s.deleted_at IS NULL";

    /// <summary>A stored kind name as its declaration (the service's, or one of the catalog's).</summary>
    public static ResourceKind Kind(string name) =>
        FindKind(name) ?? throw new InvalidOperationException($"The store holds rows of kind '{name}', which this OpenApim does not know.");

    /// <summary>A stored kind name as its declaration, or null for a kind this build does not know (written by a newer one).</summary>
    public static ResourceKind? FindKind(string name) => name == ResourceKind.Service.Path ? ResourceKind.Service : KindCatalog.Find(name);

    /// <summary>Reads rows of <see cref="SelectRows"/>, parsing each service id once.</summary>
    internal sealed class RowReader
    {
        private readonly Dictionary<string, ServiceRef> _services = new(StringComparer.Ordinal);

        public StoredResource Read(DbDataReader r)
        {
            var serviceId = r.GetString(0);
            if (!_services.TryGetValue(serviceId, out var service))
            {
                _services[serviceId] = service = ServiceRef.FromId(serviceId);
            }

            return new StoredResource(
                EntityAddress.FromRelativeId(service, Kind(r.GetString(1)), r.GetString(2)),
                JsonNode.Parse(r.GetString(3)) as JsonObject ?? [],
                r.GetInt64(4),
                r.GetFieldValue<DateTimeOffset>(5),
                r.GetFieldValue<DateTimeOffset>(6));
        }
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

    /// <summary>Bounds of the paths (or keys) below <paramref name="path"/>: '/' sorts just before '0'.</summary>
    public static (string Low, string High) Descendants(string path) => (path + "/", path + "0");

    public static async Task<StoredResource?> GetAsync(SqlDialect d, DbConnection c, DbTransaction? tx, EntityAddress address, CancellationToken ct)
    {
        await using var cmd = Command(c, tx, $"{SelectRows(d)} WHERE s.key = @service AND r.path = @path");
        SqlDialect.Param(cmd, "@service", address.Service.Key);
        SqlDialect.Param(cmd, "@path", address.Path);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? new RowReader().Read(r) : null;
    }

    public static async Task<ResourcePage> ListAsync(SqlDialect d, DbConnection c, DbTransaction? tx, ListQuery q, CancellationToken ct)
    {
        await using var cmd = Command(c, tx, "");
        var where = new List<string> { "r.kind = @kind" };
        SqlDialect.Param(cmd, "@kind", q.Kind.Path);
        if (q.Kind == ResourceKind.Service)
        {
            // Services: the service rows, optionally of one subscription or resource group.
            where.Add("r.path = ''");
            var prefix = q.SubscriptionId is not { } subscription ? null
                : q.ResourceGroup is { } group ? $"/subscriptions/{subscription}/resourcegroups/{group}/providers/microsoft.apimanagement/service"
                : $"/subscriptions/{subscription}";
            if (prefix is not null)
            {
                var (low, high) = Descendants(prefix.ToLowerInvariant());
                where.Add("s.key >= @low AND s.key < @high");
                SqlDialect.Param(cmd, "@low", low);
                SqlDialect.Param(cmd, "@high", high);
            }
        }
        else
        {
            var service = q.Container?.Service ?? q.Service ?? throw new ArgumentException("An entity list needs a container or a service.");
            where.Add("s.key = @service");
            SqlDialect.Param(cmd, "@service", service.Key);
            if (q.Container is { } container)
            {
                where.Add("r.parent = @parent");
                SqlDialect.Param(cmd, "@parent", container.Path);
            }
        }

        if (q.Filter is not null)
        {
            where.Add(new FilterSql(d, cmd).Translate(q.Filter));
        }

        var predicate = string.Join(" AND ", where);
        cmd.CommandText = $"SELECT count(*) FROM resources r JOIN services s ON s.service_id = r.service_id AND s.deleted_at IS NULL WHERE {predicate}";
        var total = Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        if (total == 0 || q.Skip >= total)
        {
            return new ResourcePage([], total);
        }

        var order = q.Kind == ResourceKind.Service ? "s.key" : "r.parent, r.path";
        cmd.CommandText = $"{SelectRows(d)} WHERE {predicate} ORDER BY {order} LIMIT @top OFFSET @skip";
        SqlDialect.Param(cmd, "@top", q.Top);
        SqlDialect.Param(cmd, "@skip", q.Skip);
        var items = new List<StoredResource>();
        var reader = new RowReader();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                items.Add(reader.Read(r));
            }
        }

        return new ResourcePage(items, total);
    }

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
}
