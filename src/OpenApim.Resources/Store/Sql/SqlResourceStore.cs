using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Operations;

namespace OpenApim.Resources.Store.Sql;

/// <summary>The resource store over either SQL dialect.</summary>
public sealed class SqlResourceStore(SqlDialect dialect, TimeProvider time) : IResourceStore
{

    public IOperationStore Operations { get; } = new SqlOperationStore(dialect, time);

    public async Task<StoredResource?> GetAsync(string key, CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        return await ResourceSql.GetAsync(dialect, c, null, key, ct);
    }

    public async Task<IReadOnlyDictionary<string, StoredResource>> GetManyAsync(IReadOnlyCollection<string> keys, CancellationToken ct)
    {
        var found = new Dictionary<string, StoredResource>(StringComparer.Ordinal);
        if (keys.Count == 0)
        {
            return found;
        }

        await using var c = await dialect.OpenAsync(ct);
        foreach (var service in keys.Distinct(StringComparer.Ordinal).Select(ResourceSql.Split).GroupBy(k => k.ServiceKey, k => k.Path))
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = $"{ResourceSql.SelectRows(dialect)} WHERE s.key = @service AND r.path IN ({SqlDialect.InList(cmd, "p", service)})";
            SqlDialect.Param(cmd, "@service", service.Key);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var row = ResourceSql.Read(r);
                found[row.Key] = row;
            }
        }

        return found;
    }

    public async Task<ResourcePage> ListAsync(ListQuery query, CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        return await ResourceSql.ListAsync(dialect, c, null, query, ct);
    }

    public async Task<T> WriteAsync<T>(string serviceKey, WriteScope scope, Func<IResourceWriter, Task<T>> work, CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        await using var tx = await dialect.BeginWriteAsync(c, ct);
        var (serviceId, epoch) = await ResourceSql.LockServiceAsync(c, tx, serviceKey, ct);
        var busy = await SqlOperationStore.ActiveAsync(c, tx, serviceKey, ct);
        if (busy is { } op && (scope == WriteScope.Service || op.Kind == OperationKinds.Restore))
        {
            throw ArmErrors.ServiceBusy(ResourceSql.ServiceName(serviceKey), op.Kind, op.Id);
        }

        var writer = new SqlResourceWriter(dialect, c, tx, serviceKey, serviceId, epoch, time, ct);
        var result = await work(writer);
        await tx.CommitAsync(ct);
        return result;
    }

    public async Task<IResourceSnapshot> OpenSnapshotAsync(string serviceKey, CancellationToken ct)
    {
        var c = await dialect.OpenAsync(ct);
        try
        {
            var tx = await dialect.BeginSnapshotAsync(c, ct);
            await using var cmd = ResourceSql.Command(c, tx, "SELECT service_id, epoch FROM services WHERE key = @s");
            SqlDialect.Param(cmd, "@s", serviceKey);
            long serviceId = -1, epoch = 0;
            await using (var r = await cmd.ExecuteReaderAsync(ct))
            {
                if (await r.ReadAsync(ct))
                {
                    (serviceId, epoch) = (r.GetInt64(0), r.GetInt64(1));
                }
            }

            return new SqlSnapshot(dialect, c, tx, serviceId, epoch, time.GetUtcNow());
        }
        catch
        {
            await c.DisposeAsync();
            throw;
        }
    }

    public async Task<RestoreCounts> ReplaceServiceContentAsync(
        string serviceKey,
        OperationClaim? holder,
        IReadOnlyCollection<string> replacedKinds,
        IAsyncEnumerable<RawResource> rows,
        Func<JsonObject, JsonObject> updateService,
        CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        await using var tx = await dialect.BeginWriteAsync(c, ct);
        var (serviceId, epoch) = await ResourceSql.LockServiceAsync(c, tx, serviceKey, ct);
        var busy = await SqlOperationStore.ActiveAsync(c, tx, serviceKey, ct);
        if (holder is null && busy is { } running)
        {
            throw ArmErrors.ServiceBusy(ResourceSql.ServiceName(serviceKey), running.Kind, running.Id);
        }

        if (holder is not null && (busy?.Id != holder.Id || busy?.Owner != holder.Owner))
        {
            throw new OperationLostException($"Operation {holder.Id} no longer holds service {serviceKey} on node {holder.Owner}: another node took it over.");
        }

        long deleted = 0;
        if (replacedKinds.Count > 0)
        {
            await using var del = ResourceSql.Command(c, tx, "");
            var names = replacedKinds.Select((k, i) => { SqlDialect.Param(del, $"@k{i}", k); return $"@k{i}"; }).ToList();
            del.CommandText = $"DELETE FROM resources WHERE service_id = @s AND kind IN ({string.Join(", ", names)})";
            SqlDialect.Param(del, "@s", serviceId);
            deleted = await del.ExecuteNonQueryAsync(ct);
        }

        var version = await NextVersionAsync(dialect, c, tx, ct);
        var inserted = await dialect.BulkInsertAsync(c, tx, serviceId, version, rows, ct);

        var service = await ResourceSql.GetAsync(dialect, c, tx, serviceKey, ct)
            ?? throw new InvalidOperationException($"Service {serviceKey} vanished during restore.");
        await using (var up = ResourceSql.Command(c, tx, $"UPDATE resources SET body = {dialect.JsonParameter("@body")}, version = @v, updated_at = @now WHERE service_id = @s AND path = ''"))
        {
            SqlDialect.Param(up, "@body", updateService(service.Body).ToJsonString());
            SqlDialect.Param(up, "@v", version);
            SqlDialect.Param(up, "@now", time.GetUtcNow());
            SqlDialect.Param(up, "@s", serviceId);
            await up.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        return new RestoreCounts(deleted, inserted, epoch);
    }

    public async Task<IReadOnlyDictionary<string, long>> ReadVersionsAsync(string serviceKey, IReadOnlyCollection<string> kinds, CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        await using var cmd = ResourceSql.Command(c, null, "");
        cmd.CommandText = $"SELECT r.path, r.version FROM resources r JOIN services s ON s.service_id = r.service_id WHERE s.key = @s AND r.kind IN ({SqlDialect.InList(cmd, "k", kinds)})";
        SqlDialect.Param(cmd, "@s", serviceKey);
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            result[r.GetString(0)] = r.GetInt64(1);
        }

        return result;
    }

    public async IAsyncEnumerable<VersionedResource> ReadChangedAsync(string serviceKey, IReadOnlyCollection<string> kinds, long afterVersion, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        await using var cmd = ResourceSql.Command(c, null, "");
        cmd.CommandText =
            $"SELECT r.path, r.rel_id, r.parent, r.kind, r.name, r.display_name, {dialect.BodyAsText.Replace("body", "r.body", StringComparison.Ordinal)}, r.created_at, r.updated_at, r.version " +
            $"FROM resources r JOIN services s ON s.service_id = r.service_id WHERE s.key = @s AND r.version > @after AND r.kind IN ({SqlDialect.InList(cmd, "k", kinds)})";
        SqlDialect.Param(cmd, "@s", serviceKey);
        SqlDialect.Param(cmd, "@after", afterVersion);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            yield return new VersionedResource(
                new RawResource(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5), r.GetString(6),
                    r.GetFieldValue<DateTimeOffset>(7), r.GetFieldValue<DateTimeOffset>(8)),
                r.GetInt64(9));
        }
    }

    public async Task<IReadOnlyDictionary<string, long>> GetEpochsAsync(CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        await using var cmd = ResourceSql.Command(c, null, "SELECT key, epoch FROM services");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await r.ReadAsync(ct))
        {
            result[r.GetString(0)] = r.GetInt64(1);
        }

        return result;
    }

    internal static async Task<long> NextVersionAsync(SqlDialect dialect, DbConnection c, DbTransaction tx, CancellationToken ct)
    {
        await using var cmd = ResourceSql.Command(c, tx, dialect.NextVersionSql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    private sealed class SqlSnapshot(SqlDialect dialect, DbConnection c, DbTransaction tx, long serviceId, long epoch, DateTimeOffset takenAt) : IResourceSnapshot
    {
        public long Epoch => epoch;

        public DateTimeOffset TakenAt => takenAt;

        public async IAsyncEnumerable<RawResource> ReadAllAsync([EnumeratorCancellation] CancellationToken ct)
        {
            await using var cmd = ResourceSql.Command(c, tx,
                $"SELECT path, rel_id, parent, kind, name, display_name, {dialect.BodyAsText}, created_at, updated_at FROM resources WHERE service_id = @s ORDER BY kind, parent, path");
            SqlDialect.Param(cmd, "@s", serviceId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                yield return new RawResource(
                    r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
                    r.IsDBNull(5) ? null : r.GetString(5), r.GetString(6),
                    r.GetFieldValue<DateTimeOffset>(7), r.GetFieldValue<DateTimeOffset>(8));
            }
        }

        public async ValueTask DisposeAsync()
        {
            await tx.DisposeAsync();
            await c.DisposeAsync();
        }
    }
}
