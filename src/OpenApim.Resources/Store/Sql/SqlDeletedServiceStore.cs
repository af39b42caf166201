using System.Data.Common;
using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Store.Journal;

namespace OpenApim.Resources.Store.Sql;

/// <summary>Soft-deleted services: <c>services</c> rows with <c>deleted_at</c> set and a tombstone key.</summary>
internal sealed class SqlDeletedServiceStore(SqlDialect dialect, TimeProvider time) : IDeletedServiceStore
{
    private string Select => $"SELECT s.service_id, s.id, s.deleted_at, {dialect.BodyAsText.Replace("body", "r.body", StringComparison.Ordinal)} " +
        "FROM services s JOIN resources r ON r.service_id = s.service_id AND r.path = '' WHERE s.deleted_at IS NOT NULL";

    public async Task<IReadOnlyList<DeletedService>> ListDeletedAsync(CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        await using var cmd = ResourceSql.Command(c, null, $"{Select} ORDER BY s.id");
        return await ReadAsync(cmd, ct);
    }

    public async Task<DeletedService?> FindDeletedAsync(string name, CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        await using var cmd = ResourceSql.Command(c, null, $"{Select} AND lower(r.name) = @name");
        SqlDialect.Param(cmd, "@name", name.ToLowerInvariant());
        var found = await ReadAsync(cmd, ct);
        return found.Count > 0 ? found[0] : null;
    }

    public async Task<bool> PurgeAsync(DeletedService deleted, CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        await using var tx = await dialect.BeginWriteAsync(c, ct);
        var purged = await PurgeAsync(c, tx, deleted.StoreId, ct);
        await SqlJournal.CommitAsync(dialect, c, tx, purged ? [Change(deleted, ChangeOperation.Purge)] : [], time.GetUtcNow(), ct);
        return purged;
    }

    public async Task<bool> UndeleteAsync(DeletedService deleted, CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        await using var tx = await dialect.BeginWriteAsync(c, ct);

        // An empty state row may hold the live key (a write to the missing service that committed nothing); it goes.
        await using (var free = ResourceSql.Command(c, tx, "DELETE FROM services WHERE key = @key AND NOT EXISTS (SELECT 1 FROM resources r WHERE r.service_id = services.service_id)"))
        {
            SqlDialect.Param(free, "@key", deleted.Service.Key);
            await free.ExecuteNonQueryAsync(ct);
        }

        await using var back = ResourceSql.Command(c, tx, "UPDATE services SET key = @key, deleted_at = NULL, epoch = epoch + 1 WHERE service_id = @id AND deleted_at IS NOT NULL");
        SqlDialect.Param(back, "@key", deleted.Service.Key);
        SqlDialect.Param(back, "@id", deleted.StoreId);
        var restored = await back.ExecuteNonQueryAsync(ct) == 1;
        await SqlJournal.CommitAsync(dialect, c, tx, restored ? [Change(deleted, ChangeOperation.Undelete)] : [], time.GetUtcNow(), ct);
        return restored;
    }

    public async Task<int> PurgeDeletedBeforeAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        var purged = 0;
        foreach (var deleted in (await ListDeletedAsync(ct)).Where(d => d.DeletedAt < cutoff))
        {
            purged += await PurgeAsync(deleted, ct) ? 1 : 0;
        }

        return purged;
    }

    private static PendingChange Change(DeletedService deleted, string operation) =>
        new(deleted.Service.Key, deleted.Service.Id, Model.ResourceKind.Service.Path, "", operation, null, null);

    /// <summary>
    /// Deletes the state row first: that locks it, so an undelete running at the same time either finished before
    /// (nothing to purge) or finds no row to bring back; the rows go only when the state row did.
    /// </summary>
    private static async Task<bool> PurgeAsync(DbConnection c, DbTransaction tx, long serviceId, CancellationToken ct)
    {
        await using (var state = ResourceSql.Command(c, tx, "DELETE FROM services WHERE service_id = @id AND deleted_at IS NOT NULL"))
        {
            SqlDialect.Param(state, "@id", serviceId);
            if (await state.ExecuteNonQueryAsync(ct) != 1)
            {
                return false;
            }
        }

        await using var rows = ResourceSql.Command(c, tx, "DELETE FROM resources WHERE service_id = @id");
        SqlDialect.Param(rows, "@id", serviceId);
        await rows.ExecuteNonQueryAsync(ct);
        return true;
    }

    private static async Task<IReadOnlyList<DeletedService>> ReadAsync(DbCommand cmd, CancellationToken ct)
    {
        var found = new List<DeletedService>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            found.Add(new DeletedService(r.GetInt64(0), ServiceRef.FromId(r.GetString(1)), JsonNode.Parse(r.GetString(3)) as JsonObject ?? [], r.GetFieldValue<DateTimeOffset>(2)));
        }

        return found;
    }
}
