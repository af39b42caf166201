using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Store.Journal;

namespace OpenApim.Resources.Store.Sql;

/// <summary>
/// The journal table. Records are appended as the last step of a write transaction. On PostgreSQL the sequence comes from
/// one counter row whose lock is held until the commit, so transactions commit in sequence order and a reader that has
/// seen sequence n has seen every record before it (no late commit can appear behind a reader's position). SQLite has one
/// writer at a time, so the record's rowid (the largest so far plus one) is the sequence; compaction always keeps the
/// newest record, so a rowid is never handed out twice. The size the retention limit counts is added up at compaction,
/// not per write, so a write touches nothing but its records.
/// </summary>
internal sealed class SqlJournal(SqlDialect dialect, TimeProvider time) : IChangeJournal
{
    /// <summary>What a record counts towards the journal's size limit: its text, plus a fixed overhead for the columns and index.</summary>
    private const string SizeSql = "(COALESCE(LENGTH(body), 0) + COALESCE(LENGTH(actor), 0) + LENGTH(rel_id) + 64)";

    /// <summary>Records per INSERT statement (ten parameters each, well inside both databases' limits).</summary>
    private const int RowsPerStatement = 200;

    /// <summary>Records a compaction deletes at most (the rest go at the next tick), so it never holds writers up for long.</summary>
    private const int MaxDeletedPerRun = 50_000;

    /// <summary>
    /// Appends <paramref name="changes"/> (with the current actor) as the last step of the caller's write transaction and commits
    /// it, then wakes this process's journal readers when there were any. On PostgreSQL the COMMIT travels in the round trip
    /// that takes the counter row's lock, so no other writer waits for this client to be scheduled again before it is released.
    /// </summary>
    public static async Task CommitAsync(SqlDialect dialect, DbConnection c, DbTransaction tx, IReadOnlyList<PendingChange> changes, DateTimeOffset at, CancellationToken ct)
    {
        if (!await AppendAsync(dialect, c, tx, changes, at, ct))
        {
            await tx.CommitAsync(ct);
        }

        if (changes.Count > 0)
        {
            dialect.JournalCommitted.Notify();
        }
    }

    /// <summary>Appends the records; true when the statement that did also committed the transaction.</summary>
    private static async Task<bool> AppendAsync(SqlDialect dialect, DbConnection c, DbTransaction tx, IReadOnlyList<PendingChange> changes, DateTimeOffset at, CancellationToken ct)
    {
        if (changes.Count == 0 || !dialect.RecordsJournal)
        {
            return false;
        }

        var actor = ChangeActor.Current is { } a ? JsonSerializer.Serialize(a, JournalJson.Default.ChangeActor) : null;
        if (dialect.NextJournalSequenceSql is not { } counter)
        {
            // One writer at a time: each record's rowid is its sequence.
            foreach (var chunk in changes.Chunk(RowsPerStatement))
            {
                await InsertAsync(c, tx, chunk, "", "VALUES ", i => $"(NULL, {Typed(i)}, @at, @actor)", "", at, actor, ct);
            }

            return false;
        }

        // One round trip per statement counts on PostgreSQL: reserve the sequence numbers (locking the counter row until
        // commit), insert the records and notify the other nodes (delivered at commit) in one.
        var notify = dialect.NotifyJournalSql is { } sql ? "; " + sql : "";
        var first = true;
        long reserved = 0;
        foreach (var chunk in changes.Chunk(RowsPerStatement))
        {
            var offset = reserved;
            reserved += chunk.Length;
            await InsertAsync(c, tx, chunk,
                first ? $"WITH c AS ({counter}) " : "",
                first ? "SELECT c.seq - @n + v.ord, v.k, v.i, v.t, v.r, v.o, v.b, v.v, @at, @actor FROM c, (VALUES "
                      : "SELECT m.seq - @n + v.ord, v.k, v.i, v.t, v.r, v.o, v.b, v.v, @at, @actor FROM journal_meta m, (VALUES ",
                i => $"({offset + i + 1}, {Typed(i)})",
                ") AS v(ord, k, i, t, r, o, b, v)" + (first ? notify : "") + (first ? "" : " WHERE m.id = 1") + (reserved == changes.Count ? "; COMMIT" : ""),
                at, actor, ct, ("@n", changes.Count));
            first = false;
        }

        return true;
    }

