using System.Data.Common;
using System.Globalization;

namespace OpenApim.Resources.Store.Sql;

/// <summary>
/// Versioned schema migrations, applied in order at start inside one transaction. Append new
/// versions; never edit an applied one.
/// </summary>
internal static class Migrations
{
    public static readonly IReadOnlyList<string> Sqlite =
    [
        """
        CREATE TABLE services (
            service_id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            id TEXT NOT NULL,
            epoch INTEGER NOT NULL
        );
        CREATE TABLE resources (
            service_id INTEGER NOT NULL,
            path TEXT NOT NULL,
            parent TEXT NOT NULL,
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            rel_id TEXT NOT NULL,
            display_name TEXT NULL,
            body TEXT NOT NULL,
            version INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (service_id, path)
        );
        CREATE INDEX ix_resources_kind ON resources (service_id, kind, parent, path);
        CREATE UNIQUE INDEX ux_resources_service_name ON resources (lower(name)) WHERE kind = 'service';
        CREATE TABLE store_meta (name TEXT NOT NULL PRIMARY KEY, value INTEGER NOT NULL);
        INSERT INTO store_meta (name, value) VALUES ('version', 0);
        CREATE TABLE operations (
            id TEXT NOT NULL PRIMARY KEY,
            kind TEXT NOT NULL,
            service_key TEXT NOT NULL,
            service_resource_id TEXT NOT NULL,
            status TEXT NOT NULL,
            api_version TEXT NOT NULL,
            owner TEXT NULL,
            lease_until TEXT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            ended_at TEXT NULL,
            request TEXT NULL,
            progress TEXT NULL,
            result TEXT NULL,
            error TEXT NULL,
            resumable INTEGER NOT NULL DEFAULT 0
        );
        CREATE UNIQUE INDEX ux_operations_active ON operations (service_key) WHERE status = 'Running';
        CREATE INDEX ix_operations_service ON operations (service_key, created_at);
        CREATE INDEX ix_operations_lease ON operations (status, lease_until);
        """,
        """
        CREATE TABLE usage (
            service_key TEXT NOT NULL,
            minute INTEGER NOT NULL,
            api TEXT NOT NULL,
            operation TEXT NOT NULL,
            product TEXT NOT NULL,
            subscription TEXT NOT NULL,
            user_id TEXT NOT NULL,
            calls_total INTEGER NOT NULL,
            calls_success INTEGER NOT NULL,
            calls_blocked INTEGER NOT NULL,
            calls_failed INTEGER NOT NULL,
            calls_other INTEGER NOT NULL,
            bandwidth INTEGER NOT NULL,
            api_time_sum REAL NOT NULL,
            api_time_min REAL NOT NULL,
            api_time_max REAL NOT NULL,
            service_time_sum REAL NOT NULL,
            service_time_min REAL NOT NULL,
            service_time_max REAL NOT NULL,
            PRIMARY KEY (service_key, minute, api, operation, product, subscription, user_id)
        );
        """,
        """
        CREATE TABLE directory (
            kind TEXT NOT NULL,
            id TEXT NOT NULL,
            principal TEXT NULL,
            body TEXT NOT NULL,
            PRIMARY KEY (kind, id)
        );
        CREATE INDEX ix_directory_principal ON directory (kind, principal);
        """,
        """
        CREATE INDEX ix_subscriptions_primary_key ON resources (service_id, json_extract(body, '$.properties.primaryKey')) WHERE kind = 'subscriptions';
        CREATE INDEX ix_subscriptions_secondary_key ON resources (service_id, json_extract(body, '$.properties.secondaryKey')) WHERE kind = 'subscriptions';
        """,
        """
        ALTER TABLE services ADD COLUMN deleted_at TEXT NULL;
        """,
        """
        CREATE TABLE journal (
            seq INTEGER NOT NULL PRIMARY KEY,
            service_key TEXT NULL,
            service_id TEXT NULL,
            kind TEXT NOT NULL,
            rel_id TEXT NOT NULL,
            op TEXT NOT NULL,
            body TEXT NULL,
            version INTEGER NULL,
            at TEXT NOT NULL,
            actor TEXT NULL
        );
        CREATE INDEX ix_journal_service ON journal (service_key, seq);
        CREATE TABLE journal_meta (id INTEGER NOT NULL PRIMARY KEY, seq INTEGER NOT NULL);
        INSERT INTO journal_meta (id, seq) VALUES (1, 0);
        """,
        """
        ALTER TABLE journal_meta ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE journal_meta ADD COLUMN trimmed INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE journal_meta ADD COLUMN counted INTEGER NOT NULL DEFAULT 0;
        INSERT INTO journal_meta (id, seq) VALUES (2, 0);
        CREATE TABLE journal_readers (reader TEXT NOT NULL PRIMARY KEY, seq INTEGER NOT NULL, seen_at TEXT NOT NULL);
        """,
        """
        -- Resource groups stored before their body named their ARM id: without it their changes reach no activity log.
        UPDATE directory SET body = json_set(body, '$.resourceId', '/subscriptions/' || principal || '/resourceGroups/' || json_extract(body, '$.name'))
        WHERE kind = 'resourceGroup' AND principal IS NOT NULL AND json_extract(body, '$.name') IS NOT NULL AND json_extract(body, '$.resourceId') IS NULL;
        """,
    ];

