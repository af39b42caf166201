using Npgsql;

namespace OpenApim.Tests.Infrastructure;

/// <summary>
/// A fresh database, dropped when disposed, in the PostgreSQL cluster that scripts/test.sh starts (admin connection
/// string in OPENAPIM_TEST_POSTGRES) or, when that is not set, in one this test process starts itself.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly string _admin;

    private PostgresDatabase(string admin, string name)
    {
        _admin = admin;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ToString();
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable("OPENAPIM_TEST_POSTGRES") is { Length: > 0 } cs
            ? cs
            : PostgresCluster.Instance.ConnectionString;

    public static async Task<PostgresDatabase> CreateAsync()
    {
        var admin = AdminConnectionString;
        var name = "openapim_test_" + Guid.NewGuid().ToString("N")[..12];
        await using var c = new NpgsqlConnection(admin);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", c);
        await cmd.ExecuteNonQueryAsync();
        return new PostgresDatabase(admin, name);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var c = new NpgsqlConnection(_admin);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", c);
        await cmd.ExecuteNonQueryAsync();
    }
}
