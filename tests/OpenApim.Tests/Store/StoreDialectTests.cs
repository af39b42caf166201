using OpenApim.Resources.Store.Sql;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Store;

/// <summary>Store tests that open the SQL dialects themselves: a fresh SQLite file or this class's throwaway PostgreSQL database, migrated.</summary>
public abstract class StoreDialectTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "openapim-tests", "store-" + Guid.NewGuid().ToString("N"));
    private PostgresDatabase? _database;

    public async Task InitializeAsync() => _database = await PostgresDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        await _database!.DisposeAsync();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>A migrated dialect of <paramref name="kind"/>: each SQLite one on a new file, the PostgreSQL ones on the same database.</summary>
    private protected async Task<SqlDialect> MigratedDialectAsync(StoreKind kind)
    {
        Directory.CreateDirectory(_folder);
        SqlDialect dialect = kind == StoreKind.Sqlite
            ? new SqliteDialect(Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".db"))
            : new PostgresDialect(_database!.ConnectionString);
        await dialect.MigrateAsync(default);
        return dialect;
    }
}
