using System.Data.Common;
using OpenApim.Resources.Arm;

namespace OpenApim.Resources.Store.Sql;

/// <summary>Reads and writes on the connection and transaction of one <see cref="SqlResourceStore.WriteAsync{T}"/>.</summary>
internal sealed class SqlResourceWriter(
    SqlDialect dialect, DbConnection c, DbTransaction tx, string serviceKey, long serviceId, long epoch, TimeProvider time, CancellationToken ct) : IResourceWriter
{
    public long Epoch => epoch;

    public Task<StoredResource?> GetAsync(string key) => ResourceSql.GetAsync(dialect, c, tx, key, ct);

    public Task<ResourcePage> ListAsync(ListQuery query) => ResourceSql.ListAsync(dialect, c, tx, query, ct);

    public async Task<StoredResource> PutAsync(NewResource resource, string? ifMatch = null)
    {
        var (service, path) = ResourceSql.Split(resource.Key);
        if (service != serviceKey)
        {
            throw new InvalidOperationException($"A write transaction of {serviceKey} cannot write {resource.Key}.");
        }

        var existing = await GetAsync(resource.Key);
        if (ifMatch is not null && (existing is null || !ETag.Matches(ifMatch, existing.ETag)))
        {
            throw ArmErrors.PreconditionFailed();
        }

        var version = await SqlResourceStore.NextVersionAsync(dialect, c, tx, ct);
        var now = time.GetUtcNow();
        var parent = path.Length == 0 ? "" : ResourceSql.Split(resource.ParentKey).Path;
        var relId = ResourceSql.Split(resource.Id).Path;
        await using var cmd = ResourceSql.Command(c, tx, existing is null
            ? $"INSERT INTO resources (service_id, path, parent, kind, name, rel_id, display_name, body, version, created_at, updated_at) VALUES (@service, @path, @parent, @kind, @name, @rel, @display, {dialect.JsonParameter("@body")}, @version, @now, @now)"
            : $"UPDATE resources SET display_name = @display, body = {dialect.JsonParameter("@body")}, version = @version, updated_at = @now WHERE service_id = @service AND path = @path");
        SqlDialect.Param(cmd, "@service", serviceId);
        SqlDialect.Param(cmd, "@path", path);
        SqlDialect.Param(cmd, "@parent", parent);
        SqlDialect.Param(cmd, "@kind", resource.Kind);
        SqlDialect.Param(cmd, "@name", resource.Name);
        SqlDialect.Param(cmd, "@rel", relId);
        SqlDialect.Param(cmd, "@display", ResourceSql.DisplayName(resource.Body));
        SqlDialect.Param(cmd, "@body", resource.Body.ToJsonString());
        SqlDialect.Param(cmd, "@version", version);
        SqlDialect.Param(cmd, "@now", now);
        try
        {
            await cmd.ExecuteNonQueryAsync(ct);
        }
        catch (Exception e) when (dialect.IsUniqueViolation(e))
        {
            throw ArmErrors.Conflict($"A resource named '{resource.Name}' already exists.");
        }

        if (path.Length == 0)
        {
            // The service row: remember its id in the caller's casing.
            await using var id = ResourceSql.Command(c, tx, "UPDATE services SET id = @id WHERE service_id = @service");
            SqlDialect.Param(id, "@id", resource.Id);
            SqlDialect.Param(id, "@service", serviceId);
            await id.ExecuteNonQueryAsync(ct);
        }

        return existing is null
            ? new StoredResource(resource.Key, resource.Id, resource.ServiceKey, resource.ParentKey, resource.Kind, resource.Name, resource.Body, version, now, now)
            : existing with { Body = resource.Body, Version = version, UpdatedAt = now };
    }

    public async Task<IReadOnlyList<string>> FindByValueAsync(string kind, string propertyName, string value)
    {
        // Both names go into the SQL text (so a partial expression index can serve the query): only declared ones do.
        if (Kinds.KindCatalog.Find(kind) is null || !propertyName.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException($"'{kind}'.'{propertyName}' is not a declared kind and property name.");
        }

        await using var cmd = ResourceSql.Command(c, tx,
            $"SELECT r.path FROM resources r WHERE r.service_id = @service AND r.kind = '{kind}' AND {dialect.JsonPropertyText(propertyName)} = @value");
        SqlDialect.Param(cmd, "@service", serviceId);
        SqlDialect.Param(cmd, "@value", value);
        var keys = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            keys.Add($"{serviceKey}/{r.GetString(0)}");
        }

        return keys;
    }

    public async Task LockDeploymentAsync()
    {
        if (dialect.DeploymentLockSql is { } sql)
        {
            await using var cmd = ResourceSql.Command(c, tx, sql);
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    public async Task<int> DeleteTreeAsync(string key)
    {
        var (service, path) = ResourceSql.Split(key);
        if (service != serviceKey)
        {
            throw new InvalidOperationException($"A write transaction of {serviceKey} cannot delete {key}.");
        }

        await using var cmd = ResourceSql.Command(c, tx, path.Length == 0
            ? "DELETE FROM resources WHERE service_id = @service"
            : "DELETE FROM resources WHERE service_id = @service AND (path = @path OR (path >= @low AND path < @high))");
        var (low, high) = ResourceSql.Descendants(path);
        SqlDialect.Param(cmd, "@service", serviceId);
        SqlDialect.Param(cmd, "@path", path);
        SqlDialect.Param(cmd, "@low", low);
        SqlDialect.Param(cmd, "@high", high);
        return await cmd.ExecuteNonQueryAsync(ct);
    }
}