    public static readonly IReadOnlyList<string> Postgres =
    [
        """
        CREATE TABLE services (
            service_id BIGSERIAL PRIMARY KEY,
            key TEXT COLLATE "C" NOT NULL UNIQUE,
            id TEXT NOT NULL,
            epoch BIGINT NOT NULL
        );
        CREATE TABLE resources (
            service_id BIGINT NOT NULL,
            path TEXT COLLATE "C" NOT NULL,
            parent TEXT COLLATE "C" NOT NULL,
            kind TEXT COLLATE "C" NOT NULL,
            name TEXT NOT NULL,
            rel_id TEXT NOT NULL,
            display_name TEXT NULL,
            body JSONB NOT NULL,
            version BIGINT NOT NULL,
            created_at TIMESTAMPTZ NOT NULL,
            updated_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (service_id, path)
        );
        CREATE INDEX ix_resources_kind ON resources (service_id, kind, parent, path);
        CREATE UNIQUE INDEX ux_resources_service_name ON resources (lower(name)) WHERE kind = 'service';
        CREATE SEQUENCE resource_version;
        CREATE TABLE operations (
            id TEXT NOT NULL PRIMARY KEY,
            kind TEXT NOT NULL,
            service_key TEXT COLLATE "C" NOT NULL,
            service_resource_id TEXT NOT NULL,
            status TEXT NOT NULL,
            api_version TEXT NOT NULL,
            owner TEXT NULL,
            lease_until TIMESTAMPTZ NULL,
            created_at TIMESTAMPTZ NOT NULL,
            updated_at TIMESTAMPTZ NOT NULL,
            ended_at TIMESTAMPTZ NULL,
            request JSONB NULL,
            progress JSONB NULL,
            result JSONB NULL,
            error JSONB NULL,
            resumable BOOLEAN NOT NULL DEFAULT FALSE
        );
        CREATE UNIQUE INDEX ux_operations_active ON operations (service_key) WHERE status = 'Running';
        CREATE INDEX ix_operations_service ON operations (service_key, created_at);
        CREATE INDEX ix_operations_lease ON operations (status, lease_until);
        """,
        """
        CREATE TABLE usage (
            service_key TEXT COLLATE "C" NOT NULL,
            minute BIGINT NOT NULL,
            api TEXT NOT NULL,
            operation TEXT NOT NULL,
            product TEXT NOT NULL,
            subscription TEXT NOT NULL,
            user_id TEXT NOT NULL,
            calls_total BIGINT NOT NULL,
            calls_success BIGINT NOT NULL,
            calls_blocked BIGINT NOT NULL,
            calls_failed BIGINT NOT NULL,
            calls_other BIGINT NOT NULL,
            bandwidth BIGINT NOT NULL,
            api_time_sum DOUBLE PRECISION NOT NULL,
            api_time_min DOUBLE PRECISION NOT NULL,
            api_time_max DOUBLE PRECISION NOT NULL,
            service_time_sum DOUBLE PRECISION NOT NULL,
            service_time_min DOUBLE PRECISION NOT NULL,
            service_time_max DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (service_key, minute, api, operation, product, subscription, user_id)
        );
        """,
        """
        CREATE TABLE directory (
            kind TEXT COLLATE "C" NOT NULL,
            id TEXT COLLATE "C" NOT NULL,
            principal TEXT COLLATE "C" NULL,
            body TEXT NOT NULL,
            PRIMARY KEY (kind, id)
        );
        CREATE INDEX ix_directory_principal ON directory (kind, principal);
        """,
        """
        CREATE INDEX ix_subscriptions_primary_key ON resources (service_id, (body->'properties'->>'primaryKey')) WHERE kind = 'subscriptions';
        CREATE INDEX ix_subscriptions_secondary_key ON resources (service_id, (body->'properties'->>'secondaryKey')) WHERE kind = 'subscriptions';
        """,
        """
        ALTER TABLE services ADD COLUMN deleted_at TIMESTAMPTZ NULL;
        """,
        """
        CREATE TABLE journal (
            seq BIGINT NOT NULL PRIMARY KEY,
            service_key TEXT COLLATE "C" NULL,
            service_id TEXT NULL,
            kind TEXT NOT NULL,
            rel_id TEXT NOT NULL,
            op TEXT NOT NULL,
            body TEXT NULL,
            version BIGINT NULL,
            at TIMESTAMPTZ NOT NULL,
            actor TEXT NULL
        );
        CREATE INDEX ix_journal_service ON journal (service_key, seq);
        CREATE TABLE journal_meta (id INTEGER NOT NULL PRIMARY KEY, seq BIGINT NOT NULL);
        INSERT INTO journal_meta (id, seq) VALUES (1, 0);
        """,
        """
        ALTER TABLE journal_meta ADD COLUMN bytes BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE journal_meta ADD COLUMN trimmed BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE journal_meta ADD COLUMN counted BIGINT NOT NULL DEFAULT 0;
        INSERT INTO journal_meta (id, seq) VALUES (2, 0);
        CREATE TABLE journal_readers (reader TEXT COLLATE "C" NOT NULL PRIMARY KEY, seq BIGINT NOT NULL, seen_at TIMESTAMPTZ NOT NULL);
        """,
        """
        -- Resource groups stored before their body named their ARM id: without it their changes reach no activity log.
        UPDATE directory SET body = (body::jsonb || jsonb_build_object('resourceId', '/subscriptions/' || principal || '/resourceGroups/' || (body::jsonb ->> 'name')))::text
        WHERE kind = 'resourceGroup' AND principal IS NOT NULL AND (body::jsonb ->> 'name') IS NOT NULL AND (body::jsonb ->> 'resourceId') IS NULL;
        """,
    ];

    public static async Task ApplyAsync(DbConnection c, DbTransaction tx, IReadOnlyList<string> scripts, CancellationToken ct)
    {
        await using (var create = ResourceSql.Command(c, tx, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL PRIMARY KEY)"))
        {
            await create.ExecuteNonQueryAsync(ct);
        }

        long current;
        await using (var read = ResourceSql.Command(c, tx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"))
        {
            current = Convert.ToInt64(await read.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }

        if (current > scripts.Count)
        {
            throw new InvalidOperationException(
                $"The database schema is version {current}, newer than this OpenApim understands ({scripts.Count}). Upgrade OpenApim.");
        }

        for (var v = (int)current + 1; v <= scripts.Count; v++)
        {
            await using var apply = ResourceSql.Command(c, tx, scripts[v - 1]);
            await apply.ExecuteNonQueryAsync(ct);
            await using var record = ResourceSql.Command(c, tx, $"INSERT INTO schema_migrations (version) VALUES ({v})");
            await record.ExecuteNonQueryAsync(ct);
        }
    }
}
