using System.Data.Common;
using System.Globalization;
using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Operations;

namespace OpenApim.Resources.Store.Sql;

/// <summary>The operations table over either SQL dialect.</summary>
internal sealed class SqlOperationStore(SqlDialect dialect, TimeProvider time) : IOperationStore
{
    internal const string Columns = "id, kind, service_key, service_resource_id, status, api_version, owner, lease_until, created_at, updated_at, ended_at, request, progress, result, error, resumable";

    public async Task<OperationRecord> StartAsync(OperationRecord operation, CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        await using var tx = await dialect.BeginWriteAsync(c, ct);
        // Serialise with service-level writes, which check for active operations under the same lock.
        await ResourceSql.LockServiceAsync(c, tx, operation.ServiceKey, ct);
        if (await ActiveAsync(c, tx, operation.ServiceKey, ct) is { } active)
        {
            throw ArmErrors.ServiceBusy(ResourceSql.ServiceName(operation.ServiceKey), active.Kind, active.Id);
        }

        await InsertAsync(c, tx, operation, ct);
        await tx.CommitAsync(ct);
        return operation;
    }

    public async Task RecordCompletedAsync(OperationRecord operation, CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        await InsertAsync(c, null, operation, ct);
    }

    public async Task<OperationRecord?> GetAsync(string id, CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        await using var cmd = ResourceSql.Command(c, null, $"SELECT {Columns} FROM operations WHERE id = @id");
        SqlDialect.Param(cmd, "@id", id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    public async Task<IReadOnlyList<OperationRecord>> ListAsync(string serviceKey, int top, CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        await using var cmd = ResourceSql.Command(c, null, $"SELECT {Columns} FROM operations WHERE service_key = @s ORDER BY created_at DESC LIMIT @top");
        SqlDialect.Param(cmd, "@s", serviceKey);
        SqlDialect.Param(cmd, "@top", top);
        return await ReadAllAsync(cmd, ct);
    }

    public async Task<bool> RenewAsync(string id, string owner, DateTimeOffset leaseUntil, JsonObject? progress, CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        await using var cmd = ResourceSql.Command(c, null,
            $"UPDATE operations SET lease_until = @lease, updated_at = @now, progress = COALESCE({dialect.JsonParameter("@progress")}, progress) WHERE id = @id AND owner = @owner AND status = 'Running'");
        SqlDialect.Param(cmd, "@lease", leaseUntil);
        SqlDialect.Param(cmd, "@now", time.GetUtcNow());
        SqlDialect.Param(cmd, "@progress", progress?.ToJsonString());
        SqlDialect.Param(cmd, "@id", id);
        SqlDialect.Param(cmd, "@owner", owner);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<bool> CompleteAsync(string id, string owner, OperationStatus status, JsonObject? result, JsonObject? failure, JsonObject? request, CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        await using var cmd = ResourceSql.Command(c, null,
            $"UPDATE operations SET status = @status, ended_at = @now, updated_at = @now, lease_until = NULL, result = {dialect.JsonParameter("@result")}, error = {dialect.JsonParameter("@error")}, " +
            $"request = {dialect.JsonParameter("@request")} WHERE id = @id AND owner = @owner AND status = 'Running'");
        SqlDialect.Param(cmd, "@request", request?.ToJsonString());
        SqlDialect.Param(cmd, "@status", status.ToString());
        SqlDialect.Param(cmd, "@now", time.GetUtcNow());
        SqlDialect.Param(cmd, "@result", result?.ToJsonString());
        SqlDialect.Param(cmd, "@error", failure?.ToJsonString());
        SqlDialect.Param(cmd, "@id", id);
        SqlDialect.Param(cmd, "@owner", owner);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<IReadOnlyList<OperationRecord>> ClaimExpiredAsync(string owner, DateTimeOffset expiredBefore, DateTimeOffset leaseUntil, CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        await using var tx = await dialect.BeginWriteAsync(c, ct);
        await using var cmd = ResourceSql.Command(c, tx, dialect.ClaimExpiredOperationsSql);
        SqlDialect.Param(cmd, "@owner", owner);
        SqlDialect.Param(cmd, "@expired", expiredBefore);
        SqlDialect.Param(cmd, "@now", time.GetUtcNow());
        SqlDialect.Param(cmd, "@lease", leaseUntil);
        var claimed = await ReadAllAsync(cmd, ct);
        await tx.CommitAsync(ct);
        return claimed;
    }

    private async Task InsertAsync(DbConnection c, DbTransaction? tx, OperationRecord o, CancellationToken ct)
    {
        await using var cmd = ResourceSql.Command(c, tx,
            $"INSERT INTO operations ({Columns}) VALUES (@id, @kind, @service_key, @service_resource_id, @status, @api_version, @owner, @lease_until, @created_at, @updated_at, @ended_at, " +
            $"{dialect.JsonParameter("@request")}, {dialect.JsonParameter("@progress")}, {dialect.JsonParameter("@result")}, {dialect.JsonParameter("@error")}, @resumable)");
        SqlDialect.Param(cmd, "@id", o.Id);
        SqlDialect.Param(cmd, "@kind", o.Kind);
        SqlDialect.Param(cmd, "@service_key", o.ServiceKey);
        SqlDialect.Param(cmd, "@service_resource_id", o.ServiceId);
        SqlDialect.Param(cmd, "@status", o.Status.ToString());
        SqlDialect.Param(cmd, "@api_version", o.ApiVersion);
        SqlDialect.Param(cmd, "@owner", o.Owner);
        SqlDialect.Param(cmd, "@lease_until", o.LeaseUntil);
        SqlDialect.Param(cmd, "@created_at", o.CreatedAt);
        SqlDialect.Param(cmd, "@updated_at", o.UpdatedAt == default ? o.CreatedAt : o.UpdatedAt);
        SqlDialect.Param(cmd, "@ended_at", o.EndedAt);
        SqlDialect.Param(cmd, "@request", o.Request?.ToJsonString());
        SqlDialect.Param(cmd, "@progress", o.Progress?.ToJsonString());
        SqlDialect.Param(cmd, "@result", o.Result?.ToJsonString());
        SqlDialect.Param(cmd, "@error", o.Error?.ToJsonString());
        SqlDialect.Param(cmd, "@resumable", o.Resumable);
        try
        {
            await cmd.ExecuteNonQueryAsync(ct);
        }
        catch (Exception e) when (dialect.IsUniqueViolation(e))
        {
            throw ArmErrors.Conflict($"An operation is already running on service '{ResourceSql.ServiceName(o.ServiceKey)}'.");
        }
    }

    /// <summary>The running operation of a service, if any (checked inside writers' transactions, after the service lock).</summary>
    internal static async Task<(string Id, string Kind, string? Owner)?> ActiveAsync(DbConnection c, DbTransaction tx, string serviceKey, CancellationToken ct)
    {
        await using var cmd = ResourceSql.Command(c, tx, "SELECT id, kind, owner FROM operations WHERE service_key = @s AND status = 'Running' LIMIT 1");
        SqlDialect.Param(cmd, "@s", serviceKey);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? (r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2)) : null;
    }

    private static async Task<IReadOnlyList<OperationRecord>> ReadAllAsync(DbCommand cmd, CancellationToken ct)
    {
        var list = new List<OperationRecord>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            list.Add(Read(r));
        }

        return list;
    }

    private static OperationRecord Read(DbDataReader r) => new()
    {
        Id = r.GetString(0),
        Kind = r.GetString(1),
        ServiceKey = r.GetString(2),
        ServiceId = r.GetString(3),
        Status = Enum.Parse<OperationStatus>(r.GetString(4)),
        ApiVersion = r.GetString(5),
        Owner = r.IsDBNull(6) ? null : r.GetString(6),
        LeaseUntil = r.IsDBNull(7) ? null : r.GetFieldValue<DateTimeOffset>(7),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(8),
        UpdatedAt = r.GetFieldValue<DateTimeOffset>(9),
        EndedAt = r.IsDBNull(10) ? null : r.GetFieldValue<DateTimeOffset>(10),
        Request = Json(r, 11),
        Progress = Json(r, 12),
        Result = Json(r, 13),
        Error = Json(r, 14),
        Resumable = Convert.ToBoolean(r.GetValue(15), CultureInfo.InvariantCulture),
    };

    private static JsonObject? Json(DbDataReader r, int i) => r.IsDBNull(i) ? null : JsonNode.Parse(r.GetValue(i).ToString()!) as JsonObject;
}
