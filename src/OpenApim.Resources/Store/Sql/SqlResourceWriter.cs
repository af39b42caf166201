using System.Data.Common;
using OpenApim.Resources.Arm;

namespace OpenApim.Resources.Store.Sql;

/// <summary>Reads and writes on the connection and transaction of one <see cref="SqlResourceStore.WriteAsync{T}"/>.</summary>
internal sealed class SqlResourceWriter(
    SqlDialect dialect, DbConnection c, DbTransaction tx, string serviceKey, long epoch, TimeProvider time, CancellationToken ct) : IResourceWriter
{
    public long Epoch => epoch;

    public Task<StoredResource?> GetAsync(string key) => ResourceSql.GetAsync(dialect, c, tx, key, ct);

    public Task<ResourcePage> ListAsync(ListQuery query) => ResourceSql.ListAsync(dialect, c, tx, query, ct);

    public async Task<StoredResource> PutAsync(NewResource resource, string? ifMatch = null)
    {
        var existing = await GetAsync(resource.Key);
        if (ifMatch is not null && (existing is null || !ETag.Matches(ifMatch, existing.ETag)))
        {
            throw ArmErrors.PreconditionFailed();
        }

        var version = await SqlResourceStore.NextVersionAsync(dialect, c, tx, ct);
        var now = time.GetUtcNow();
        var body = resource.Body.ToJsonString();
        var displayName = ResourceSql.DisplayName(resource.Body);
        await using var cmd = ResourceSql.Command(c, tx, existing is null
            ? $"INSERT INTO resources (key, id, service_key, parent_key, kind, name, display_name, body, version, created_at, updated_at) VALUES (@key, @id, @service, @parent, @kind, @name, @display, {dialect.JsonParameter("@body")}, @version, @now, @now)"
            : $"UPDATE resources SET display_name = @display, body = {dialect.JsonParameter("@body")}, version = @version, updated_at = @now WHERE key = @key");
        SqlDialect.Param(cmd, "@key", resource.Key);
        SqlDialect.Param(cmd, "@id", resource.Id);
        SqlDialect.Param(cmd, "@service", resource.ServiceKey == "" ? serviceKey : resource.ServiceKey);
        SqlDialect.Param(cmd, "@parent", resource.ParentKey);
        SqlDialect.Param(cmd, "@kind", resource.Kind);
        SqlDialect.Param(cmd, "@name", resource.Name);
        SqlDialect.Param(cmd, "@display", displayName);
        SqlDialect.Param(cmd, "@body", body);
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

        return existing is null
            ? new StoredResource(resource.Key, resource.Id, resource.ServiceKey, resource.ParentKey, resource.Kind, resource.Name, resource.Body, version, now, now)
            : existing with { Body = resource.Body, Version = version, UpdatedAt = now };
    }

    public async Task<int> DeleteTreeAsync(string key)
    {
        var (low, high) = ResourceSql.Descendants(key);
        await using var cmd = ResourceSql.Command(c, tx, "DELETE FROM resources WHERE key = @key OR (key >= @low AND key < @high)");
        SqlDialect.Param(cmd, "@key", key);
        SqlDialect.Param(cmd, "@low", low);
        SqlDialect.Param(cmd, "@high", high);
        return await cmd.ExecuteNonQueryAsync(ct);
    }
}
