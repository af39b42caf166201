using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using OpenApim.Resources.Hosting;
using OpenApim.Resources.Model;

namespace OpenApim.Resources.Store.Sql;

/// <summary>
/// SQLite, the embedded default: one file in the data directory, WAL mode so readers (and backup
/// snapshots) never block the writer, and <c>BEGIN IMMEDIATE</c> writes so a transaction never fails
/// half-way on a lock upgrade.
/// </summary>
public sealed class SqliteDialect(string path) : SqlDialect
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Pooling = true,
        DefaultTimeout = 60,
    }.ToString();

    public override string Name => "sqlite";

    /// <summary>No automatic checkpoint at the replace's commit (the pooled connection gets SQLite's default back after).</summary>
    public override string DeferUpkeepSql => "PRAGMA wal_autocheckpoint = 0";

    /// <summary>The default automatic checkpoint, and the deferred checkpoint now: passive, so readers and writers go on meanwhile.</summary>
    public override string UpkeepAfterBulkSql => "PRAGMA wal_autocheckpoint = 1000; PRAGMA wal_checkpoint(PASSIVE)";

    public override async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var c = new SqliteConnection(_connectionString);
        await c.OpenAsync(ct);
        await using var cmd = c.CreateCommand();
        // A 64 MiB page cache keeps index pages of large services in memory during bulk writes.
        cmd.CommandText = "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;";
        await cmd.ExecuteNonQueryAsync(ct);
        return c;
    }

    public override Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(IsolationLevel.Serializable, deferred: false));

    public override Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken ct) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(IsolationLevel.Serializable, deferred: true));

    public override string NextVersionSql => "UPDATE store_meta SET value = value + 1 WHERE name = 'version' RETURNING value";

    public override string JsonPropertyText(string field) => $"json_extract(r.body, '$.properties.{field}')";

    public override string JsonPropertyString(string field) =>
        $"CASE WHEN json_type(r.body, '$.properties.{field}') = 'text' THEN json_extract(r.body, '$.properties.{field}') END";

    public override string HasPropertiesObject => "json_type(r.body, '$.properties') = 'object'";

    public override string BooleanLiteral(bool value) => value ? "1" : "0";

    public override string AsNumber(string expression) => expression;

    public override string BodyAsText => "body";

    public override string JsonParameter(string parameter) => parameter;

    public override string Contains(string expression, string parameter) => $"instr({expression}, {parameter}) > 0";

    public override string EndsWith(string expression, string parameter) => $"substr({expression}, -length({parameter})) = {parameter}";

    public override string Least(string a, string b) => $"min({a}, {b})";

    public override string Greatest(string a, string b) => $"max({a}, {b})";

    public override bool IsUniqueViolation(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 19 };

    public override string ClaimExpiredOperationsSql =>
        $"UPDATE operations SET owner = @owner, lease_until = @lease, updated_at = @now WHERE status = 'Running' AND lease_until < @expired RETURNING {SqlOperationStore.Columns}";

    public override async Task<long> BulkInsertAsync(DbConnection connection, DbTransaction transaction, long serviceId, long version, IAsyncEnumerable<RawResource> rows, CancellationToken ct)
    {
        using var insert = new SqliteBulkInsert((SqliteConnection)connection, serviceId, version);
        long count = 0;
        await foreach (var row in rows.WithCancellation(ct))
        {
            insert.Insert(row);
            count++;
        }

        return count;
    }

    public override async Task MigrateAsync(CancellationToken ct)
    {
        // The database holds every key in clear: owner-only, and SQLite gives its -wal and -shm files the database file's mode.
        LocalFiles.CreatePrivateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (!File.Exists(path))
        {
            LocalFiles.CreateSecret(path, FileMode.CreateNew).Dispose();
        }

        foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
        {
            LocalFiles.Restrict(file);
        }
        await using var c = await OpenAsync(ct);
        await using (var wal = c.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            await wal.ExecuteNonQueryAsync(ct);
        }

        await using var tx = await BeginWriteAsync(c, ct);
        await Migrations.ApplyAsync(c, tx, Migrations.Sqlite, ct);
        await tx.CommitAsync(ct);
    }
}