    /// <summary>The parameters of record <paramref name="i"/> of a statement, typed (so a NULL body or version is not of unknown type).</summary>
    private static string Typed(int i) =>
        $"CAST(@k{i} AS TEXT), CAST(@i{i} AS TEXT), CAST(@t{i} AS TEXT), CAST(@r{i} AS TEXT), CAST(@o{i} AS TEXT), CAST(@b{i} AS TEXT), CAST(@v{i} AS BIGINT)";

    private static async Task InsertAsync(
        DbConnection c, DbTransaction tx, PendingChange[] chunk, string with, string head, Func<int, string> row, string tail, DateTimeOffset at, string? actor, CancellationToken ct,
        params (string Name, object Value)[] extra)
    {
        await using var insert = ResourceSql.Command(c, tx, "");
        for (var i = 0; i < chunk.Length; i++)
        {
            var change = chunk[i];
            SqlDialect.Param(insert, $"@k{i}", change.ServiceKey);
            SqlDialect.Param(insert, $"@i{i}", change.ServiceId);
            SqlDialect.Param(insert, $"@t{i}", change.Kind);
            SqlDialect.Param(insert, $"@r{i}", change.RelativeId);
            SqlDialect.Param(insert, $"@o{i}", change.Operation);
            SqlDialect.Param(insert, $"@b{i}", change.Body?.ToJsonString());
            SqlDialect.Param(insert, $"@v{i}", change.Version);
        }

        SqlDialect.Param(insert, "@at", at);
        SqlDialect.Param(insert, "@actor", actor);
        foreach (var (name, value) in extra)
        {
            SqlDialect.Param(insert, name, value);
        }

        insert.CommandText = with + "INSERT INTO journal (seq, service_key, service_id, kind, rel_id, op, body, version, at, actor) " +
            head + string.Join(", ", Enumerable.Range(0, chunk.Length).Select(row)) + tail;
        await insert.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Appends in a transaction of its own (changes that are one statement elsewhere: directory writes).</summary>
    public async Task AppendAloneAsync(PendingChange change, CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        await using var tx = await dialect.BeginWriteAsync(c, ct);
        await CommitAsync(dialect, c, tx, [change], time.GetUtcNow(), ct);
    }

    private const string Columns = "seq, service_id, kind, rel_id, op, body, version, at, actor";

    public async Task<IReadOnlyList<JournalEntry>> ReadNewestAsync(string servicePrefix, DateTimeOffset since, DateTimeOffset until, long before, int max, CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        await using var cmd = ResourceSql.Command(c, null,
            $"SELECT {Columns} FROM journal WHERE service_key >= @low AND service_key < @high AND at >= @from AND at <= @to AND seq < @before ORDER BY seq DESC LIMIT @max");
        // The prefix itself too (a resource group's own record); what else sorts in between (rg-x) the caller filters out.
        var low = servicePrefix.TrimEnd('/');
        var (_, high) = ResourceSql.Descendants(low);
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
        // The records first, the floor after: a compaction that commits in between raises the floor, so the reader starts over
        // (at worst needlessly), whereas the other order could miss deleted records behind a floor read too early.
        await using var c = await dialect.OpenAsync(ct);
        await using var cmd = ResourceSql.Command(c, null,
            $"SELECT {Columns} FROM journal WHERE seq > @after" + (service is null ? "" : " AND service_key = @key") + " ORDER BY seq LIMIT @max");
        SqlDialect.Param(cmd, "@after", after);
        SqlDialect.Param(cmd, "@max", Math.Clamp(max, 1, 10_000));
        if (service is not null)
        {
            SqlDialect.Param(cmd, "@key", service.Key);
        }

        var entries = await ReadEntriesAsync(cmd, ct);
        await using var meta = ResourceSql.Command(c, null, "SELECT trimmed FROM journal_meta WHERE id = 2");
        var trimmed = Convert.ToInt64(await meta.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        return new JournalTail(entries, trimmed);
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
        if (dialect.CompactionLockSql is { } lockSql)
        {
            // Nodes compact one at a time. On PostgreSQL writers are not held up: they lock the counter row (id 1), compaction's
            // state is another row (id 2). SQLite's one write lock is held for the run, which is why a run is bounded.
            await using var take = ResourceSql.Command(c, tx, lockSql);
            await take.ExecuteNonQueryAsync(ct);
        }

        long bytes, trimmed, counted;
        await using (var meta = ResourceSql.Command(c, tx, "SELECT bytes, trimmed, counted FROM journal_meta WHERE id = 2"))
        await using (var r = await meta.ExecuteReaderAsync(ct))
        {
            await r.ReadAsync(ct);
            (bytes, trimmed, counted) = (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2));
        }

        // The size of what was appended since the last compaction; the newest record is never deleted (it anchors the sequence).
        var newest = await ScalarAsync(c, tx, "SELECT MAX(seq) FROM journal", ct) ?? trimmed;
        bytes += await ScalarAsync(c, tx, $"SELECT SUM({SizeSql}) FROM journal WHERE seq > @counted AND seq <= @newest", ct, ("@counted", counted), ("@newest", newest)) ?? 0;
        counted = Math.Max(counted, newest);

        // Old enough by age, or the oldest beyond the size limit, read from the oldest on (sequence order is time order) ...
        var cut = trimmed;
        var cutoff = now - retention.MaxAge;
        await using (var oldest = ResourceSql.Command(c, tx, $"SELECT seq, at, {SizeSql} FROM journal WHERE seq > @trimmed ORDER BY seq LIMIT @max"))
        {
            SqlDialect.Param(oldest, "@trimmed", trimmed);
            SqlDialect.Param(oldest, "@max", MaxDeletedPerRun);
            await using var r = await oldest.ExecuteReaderAsync(ct);
            var left = bytes;
            while (await r.ReadAsync(ct) && (r.GetFieldValue<DateTimeOffset>(1) < cutoff || left > retention.MaxBytes))
            {
                cut = r.GetInt64(0);
                left -= r.GetInt64(2);
            }
        }

        // ... but never what a live reader has not read yet, nor the newest record.
        var pinned = await ScalarAsync(c, tx, "SELECT MIN(seq) FROM journal_readers WHERE seen_at > @live", ct, ("@live", now - retention.ReaderTimeout));
        cut = Math.Min(cut, Math.Min(pinned ?? long.MaxValue, newest - 1));
        long deleted = 0;
        if (cut > trimmed)
        {
            bytes -= await ScalarAsync(c, tx, $"SELECT SUM({SizeSql}) FROM journal WHERE seq > @trimmed AND seq <= @cut", ct, ("@trimmed", trimmed), ("@cut", cut)) ?? 0;
            await using var del = ResourceSql.Command(c, tx, "DELETE FROM journal WHERE seq <= @cut");
            SqlDialect.Param(del, "@cut", cut);
            deleted = await del.ExecuteNonQueryAsync(ct);
            trimmed = cut;
        }

        // Readers gone for long (a node removed from the deployment) are forgotten; they pinned nothing since their timeout.
        await using (var forget = ResourceSql.Command(c, tx, "DELETE FROM journal_readers WHERE seen_at < @gone"))
        {
            SqlDialect.Param(forget, "@gone", now - retention.ReaderTimeout - TimeSpan.FromDays(1));
            await forget.ExecuteNonQueryAsync(ct);
        }

        bytes = Math.Max(0, bytes);
        await using (var update = ResourceSql.Command(c, tx, "UPDATE journal_meta SET trimmed = @trimmed, bytes = @bytes, counted = @counted WHERE id = 2"))
        {
            SqlDialect.Param(update, "@trimmed", trimmed);
            SqlDialect.Param(update, "@bytes", bytes);
            SqlDialect.Param(update, "@counted", counted);
            await update.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        return new JournalCompaction(deleted, trimmed, bytes, pinned);
    }

    private static async Task<long?> ScalarAsync(DbConnection c, DbTransaction tx, string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var cmd = ResourceSql.Command(c, tx, sql);
        foreach (var (name, value) in parameters)
        {
            SqlDialect.Param(cmd, name, value);
        }

        var result = await cmd.ExecuteScalarAsync(ct);
        return result is null or DBNull ? null : Convert.ToInt64(result, CultureInfo.InvariantCulture);
    }

    /// <summary>The newest record is never compacted away, so the largest sequence is the last one committed (0: nothing yet).</summary>
    internal const string LastSequenceSql = "SELECT COALESCE((SELECT MAX(seq) FROM journal), (SELECT trimmed FROM journal_meta WHERE id = 2))";

    public async Task<long> LastSequenceAsync(CancellationToken ct)
    {
        await using var c = await dialect.OpenAsync(ct);
        await using var cmd = ResourceSql.Command(c, null, LastSequenceSql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(ChangeActor))]
internal sealed partial class JournalJson : System.Text.Json.Serialization.JsonSerializerContext;
