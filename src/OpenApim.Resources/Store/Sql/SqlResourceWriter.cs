using System.Data.Common;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Kinds;
using System.Text.Json.Nodes;
using OpenApim.Resources.Kinds.Schema;
using OpenApim.Resources.Kinds.Service;
using OpenApim.Resources.Model;
using OpenApim.Resources.Store.Journal;

namespace OpenApim.Resources.Store.Sql;

/// <summary>Reads and writes on the connection and transaction of one <see cref="SqlResourceStore.WriteAsync{T}"/>.</summary>
internal sealed class SqlResourceWriter(
    SqlDialect dialect, DbConnection c, DbTransaction tx, ServiceRef service, long serviceId, long epoch, TimeProvider time, bool guardFollowing) : IResourceWriter
{
    private bool _checkedFollowing;

    public ServiceRef Service => service;

    /// <summary>What this transaction changed, for the journal (appended just before the commit).</summary>
    public List<PendingChange> Changes { get; } = [];

    public long Epoch => epoch;

    public Task<StoredResource?> GetAsync(EntityAddress address, CancellationToken ct)
    {
        Own(address);
        return ResourceSql.GetAsync(dialect, c, tx, address, ct);
    }

    public Task<ResourcePage> ListAsync(ListQuery query, CancellationToken ct) => ResourceSql.ListAsync(dialect, c, tx, query, ct);

    public async Task<StoredResource> PutAsync(ResourceRow row, string? ifMatch, CancellationToken ct)
    {
        var address = row.Address;
        Own(address);
        await GuardFollowingAsync(address, ct);
        var existing = await GetAsync(address, ct);
        if (ifMatch is not null && (existing is null || !ETag.Matches(ifMatch, existing.ETag)))
        {
            throw ArmErrors.PreconditionFailed();
        }

        var version = await SqlResourceStore.NextVersionAsync(dialect, c, tx, ct);
        var now = time.GetUtcNow();
        await using var cmd = ResourceSql.Command(c, tx, existing is null
            ? $"INSERT INTO resources (service_id, path, parent, kind, name, rel_id, display_name, body, version, created_at, updated_at) VALUES (@service, @path, @parent, @kind, @name, @rel, @display, {dialect.JsonParameter("@body")}, @version, @now, @now)"
            : $"UPDATE resources SET display_name = @display, body = {dialect.JsonParameter("@body")}, version = @version, updated_at = @now WHERE service_id = @service AND path = @path");
        SqlDialect.Param(cmd, "@service", serviceId);
        SqlDialect.Param(cmd, "@path", address.Path);
        SqlDialect.Param(cmd, "@parent", address.Container?.Path ?? "");
        SqlDialect.Param(cmd, "@kind", address.Kind.Path);
        SqlDialect.Param(cmd, "@name", address.Name);
        SqlDialect.Param(cmd, "@rel", address.RelativeId);
        SqlDialect.Param(cmd, "@display", row.DisplayName);
        SqlDialect.Param(cmd, "@body", row.Body.ToJsonString());
        SqlDialect.Param(cmd, "@version", version);
        SqlDialect.Param(cmd, "@now", now);
        try
        {
            await cmd.ExecuteNonQueryAsync(ct);
        }
        catch (Exception e) when (dialect.IsUniqueViolation(e))
        {
            throw ArmErrors.Conflict($"A resource named '{address.Name}' already exists.");
        }

        if (address.IsService)
        {
            // The service row: remember its id in the caller's casing.
            await using var id = ResourceSql.Command(c, tx, "UPDATE services SET id = @id WHERE service_id = @service");
            SqlDialect.Param(id, "@id", address.Id);
            SqlDialect.Param(id, "@service", serviceId);
            await id.ExecuteNonQueryAsync(ct);
        }

        Changes.Add(new PendingChange(service.Key, service.Id, address.Kind.Path, address.RelativeId, ChangeOperation.Upsert, WithoutSecrets(address, row.Body), version));
        return existing is null
            ? new StoredResource(address, row.Body, version, now, now)
            : existing with { Body = row.Body, Version = version, UpdatedAt = now };
    }

    public async Task SoftDeleteServiceAsync(CancellationToken ct)
    {
        await GuardFollowingAsync(EntityAddress.ForService(service), ct);
        // A tombstone key frees the live key for nothing (the name stays unique through the service row) and matches no lookup.
        await using var cmd = ResourceSql.Command(c, tx, "UPDATE services SET key = '#deleted/' || CAST(service_id AS TEXT), deleted_at = @now WHERE service_id = @service");
        SqlDialect.Param(cmd, "@now", time.GetUtcNow());
        SqlDialect.Param(cmd, "@service", serviceId);
        await cmd.ExecuteNonQueryAsync(ct);
        Changes.Add(new PendingChange(service.Key, service.Id, ResourceKind.Service.Path, "", ChangeOperation.SoftDelete, null, null));
    }

    /// <summary>
    /// A standby that follows a replication stream takes changes only from it: every other write is refused (409), except to
    /// its replications themselves (to stop following). Checked once per transaction, at its first write.
    /// </summary>
    private async Task GuardFollowingAsync(EntityAddress address, CancellationToken ct)
    {
        if (!guardFollowing || _checkedFollowing || address.Kind == KindCatalog.Replications)
        {
            return;
        }

        _checkedFollowing = true;
        await using var cmd = ResourceSql.Command(c, tx,
            $"SELECT r.name FROM resources r WHERE r.service_id = @service AND r.kind = '{KindCatalog.Replications.Path}' AND {dialect.JsonPropertyText("mode")} = '{ReplicationKinds.Standby}'");
        SqlDialect.Param(cmd, "@service", serviceId);
        if (await cmd.ExecuteScalarAsync(ct) is string replication)
        {
            throw ArmErrors.ServiceFollowing(service.Name, replication);
        }
    }

    /// <summary>The row as the journal keeps it: without the values its kind declares secret (they stay in the table only).</summary>
    private static JsonObject WithoutSecrets(EntityAddress address, JsonObject body)
    {
        if (address.IsService)
        {
            return ServiceKind.WithoutSecrets(body);
        }

        var copy = (JsonObject)body.DeepClone();
        if (copy["properties"] is JsonObject properties)
        {
            SchemaValidator.RemoveSecrets(properties, address.Kind.Properties);
        }

        return copy;
    }

    public async Task<int> DeleteTreeAsync(EntityAddress address, CancellationToken ct)
    {
        Own(address);
        await GuardFollowingAsync(address, ct);
        await using var cmd = ResourceSql.Command(c, tx, address.IsService
            ? "DELETE FROM resources WHERE service_id = @service"
            : "DELETE FROM resources WHERE service_id = @service AND (path = @path OR (path >= @low AND path < @high))");
        var (low, high) = ResourceSql.Descendants(address.Path);
        SqlDialect.Param(cmd, "@service", serviceId);
        SqlDialect.Param(cmd, "@path", address.Path);
        SqlDialect.Param(cmd, "@low", low);
        SqlDialect.Param(cmd, "@high", high);
        var deleted = await cmd.ExecuteNonQueryAsync(ct);
        if (deleted > 0)
        {
            Changes.Add(new PendingChange(service.Key, service.Id, address.Kind.Path, address.RelativeId, ChangeOperation.Delete, null, null));
        }

        return deleted;
    }

    public async Task<IReadOnlyList<EntityAddress>> FindByValueAsync(ResourceKind kind, string propertyName, string value, CancellationToken ct)
    {
        // Both names go into the SQL text (so a partial expression index can serve the query): only declared ones do.
        if (KindCatalog.Find(kind.Path) != kind || !propertyName.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException($"'{kind}'.'{propertyName}' is not a declared kind and property name.");
        }

        await using var cmd = ResourceSql.Command(c, tx,
            $"SELECT r.rel_id FROM resources r WHERE r.service_id = @service AND r.kind = '{kind.Path}' AND {dialect.JsonPropertyText(propertyName)} = @value");
        SqlDialect.Param(cmd, "@service", serviceId);
        SqlDialect.Param(cmd, "@value", value);
        var found = new List<EntityAddress>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            found.Add(EntityAddress.FromRelativeId(service, kind, r.GetString(0)));
        }

        return found;
    }

    public async Task LockDeploymentAsync(CancellationToken ct)
    {
        if (dialect.DeploymentLockSql is { } sql)
        {
            await using var cmd = ResourceSql.Command(c, tx, sql);
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    private void Own(EntityAddress address)
    {
        if (address.Service != service)
        {
            throw new InvalidOperationException($"A write transaction of {service.Id} cannot touch {address.Id}.");
        }
    }
}
