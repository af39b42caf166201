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
    /// <summary>What a record counts towards the journal's size limit: its text, plus a fixed overhead for the columns and index.</summary>
    private const string SizeSql = "(COALESCE(LENGTH(body), 0) + COALESCE(LENGTH(actor), 0) + LENGTH(rel_id) + 64)";

    /// <summary>Appends <paramref name="changes"/> in the caller's transaction, with the current actor.</summary>
    public static async Task AppendAsync(SqlDialect dialect, DbConnection c, DbTransaction tx, IReadOnlyList<PendingChange> changes, DateTimeOffset at, CancellationToken ct)
    {
        if (changes.Count == 0 || !dialect.RecordsJournal)
        {
            return;
        }

        var actor = ChangeActor.Current is { } a ? JsonSerializer.Serialize(a, JournalJson.Default.ChangeActor) : null;
        var bodies = changes.Select(change => change.Body?.ToJsonString()).ToList();
        var bytes = changes.Select((change, i) => (long)(bodies[i]?.Length ?? 0) + (actor?.Length ?? 0) + change.RelativeId.Length + 64).Sum();
        long last;
        await using (var counter = ResourceSql.Command(c, tx, "UPDATE journal_meta SET seq = seq + @n, bytes = bytes + @bytes WHERE id = 1 RETURNING seq"))
        {
            SqlDialect.Param(counter, "@n", changes.Count);
            SqlDialect.Param(counter, "@bytes", bytes);
            last = Convert.ToInt64(await counter.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }

        var seq = last - changes.Count;
        await using var insert = ResourceSql.Command(c, tx,
            "INSERT INTO journal (seq, service_key, service_id, kind, rel_id, op, body, version, at, actor) VALUES (@seq, @key, @id, @kind, @rel, @op, @body, @version, @at, @actor)");
        for (var i = 0; i < changes.Count; i++)
        {
            var change = changes[i];
            insert.Parameters.Clear();
            SqlDialect.Param(insert, "@seq", ++seq);
            SqlDialect.Param(insert, "@key", change.ServiceKey);
            SqlDialect.Param(insert, "@id", change.ServiceId);
            SqlDialect.Param(insert, "@kind", change.Kind);
            SqlDialect.Param(insert, "@rel", change.RelativeId);
            SqlDialect.Param(insert, "@op", change.Operation);
            SqlDialect.Param(insert, "@body", bodies[i]);
            SqlDialect.Param(insert, "@version", change.Version);
            SqlDialect.Param(insert, "@at", at);
            SqlDialect.Param(insert, "@actor", actor);
            await insert.ExecuteNonQueryAsync(ct);
        }

        if (dialect.NotifyJournalSql is { } notify)
        {
            await using var cmd = ResourceSql.Command(c, tx, notify);
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Appends in a transaction of its own (changes that are one statement elsewhere: directory writes).</summary>
    public async Task AppendAloneAsync(PendingChange change, CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        await using var tx = await dialect.BeginWriteAsync(c, ct);
        await AppendAsync(dialect, c, tx, [change], time.GetUtcNow(), ct);
        await tx.CommitAsync(ct);
        dialect.JournalCommitted.Notify();
    }

    private const string Columns = "seq, service_id, kind, rel_id, op, body, version, at, actor";

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

    public async Task<JournalTail> ReadAsync(ServiceRef? service, long after, int max, CancellationToken ct)
    {
        // The floor first: records it reports trimmed are gone before the read, so a reader behind it always notices.
        await using var c = await dialect.OpenAsync(ct);
        long trimmed;
        await using (var meta = ResourceSql.Command(c, null, "SELECT trimmed FROM journal_meta WHERE id = 1"))
        {
            trimmed = Convert.ToInt64(await meta.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }

        await using var cmd = ResourceSql.Command(c, null,
            $"SELECT {Columns} FROM journal WHERE seq > @after" + (service is null ? "" : " AND service_key = @key") + " ORDER BY seq LIMIT @max");
        SqlDialect.Param(cmd, "@after", after);
        SqlDialect.Param(cmd, "@max", Math.Clamp(max, 1, 10_000));
        if (service is not null)
        {
            SqlDialect.Param(cmd, "@key", service.Key);
        }

        return new JournalTail(await ReadEntriesAsync(cmd, ct), trimmed);
    }

    public async Task ReportPositionAsync(string reader, long position, CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        await using var cmd = ResourceSql.Command(c, null,
            "INSERT INTO journal_readers (reader, seq, seen_at) VALUES (@reader, @seq, @now) ON CONFLICT (reader) DO UPDATE SET seq = excluded.seq, seen_at = excluded.seen_at");
        SqlDialect.Param(cmd, "@reader", reader);
        SqlDialect.Param(cmd, "@seq", position);
        SqlDialect.Param(cmd, "@now", time.GetUtcNow());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<JournalCompaction> CompactAsync(JournalRetention retention, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var c = await dialect.OpenAsync(ct);
        await using var tx = await dialect.BeginWriteAsync(c, ct);
        long bytes, trimmed;
        await using (var meta = ResourceSql.Command(c, tx, "SELECT bytes, trimmed FROM journal_meta WHERE id = 1" + dialect.ForUpdate))
        await using (var r = await meta.ExecuteReaderAsync(ct))
        {
            await r.ReadAsync(ct);
            (bytes, trimmed) = (r.GetInt64(0), r.GetInt64(1));
        }

        // Old enough by age, or the oldest records beyond the size limit ...
        var cut = await ScalarAsync(c, tx, "SELECT MAX(seq) FROM journal WHERE at < @cutoff", ("@cutoff", now - retention.MaxAge), ct) ?? trimmed;
        if (bytes > retention.MaxBytes)
        {
            await using var sizes = ResourceSql.Command(c, tx, $"SELECT seq, {SizeSql} FROM journal WHERE seq > @trimmed ORDER BY seq");
            SqlDialect.Param(sizes, "@trimmed", trimmed);
            await using var r = await sizes.ExecuteReaderAsync(ct);
            var left = bytes;
            while (left > retention.MaxBytes && await r.ReadAsync(ct))
            {
                left -= r.GetInt64(1);
                cut = Math.Max(cut, r.GetInt64(0));
            }
        }

        // ... but never what a live reader has not read yet.
        var pinned = await ScalarAsync(c, tx, "SELECT MIN(seq) FROM journal_readers WHERE seen_at > @live", ("@live", now - retention.ReaderTimeout), ct);
        if (pinned is { } position)
        {
            cut = Math.Min(cut, position);
        }

        long deleted = 0;
        if (cut > trimmed)
        {
            var freed = await ScalarAsync(c, tx, $"SELECT SUM({SizeSql}) FROM journal WHERE seq <= @cut", ("@cut", cut), ct) ?? 0;
            await using (var del = ResourceSql.Command(c, tx, "DELETE FROM journal WHERE seq <= @cut"))
            {
                SqlDialect.Param(del, "@cut", cut);
                deleted = await del.ExecuteNonQueryAsync(ct);
            }

            await using var update = ResourceSql.Command(c, tx, "UPDATE journal_meta SET trimmed = @cut, bytes = CASE WHEN bytes > @freed THEN bytes - @freed ELSE 0 END WHERE id = 1");
            SqlDialect.Param(update, "@cut", cut);
            SqlDialect.Param(update, "@freed", freed);
            await update.ExecuteNonQueryAsync(ct);
            (trimmed, bytes) = (cut, Math.Max(0, bytes - freed));
        }

        // Readers gone for long (a node removed from the deployment) are forgotten; they pinned nothing since their timeout.
        await using (var forget = ResourceSql.Command(c, tx, "DELETE FROM journal_readers WHERE seen_at < @gone"))
        {
            SqlDialect.Param(forget, "@gone", now - retention.ReaderTimeout - TimeSpan.FromDays(1));
            await forget.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        return new JournalCompaction(deleted, trimmed, bytes, pinned);
    }

    private static async Task<long?> ScalarAsync(DbConnection c, DbTransaction tx, string sql, (string Name, object Value) parameter, CancellationToken ct)
    {
        await using var cmd = ResourceSql.Command(c, tx, sql);
        SqlDialect.Param(cmd, parameter.Name, parameter.Value);
        var value = await cmd.ExecuteScalarAsync(ct);
        return value is null or DBNull ? null : Convert.ToInt64(value, CultureInfo.InvariantCulture);
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
