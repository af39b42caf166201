using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Model;
using OpenApim.Resources.Operations;
using OpenApim.Resources.Store.Journal;

namespace OpenApim.Resources.Store.Sql;

/// <summary>The resource store over either SQL dialect.</summary>
internal sealed class SqlResourceStore(SqlDialect dialect, TimeProvider time) : IResourceStore
{
    public async Task<StoredResource?> GetAsync(EntityAddress address, CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        return await ResourceSql.GetAsync(dialect, c, null, address, ct);
    }

    public async Task<IReadOnlyDictionary<EntityAddress, StoredResource>> GetManyAsync(IReadOnlyCollection<EntityAddress> addresses, CancellationToken ct)
    {
        var found = new Dictionary<EntityAddress, StoredResource>();
        if (addresses.Count == 0)
        {
            return found;
        }

        await using var c = await dialect.OpenAsync(ct);
        var reader = new ResourceSql.RowReader();
        foreach (var service in addresses.Distinct().GroupBy(a => a.Service))
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = $"{ResourceSql.SelectRows(dialect)} WHERE s.key = @service AND r.path IN ({SqlDialect.InList(cmd, "p", service.Select(a => a.Path))})";
            SqlDialect.Param(cmd, "@service", service.Key.Key);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var row = reader.Read(r);
                found[row.Address] = row;
            }
        }

        return found;
    }

    public async Task<ResourcePage> ListAsync(ListQuery query, CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        return await ResourceSql.ListAsync(dialect, c, null, query, ct);
    }

    public async Task<T> WriteAsync<T>(ServiceRef service, WriteScope scope, Func<IResourceWriter, Task<T>> work, CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        await using var tx = await dialect.BeginWriteAsync(c, ct);
        var (serviceId, epoch) = await ResourceSql.LockServiceAsync(c, tx, service.Key, ct);
        var busy = await SqlOperationStore.ActiveAsync(c, tx, service.Key, ct);
        if (busy is { } op && scope != WriteScope.Restore && (scope == WriteScope.Service || op.Kind == OperationKinds.Restore))
        {
            throw ArmErrors.ServiceBusy(service.Name, op.Kind, op.Id);
        }

        var writer = new SqlResourceWriter(dialect, c, tx, service, serviceId, epoch, time, guardFollowing: scope != WriteScope.Replication);
        var result = await work(writer);
        await SqlJournal.CommitAsync(dialect, c, tx, writer.Changes, time.GetUtcNow(), ct);
        return result;
    }

    public async Task<IResourceSnapshot> OpenSnapshotAsync(ServiceRef service, CancellationToken ct)
    {
        var c = await dialect.OpenAsync(ct);
        try
        {
            var tx = await dialect.BeginSnapshotAsync(c, ct);
            await using var cmd = ResourceSql.Command(c, tx, "SELECT service_id, epoch FROM services WHERE key = @s");
            SqlDialect.Param(cmd, "@s", service.Key);
            long serviceId = -1, epoch = 0;
            await using (var r = await cmd.ExecuteReaderAsync(ct))
            {
                if (await r.ReadAsync(ct))
                {
                    (serviceId, epoch) = (r.GetInt64(0), r.GetInt64(1));
                }
            }

            // Records commit in sequence order (the counter row serialises them), so the snapshot holds exactly the changes up to
            // the largest sequence it sees: a base taken here continues with the records after that position.
            await using var position = ResourceSql.Command(c, tx, SqlJournal.LastSequenceSql);
            var journalPosition = Convert.ToInt64(await position.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
            return new SqlSnapshot(dialect, c, tx, serviceId, epoch, journalPosition, time.GetUtcNow());
        }
        catch
        {
            await c.DisposeAsync();
            throw;
        }
    }

    /// <summary>Rows a replace must touch before the planner's statistics are refreshed (<see cref="SqlDialect.AnalyzeAfterBulkSql"/>).</summary>
    private const long BulkAnalyzeRows = 10_000;

    public async Task<RestoreCounts> ReplaceServiceContentAsync(
        ServiceRef service,
        OperationClaim? holder,
        IReadOnlyCollection<ResourceKind> replacedKinds,
        IAsyncEnumerable<RawResource> rows,
        Func<JsonObject, JsonObject> updateService,
        CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        // Declared before the transaction, so disposed after it: the upkeep runs once the transaction has ended either way.
        await using var upkeep = await BulkUpkeep.DeferAsync(dialect, c, ct);
        await using var tx = await dialect.BeginWriteAsync(c, ct);
        var (serviceId, epoch) = await ResourceSql.LockServiceAsync(c, tx, service.Key, ct);
        var busy = await SqlOperationStore.ActiveAsync(c, tx, service.Key, ct);
        if (holder is null && busy is { } running)
        {
            throw ArmErrors.ServiceBusy(service.Name, running.Kind, running.Id);
        }

        if (holder is not null && (busy?.Id != holder.Id || busy?.Owner != holder.Owner))
        {
            throw new OperationLostException($"Operation {holder.Id} no longer holds service {service.Id} on node {holder.Owner}: another node took it over.");
        }

        long deleted = 0;
        if (replacedKinds.Count > 0)
        {
            await using var del = ResourceSql.Command(c, tx, "");
            del.CommandText = $"DELETE FROM resources WHERE service_id = @s AND kind IN ({SqlDialect.InList(del, "k", replacedKinds.Select(k => k.Path))})";
            SqlDialect.Param(del, "@s", serviceId);
            deleted = await del.ExecuteNonQueryAsync(ct);
        }

        var version = await NextVersionAsync(dialect, c, tx, ct);
        var inserted = await dialect.BulkInsertAsync(c, tx, serviceId, version, rows, ct);

        var current = await ResourceSql.GetAsync(dialect, c, tx, EntityAddress.ForService(service), ct)
            ?? throw new InvalidOperationException($"Service {service.Id} vanished during restore.");
        await using (var up = ResourceSql.Command(c, tx, $"UPDATE resources SET body = {dialect.JsonParameter("@body")}, version = @v, updated_at = @now WHERE service_id = @s AND path = ''"))
        {
            SqlDialect.Param(up, "@body", updateService(current.Body).ToJsonString());
            SqlDialect.Param(up, "@v", version);
            SqlDialect.Param(up, "@now", time.GetUtcNow());
            SqlDialect.Param(up, "@s", serviceId);
            await up.ExecuteNonQueryAsync(ct);
        }

        // A restore is one marked change set, not a record per row: readers reload the service.
        await SqlJournal.CommitAsync(dialect, c, tx, [new PendingChange(service.Key, service.Id, ResourceKind.Service.Path, "", ChangeOperation.Restore,
            new JsonObject { ["deleted"] = deleted, ["inserted"] = inserted, ["kinds"] = new JsonArray([.. replacedKinds.Select(k => (JsonNode)k.Path)]) }, version)], time.GetUtcNow(), ct);
        if (dialect.AnalyzeAfterBulkSql is { } analyze && deleted + inserted >= BulkAnalyzeRows)
        {
            await using var stats = ResourceSql.Command(c, null, analyze);
            await stats.ExecuteNonQueryAsync(ct);
        }

        return new RestoreCounts(deleted, inserted, epoch, version);
    }

    public IAsyncEnumerable<VersionedResource> ReadChangedAsync(ServiceRef service, IReadOnlyCollection<ResourceKind> kinds, long afterVersion, CancellationToken ct) =>
        ReadVersionedAsync(service, cmd => $"r.version > @after AND r.kind IN ({SqlDialect.InList(cmd, "k", kinds.Select(k => k.Path))})", afterVersion, ct);

    public async IAsyncEnumerable<VersionedResource> ReadRowsAsync(ServiceRef service, IReadOnlyCollection<string> paths, [EnumeratorCancellation] CancellationToken ct)
    {
        // In chunks: a statement has a bounded number of parameters.
        foreach (var chunk in paths.Chunk(500))
        {
            await foreach (var row in ReadVersionedAsync(service, cmd => $"r.path IN ({SqlDialect.InList(cmd, "p", chunk)})", null, ct))
            {
                yield return row;
            }
        }
    }

    public async IAsyncEnumerable<ProjectedRow> ReadPropertiesAsync(ServiceRef service, ResourceKind kind, IReadOnlyList<string> properties, [EnumeratorCancellation] CancellationToken ct)
    {
        // The names go into the SQL text: only plain identifiers.
        if (properties.Any(p => p.Length == 0 || !p.All(char.IsAsciiLetterOrDigit)))
        {
            throw new ArgumentException("Property names must be ASCII letters and digits.", nameof(properties));
        }

        await using var c = await dialect.OpenAsync(ct);
        await using var cmd = ResourceSql.Command(c, null,
            $"SELECT r.path, r.rel_id, CASE WHEN {dialect.HasPropertiesObject} THEN 1 ELSE 0 END, {string.Join(", ", properties.Select(dialect.JsonPropertyString))} " +
            "FROM resources r JOIN services s ON s.service_id = r.service_id AND s.deleted_at IS NULL WHERE s.key = @s AND r.kind = @kind");
        SqlDialect.Param(cmd, "@s", service.Key);
        SqlDialect.Param(cmd, "@kind", kind.Path);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var values = new string?[properties.Count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = r.IsDBNull(3 + i) ? null : r.GetString(3 + i);
            }

            yield return new ProjectedRow(r.GetString(0), r.GetString(1), Convert.ToInt64(r.GetValue(2), System.Globalization.CultureInfo.InvariantCulture) == 1, values);
        }
    }

    private async IAsyncEnumerable<VersionedResource> ReadVersionedAsync(ServiceRef service, Func<DbCommand, string> where, long? afterVersion, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        await using var cmd = ResourceSql.Command(c, null, "");
        cmd.CommandText =
            $"SELECT r.path, r.rel_id, r.parent, r.kind, r.name, r.display_name, {dialect.BodyAsText.Replace("body", "r.body", StringComparison.Ordinal)}, r.created_at, r.updated_at, r.version " +
            $"FROM resources r JOIN services s ON s.service_id = r.service_id AND s.deleted_at IS NULL WHERE s.key = @s AND {where(cmd)}";
        SqlDialect.Param(cmd, "@s", service.Key);
        if (afterVersion is { } after)
        {
            SqlDialect.Param(cmd, "@after", after);
        }

        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            yield return new VersionedResource(
                new RawResource(r.GetString(0), r.GetString(1), r.GetString(2), ResourceSql.Kind(r.GetString(3)), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5), r.GetString(6),
                    r.GetFieldValue<DateTimeOffset>(7), r.GetFieldValue<DateTimeOffset>(8)),
                r.GetInt64(9));
        }
    }

    public async Task<IReadOnlyDictionary<ServiceRef, long>> GetEpochsAsync(CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        await using var cmd = ResourceSql.Command(c, null, "SELECT id, epoch FROM services WHERE deleted_at IS NULL");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var result = new Dictionary<ServiceRef, long>();
        while (await r.ReadAsync(ct))
        {
            result[ServiceRef.FromId(r.GetString(0))] = r.GetInt64(1);
        }

        return result;
    }

    internal static async Task<long> NextVersionAsync(SqlDialect dialect, DbConnection c, DbTransaction tx, CancellationToken ct)
    {
        await using var cmd = ResourceSql.Command(c, tx, dialect.NextVersionSql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    private sealed class SqlSnapshot(SqlDialect dialect, DbConnection c, DbTransaction tx, long serviceId, long epoch, long journalPosition, DateTimeOffset takenAt) : IResourceSnapshot
    {
        public long Epoch => epoch;

        public long JournalPosition => journalPosition;

        public DateTimeOffset TakenAt => takenAt;

        public async IAsyncEnumerable<RawResource> ReadAllAsync([EnumeratorCancellation] CancellationToken ct)
        {
            await using var cmd = ResourceSql.Command(c, tx,
                $"SELECT path, rel_id, parent, kind, name, display_name, {dialect.BodyAsText}, created_at, updated_at FROM resources WHERE service_id = @s ORDER BY kind, parent, path");
            SqlDialect.Param(cmd, "@s", serviceId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            string? kindName = null;
            ResourceKind? kind = null;
            while (await r.ReadAsync(ct))
            {
                var name = r.GetString(3);
                if (name != kindName)
                {
                    (kindName, kind) = (name, ResourceSql.FindKind(name));
                }

                // A row of a kind this build does not know is left out of snapshots (backups and previews), as before.
                if (kind is null)
                {
                    continue;
                }

                yield return new RawResource(
                    r.GetString(0), r.GetString(1), r.GetString(2), kind, r.GetString(4),
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

    /// <summary>
    /// The upkeep a bulk replace defers on its connection (<see cref="SqlDialect.DeferUpkeepSql"/>), done and undone when
    /// disposed, even after a failed or cancelled replace: the connection goes back to the pool.
    /// </summary>
    private sealed class BulkUpkeep(DbConnection connection, string? after) : IAsyncDisposable
    {
        public static async Task<BulkUpkeep> DeferAsync(SqlDialect dialect, DbConnection connection, CancellationToken ct)
        {
            if (dialect.DeferUpkeepSql is not { } defer)
            {
                return new BulkUpkeep(connection, null);
            }

            await using var cmd = ResourceSql.Command(connection, null, defer);
            await cmd.ExecuteNonQueryAsync(ct);
            return new BulkUpkeep(connection, dialect.UpkeepAfterBulkSql);
        }

        public async ValueTask DisposeAsync()
        {
            if (after is not null)
            {
                await using var cmd = ResourceSql.Command(connection, null, after);
                await cmd.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
    }
}
