using System.Data.Common;
using OpenApim.Resources.Model;
using OpenApim.Resources.Store.Journal;

namespace OpenApim.Resources.Store.Sql;

/// <summary>
/// What differs between SQLite and PostgreSQL: connections, transactions, JSON access, a few string
/// functions, migrations and bulk insert. Everything else in the store is shared SQL.
/// </summary>
public abstract class SqlDialect
{
    public abstract string Name { get; }

    public abstract Task<DbConnection> OpenAsync(CancellationToken ct);

    /// <summary>A write transaction (SQLite: BEGIN IMMEDIATE, so the write lock is taken up front).</summary>
    public abstract Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct);

    /// <summary>A read-only snapshot transaction.</summary>
    public abstract Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken ct);

    public abstract Task MigrateAsync(CancellationToken ct);

    /// <summary>Allocates the next value of the store's global version sequence (ETags).</summary>
    public abstract string NextVersionSql { get; }

    /// <summary>SQL expression reading <c>body.properties.{field}</c> as text.</summary>
    public abstract string JsonPropertyText(string field);

    /// <summary>A row's <c>properties.{field}</c> when it is a JSON string, else NULL (alias <c>r</c>).</summary>
    public abstract string JsonPropertyString(string field);

    /// <summary>SQL that is true when a row's <c>properties</c> is a JSON object (alias <c>r</c>).</summary>
    public abstract string HasPropertiesObject { get; }

    /// <summary>The literal a JSON boolean reads back as through <see cref="JsonPropertyText"/>.</summary>
    public abstract string BooleanLiteral(bool value);

    /// <summary>SQL expression turning a JSON text value into a number for comparisons.</summary>
    public abstract string AsNumber(string expression);

    /// <summary>The body column as text in a SELECT list.</summary>
    public abstract string BodyAsText { get; }

    /// <summary>Wraps a parameter so it is stored in the body column's type.</summary>
    public abstract string JsonParameter(string parameter);

    public abstract string Contains(string expression, string parameter);

    public abstract string EndsWith(string expression, string parameter);

    /// <summary>The smaller / larger of two expressions (SQLite: min/max; PostgreSQL: LEAST/GREATEST).</summary>
    public abstract string Least(string a, string b);

    public abstract string Greatest(string a, string b);

    /// <summary>True when the exception is a unique-constraint violation.</summary>
    public abstract bool IsUniqueViolation(Exception exception);

    /// <summary>Bulk-inserts rows inside <paramref name="transaction"/>; returns the number inserted.</summary>
    public abstract Task<long> BulkInsertAsync(DbConnection connection, DbTransaction transaction, long serviceId, long version, IAsyncEnumerable<RawResource> rows, CancellationToken ct);

    /// <summary>Claims operations whose lease expired (PostgreSQL: FOR UPDATE SKIP LOCKED).</summary>
    public abstract string ClaimExpiredOperationsSql { get; }

    /// <summary>Suffix of a SELECT that locks the rows it reads until the transaction ends (SQLite's write transaction already excludes other writers).</summary>
    public virtual string ForUpdate => "";

    /// <summary>SQL that takes a transaction-scoped lock for deployment-wide checks; null when writers are serial anyway (SQLite).</summary>
    public virtual string? DeploymentLockSql => null;

    /// <summary>Wakes this process's journal readers; <see cref="SqlJournal.CommitAsync"/> notifies it after every commit that appended records.</summary>
    public JournalSignal JournalCommitted { get; } = new();

    /// <summary>
    /// False only in the write benchmark (bench/journal.sh), which measures writes with and without the journal in one run.
    /// Not a setting: without the journal the gateway would never see a change.
    /// </summary>
    internal bool RecordsJournal { get; set; } = true;

    /// <summary>
    /// SQL that reserves <c>@n</c> journal sequence numbers and returns the last, holding a lock until commit (so commits are in
    /// sequence order); null where writers are serial and the journal's rowid is the sequence (SQLite).
    /// </summary>
    public virtual string? NextJournalSequenceSql => null;

    /// <summary>SQL that serialises journal compactions across nodes until the transaction ends; null where writers are serial anyway.</summary>
    public virtual string? CompactionLockSql => null;

    /// <summary>SQL run in a write transaction that tells other nodes, at commit, that the journal moved; null with one node (SQLite).</summary>
    public virtual string? NotifyJournalSql => null;

    /// <summary>
    /// Refreshes the planner's statistics after a bulk replace (a restore, a standby's base): PostgreSQL otherwise plans the
    /// next queries over hundreds of thousands of new rows with the statistics of the table before, until autovacuum runs.
    /// </summary>
    public virtual string? AnalyzeAfterBulkSql => null;

    /// <summary>
    /// SQL run on a bulk replace's connection before its transaction, so its commit does no upkeep the commit need not do;
    /// <see cref="UpkeepAfterBulkSql"/> undoes it (and does that upkeep) once the change is committed and announced. SQLite:
    /// the commit of a restore's hundreds of megabytes of WAL would otherwise copy them all into the database (the
    /// automatic checkpoint) before the gateway even heard of the restore.
    /// </summary>
    public virtual string? DeferUpkeepSql => null;

    /// <summary>Restores what <see cref="DeferUpkeepSql"/> changed on the connection and does the upkeep it deferred.</summary>
    public virtual string? UpkeepAfterBulkSql => null;

    /// <summary>
    /// Relays other nodes' journal notifications to <see cref="JournalCommitted"/> until <paramref name="ct"/> ends; returns at once
    /// where there are no other nodes. Throws when the connection fails (the caller retries and polls meanwhile).
    /// </summary>
    public virtual Task ListenForJournalAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>Adds one parameter per value (named <paramref name="prefix"/>0, 1, ...) and returns them as an SQL list for <c>IN (...)</c>.</summary>
    public static string InList(DbCommand command, string prefix, IEnumerable<string> values) =>
        string.Join(", ", values.Select((v, i) =>
        {
            Param(command, $"@{prefix}{i}", v);
            return $"@{prefix}{i}";
        }));

    public static DbParameter Param(DbCommand command, string name, object? value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        // A null goes untyped so PostgreSQL infers the column's type.
        p.Value = value ?? DBNull.Value;
        command.Parameters.Add(p);
        return p;
    }
}
