using System.Data.Common;
using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Store.Journal;

namespace OpenApim.Resources.Store.Sql;

/// <summary>
/// The directory table over either SQL dialect. Every write journals a record (kind <c>directory/{kind}</c>) in the same
/// transaction. The record holds none of the entry's body (app registrations hold secret hashes); an entry that is an ARM
/// resource (its body names a <c>resourceId</c>: role assignments, resource groups) is journaled under that id, as the
/// record's service key and its only body field, so the subscription's activity log can show it.
/// </summary>
internal sealed class SqlDirectoryStore(SqlDialect dialect, TimeProvider time) : IDirectoryStore
{
    private const string Columns = "kind, id, principal, body";

    public async Task<DirectoryEntry?> GetAsync(string kind, string id, CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        return await GetAsync(c, null, kind, id, "", ct);
    }

    public async Task<IReadOnlyList<DirectoryEntry>> ListAsync(string kind, CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        await using var cmd = ResourceSql.Command(c, null, $"SELECT {Columns} FROM directory WHERE kind = @k ORDER BY id");
        SqlDialect.Param(cmd, "@k", kind);
        return await ReadAllAsync(cmd, ct);
    }

    public async Task<IReadOnlyList<DirectoryEntry>> ListByPrincipalsAsync(string kind, IReadOnlyCollection<string> principals, CancellationToken ct)
    {
        if (principals.Count == 0)
        {
            return [];
        }

        await using var c = await dialect.OpenAsync(ct);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {Columns} FROM directory WHERE kind = @k AND principal IN ({SqlDialect.InList(cmd, "p", principals)}) ORDER BY id";
        SqlDialect.Param(cmd, "@k", kind);
        return await ReadAllAsync(cmd, ct);
    }

    public Task<bool> CreateAsync(DirectoryEntry entry, CancellationToken ct) =>
        InTransactionAsync(async (c, tx) =>
        {
            await using var cmd = Write(c, tx, "INSERT INTO directory (kind, id, principal, body) VALUES (@k, @i, @p, @b) ON CONFLICT (kind, id) DO NOTHING", entry);
            return await cmd.ExecuteNonQueryAsync(ct) == 1 ? [Change(entry, ChangeOperation.Upsert)] : null;
        }, ct);

    public Task PutAsync(DirectoryEntry entry, CancellationToken ct) =>
        InTransactionAsync(async (c, tx) =>
        {
            await using var cmd = Write(c, tx,
                "INSERT INTO directory (kind, id, principal, body) VALUES (@k, @i, @p, @b) ON CONFLICT (kind, id) DO UPDATE SET principal = excluded.principal, body = excluded.body", entry);
            await cmd.ExecuteNonQueryAsync(ct);
            return [Change(entry, ChangeOperation.Upsert)];
        }, ct);

    public async Task<DirectoryEntry?> UpdateAsync(string kind, string id, Func<DirectoryEntry, DirectoryEntry> change, CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        await using var tx = await dialect.BeginWriteAsync(c, ct);
        var current = await GetAsync(c, tx, kind, id, dialect.ForUpdate, ct);
        if (current is null)
        {
            return null;
        }

        var next = change(current) with { Kind = kind, Id = id };
        await using (var cmd = Write(c, tx, "UPDATE directory SET principal = @p, body = @b WHERE kind = @k AND id = @i", next))
        {
            await cmd.ExecuteNonQueryAsync(ct);
        }

        await SqlJournal.CommitAsync(dialect, c, tx, [Change(next, ChangeOperation.Upsert)], time.GetUtcNow(), ct);
        return next;
    }

    public Task<bool> DeleteAsync(string kind, string id, CancellationToken ct) =>
        InTransactionAsync(async (c, tx) =>
        {
            await using var cmd = ResourceSql.Command(c, tx, $"DELETE FROM directory WHERE kind = @k AND id = @i RETURNING {Columns}");
            SqlDialect.Param(cmd, "@k", kind);
            SqlDialect.Param(cmd, "@i", id);
            var deleted = await ReadAllAsync(cmd, ct);
            return deleted.Count == 1 ? [Change(deleted[0], ChangeOperation.Delete)] : null;
        }, ct);

    public async Task<int> DeleteByPrincipalAsync(string kind, string principal, CancellationToken ct)
    {
        var deleted = 0;
        await InTransactionAsync(async (c, tx) =>
        {
            await using var cmd = ResourceSql.Command(c, tx, $"DELETE FROM directory WHERE kind = @k AND principal = @p RETURNING {Columns}");
            SqlDialect.Param(cmd, "@k", kind);
            SqlDialect.Param(cmd, "@p", principal);
            var entries = await ReadAllAsync(cmd, ct);
            deleted = entries.Count;
            return [.. entries.Select(e => Change(e, ChangeOperation.Delete))];
        }, ct);
        return deleted;
    }

    /// <summary>Runs one write and journals what it reports (null: nothing changed) in the same transaction.</summary>
    private async Task<bool> InTransactionAsync(Func<DbConnection, DbTransaction, Task<List<PendingChange>?>> write, CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        await using var tx = await dialect.BeginWriteAsync(c, ct);
        var changes = await write(c, tx);
        await SqlJournal.CommitAsync(dialect, c, tx, changes ?? [], time.GetUtcNow(), ct);
        return changes is not null;
    }

    /// <summary>The journal record of a change to <paramref name="entry"/>: under its ARM resource id when it has one, else under no service.</summary>
    private static PendingChange Change(DirectoryEntry entry, string operation) =>
        entry.Body["resourceId"].Text() is { } resourceId && resourceId.StartsWith('/')
            ? new(resourceId.ToLowerInvariant(), null, $"directory/{entry.Kind}", entry.Id, operation, new JsonObject { ["resourceId"] = resourceId }, null)
            : new(null, null, $"directory/{entry.Kind}", entry.Id, operation, null, null);

    private static async Task<DirectoryEntry?> GetAsync(DbConnection c, DbTransaction? tx, string kind, string id, string suffix, CancellationToken ct)
    {
        await using var cmd = ResourceSql.Command(c, tx, $"SELECT {Columns} FROM directory WHERE kind = @k AND id = @i{suffix}");
        SqlDialect.Param(cmd, "@k", kind);
        SqlDialect.Param(cmd, "@i", id);
        var rows = await ReadAllAsync(cmd, ct);
        return rows.Count == 0 ? null : rows[0];
    }

    private static DbCommand Write(DbConnection c, DbTransaction? tx, string sql, DirectoryEntry entry)
    {
        var cmd = ResourceSql.Command(c, tx, sql);
        SqlDialect.Param(cmd, "@k", entry.Kind);
        SqlDialect.Param(cmd, "@i", entry.Id);
        SqlDialect.Param(cmd, "@p", entry.Principal);
        SqlDialect.Param(cmd, "@b", entry.Body.ToJsonString());
        return cmd;
    }

    private static async Task<IReadOnlyList<DirectoryEntry>> ReadAllAsync(DbCommand cmd, CancellationToken ct)
    {
        var result = new List<DirectoryEntry>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            result.Add(new DirectoryEntry(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), JsonNode.Parse(r.GetString(3))!.AsObject()));
        }

        return result;
    }
}
