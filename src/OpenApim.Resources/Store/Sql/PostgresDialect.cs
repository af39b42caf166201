using System.Data;
using System.Data.Common;
using Npgsql;
using NpgsqlTypes;
using OpenApim.Resources.Model;

namespace OpenApim.Resources.Store.Sql;

/// <summary>
/// PostgreSQL, for production and for several nodes sharing one database: snapshots in
/// REPEATABLE READ READ ONLY transactions, restores with binary COPY, operation claims with
/// FOR UPDATE SKIP LOCKED, migrations under an advisory lock.
/// </summary>
public sealed class PostgresDialect(string connectionString) : SqlDialect, IAsyncDisposable
{
    private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(WithDefaults(connectionString));

    // The LISTEN connection idles for hours: TCP keepalives notice a peer that vanished (the listener then reconnects).
    private readonly string _listen = new NpgsqlConnectionStringBuilder(WithDefaults(connectionString)) { KeepAlive = 15, Pooling = false }.ConnectionString;

    /// <summary>
    /// Statements the store runs on every write are prepared once per connection (Npgsql's automatic preparation), unless
    /// the connection string says otherwise: parsing and planning them again each time cost more than running them.
    /// </summary>
    private static string WithDefaults(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Max Auto Prepare", StringComparison.OrdinalIgnoreCase) && !connectionString.Contains("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }

        return builder.ConnectionString;
    }

    public override string Name => "postgres";

    public override async Task<DbConnection> OpenAsync(CancellationToken ct) => await _source.OpenConnectionAsync(ct);

    public override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct) =>
        await ((NpgsqlConnection)connection).BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);

    public override async Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken ct)
    {
        var tx = await ((NpgsqlConnection)connection).BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await using var cmd = ResourceSql.Command(connection, tx, "SET TRANSACTION READ ONLY");
        await cmd.ExecuteNonQueryAsync(ct);
        return tx;
    }

    public override string NextVersionSql => "SELECT nextval('resource_version')";

    public override string AnalyzeAfterBulkSql => "ANALYZE resources";

    public override string JsonPropertyText(string field) => $"(r.body->'properties'->>'{field}')";

    public override string JsonPropertyString(string field) =>
        $"CASE WHEN jsonb_typeof(r.body->'properties'->'{field}') = 'string' THEN r.body->'properties'->>'{field}' END";

    public override string HasPropertiesObject => "jsonb_typeof(r.body->'properties') = 'object'";

    public override string ForUpdate => " FOR UPDATE";

    public override string DeploymentLockSql => "SELECT pg_advisory_xact_lock(7340034)";

    public override string BooleanLiteral(bool value) => value ? "'true'" : "'false'";

    public override string AsNumber(string expression) => $"({expression})::numeric";

    public override string BodyAsText => "body::text";

    public override string JsonParameter(string parameter) => $"CAST({parameter} AS jsonb)";

    public override string Contains(string expression, string parameter) => $"strpos({expression}, {parameter}) > 0";

    public override string EndsWith(string expression, string parameter) => $"right({expression}, length({parameter})) = {parameter}";

    public override string Least(string a, string b) => $"LEAST({a}, {b})";

    public override string Greatest(string a, string b) => $"GREATEST({a}, {b})";

    public override bool IsUniqueViolation(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public override string ClaimExpiredOperationsSql =>
        "UPDATE operations SET owner = @owner, lease_until = @lease, updated_at = @now WHERE id IN " +
        "(SELECT id FROM operations WHERE status = 'Running' AND lease_until < @expired FOR UPDATE SKIP LOCKED) " +
        $"RETURNING {SqlOperationStore.Columns}";

    public override async Task<long> BulkInsertAsync(DbConnection connection, DbTransaction transaction, long serviceId, long version, IAsyncEnumerable<RawResource> rows, CancellationToken ct)
    {
        await using var importer = await ((NpgsqlConnection)connection).BeginBinaryImportAsync(
            "COPY resources (service_id, path, parent, kind, name, rel_id, display_name, body, version, created_at, updated_at) FROM STDIN (FORMAT BINARY)", ct);
        long count = 0;
        await foreach (var row in rows.WithCancellation(ct))
        {
            await importer.StartRowAsync(ct);
            await importer.WriteAsync(serviceId, NpgsqlDbType.Bigint, ct);
            await importer.WriteAsync(row.Path, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(row.Parent, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(row.Kind.Path, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(row.Name, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(row.RelativeId, NpgsqlDbType.Text, ct);
            if (row.DisplayName is null)
            {
                await importer.WriteNullAsync(ct);
            }
            else
            {
                await importer.WriteAsync(row.DisplayName, NpgsqlDbType.Text, ct);
            }

            await importer.WriteAsync(row.Body, NpgsqlDbType.Jsonb, ct);
            await importer.WriteAsync(version, NpgsqlDbType.Bigint, ct);
            await importer.WriteAsync(row.CreatedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
            await importer.WriteAsync(row.UpdatedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
            count++;
        }

        await importer.CompleteAsync(ct);
        return count;
    }

    private const string JournalChannel = "openapim_journal";

    public override string NextJournalSequenceSql => "UPDATE journal_meta SET seq = seq + @n WHERE id = 1 RETURNING seq";

    public override string CompactionLockSql => "SELECT pg_advisory_xact_lock(7340035)";

    public override string NotifyJournalSql => $"SELECT pg_notify('{JournalChannel}', '')";

    public override async Task ListenForJournalAsync(CancellationToken ct)
    {
        await using var c = new NpgsqlConnection(_listen);
        await c.OpenAsync(ct);
        c.Notification += (_, _) => JournalCommitted.Notify();
        await using (var listen = ResourceSql.Command(c, null, $"LISTEN {JournalChannel}"))
        {
            await listen.ExecuteNonQueryAsync(ct);
        }

        // Anything committed before LISTEN took effect is found by the reader's next read.
        JournalCommitted.Notify();
        while (!ct.IsCancellationRequested)
        {
            await c.WaitAsync(ct);
        }
    }

    public override async Task MigrateAsync(CancellationToken ct)
    {
        await using var c = await OpenAsync(ct);
        await using var tx = await BeginWriteAsync(c, ct);
        // Several nodes may start at once against one database: migrate one at a time.
        await using (var lockCmd = ResourceSql.Command(c, tx, "SELECT pg_advisory_xact_lock(7340033)"))
        {
            await lockCmd.ExecuteNonQueryAsync(ct);
        }

        await Migrations.ApplyAsync(c, tx, Migrations.Postgres, ct);
        await tx.CommitAsync(ct);
    }

    public ValueTask DisposeAsync() => _source.DisposeAsync();
}
