namespace OpenApim.Tests.Infrastructure;

/// <summary>One server per test class, on the store the class runs against.</summary>
public abstract class ServerFixture(StoreKind store) : IAsyncLifetime
{
    public StoreKind Store { get; } = store;

    public OpenApimInstance Server { get; private set; } = null!;

    public ArmClient Arm { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await OpenApimInstance.StartAsync(Store);
        Arm = await Server.CreateArmClientAsync();
    }

    public async Task DisposeAsync()
    {
        Arm.Dispose();
        await Server.DisposeAsync();
    }
}

public sealed class SqliteServer() : ServerFixture(StoreKind.Sqlite);

public sealed class PostgresServer() : ServerFixture(StoreKind.Postgres);
