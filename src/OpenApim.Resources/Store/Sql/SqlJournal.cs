using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Store.Journal;

namespace OpenApim.Resources.Store.Sql;

/// <summary>
/// The journal table. Records are appended as the last step of a write transaction: the sequence comes from one counter
/// row whose lock is held until the commit, so transactions commit in sequence order and a reader that has seen
/// sequence n has seen every record before it (no late commit can appear behind a reader's position).
/// </summary>
internal sealed class SqlJournal(SqlDialect dialect, TimeProvider time) : IChangeJournal
{
    /// <summary>Appends <paramref name="changes"/> in the caller's transaction, with the current actor.</summary>
    public static async Task AppendAsync(DbConnection c, DbTransaction tx, IReadOnlyList<PendingChange> changes, DateTimeOffset at, CancellationToken ct)
    {
        if (changes.Count == 0)
        {
            return;
        }

        long last;
        await using (var counter = ResourceSql.Command(c, tx, "UPDATE journal_meta SET seq = seq + @n WHERE id = 1 RETURNING seq"))
        {
            SqlDialect.Param(counter, "@n", changes.Count);
            last = Convert.ToInt64(await counter.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }

        var actor = ChangeActor.Current is { } a ? JsonSerializer.Serialize(a, JournalJson.Default.ChangeActor) : null;
        var seq = last - changes.Count;
        await using var insert = ResourceSql.Command(c, tx,
            "INSERT INTO journal (seq, service_key, service_id, kind, rel_id, op, body, version, at, actor) VALUES (@seq, @key, @id, @kind, @rel, @op, @body, @version, @at, @actor)");
        foreach (var change in changes)
        {
            insert.Parameters.Clear();
            SqlDialect.Param(insert, "@seq", ++seq);
            SqlDialect.Param(insert, "@key", change.ServiceKey);
            SqlDialect.Param(insert, "@id", change.ServiceId);
            SqlDialect.Param(insert, "@kind", change.Kind);
            SqlDialect.Param(insert, "@rel", change.RelativeId);
            SqlDialect.Param(insert, "@op", change.Operation);
            SqlDialect.Param(insert, "@body", change.Body?.ToJsonString());
            SqlDialect.Param(insert, "@version", change.Version);
            SqlDialect.Param(insert, "@at", at);
            SqlDialect.Param(insert, "@actor", actor);
            await insert.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Appends in a transaction of its own (changes that are one statement elsewhere: directory writes).</summary>
    public async Task AppendAloneAsync(PendingChange change, CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        await using var tx = await dialect.BeginWriteAsync(c, ct);
        await AppendAsync(c, tx, [change], time.GetUtcNow(), ct);
        await tx.CommitAsync(ct);
    }

    private const string Columns = "seq, service_id, kind, rel_id, op, body, version, at, actor";

    public async Task<IReadOnlyList<JournalEntry>> ReadAsync(ServiceRef? service, long after, int max, CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        await using var cmd = ResourceSql.Command(c, null,
            $"SELECT {Columns} FROM journal WHERE seq > @after" + (service is null ? "" : " AND service_key = @key") + " ORDER BY seq LIMIT @max");
        SqlDialect.Param(cmd, "@after", after);
        SqlDialect.Param(cmd, "@max", Math.Clamp(max, 1, 10_000));
        if (service is not null)
        {
            SqlDialect.Param(cmd, "@key", service.Key);
        }

        return await ReadEntriesAsync(cmd, ct);
    }

    public async Task<IReadOnlyList<JournalEntry>> ReadNewestAsync(string servicePrefix, DateTimeOffset since, DateTimeOffset until, long before, int max, CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        await using var cmd = ResourceSql.Command(c, null,
            $"SELECT {Columns} FROM journal WHERE service_key >= @low AND service_key < @high AND at >= @from AND at <= @to AND seq < @before ORDER BY seq DESC LIMIT @max");
        var (low, high) = ResourceSql.Descendants(servicePrefix.TrimEnd('/'));
        SqlDialect.Param(cmd, "@low", low);
        SqlDialect.Param(cmd, "@high", high);
        SqlDialect.Param(cmd, "@from", since);
        SqlDialect.Param(cmd, "@to", until);
        SqlDialect.Param(cmd, "@before", before);
        SqlDialect.Param(cmd, "@max", Math.Clamp(max, 1, 10_000));
        return await ReadEntriesAsync(cmd, ct);
    }

    private static async Task<IReadOnlyList<JournalEntry>> ReadEntriesAsync(DbCommand cmd, CancellationToken ct)
    {
        var entries = new List<JournalEntry>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            entries.Add(new JournalEntry(
                r.GetInt64(0),
                r.IsDBNull(1) ? null : r.GetString(1),
                r.GetString(2),
                r.GetString(3),
                r.GetString(4),
                r.IsDBNull(5) ? null : JsonNode.Parse(r.GetString(5)) as JsonObject,
                r.IsDBNull(6) ? null : r.GetInt64(6),
                r.GetFieldValue<DateTimeOffset>(7),
                r.IsDBNull(8) ? null : JsonSerializer.Deserialize(r.GetString(8), JournalJson.Default.ChangeActor)));
        }

        return entries;
    }

    public async Task<long> LastSequenceAsync(CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        await using var cmd = ResourceSql.Command(c, null, "SELECT seq FROM journal_meta WHERE id = 1");
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(ChangeActor))]
internal sealed partial class JournalJson : System.Text.Json.Serialization.JsonSerializerContext;
