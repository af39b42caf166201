using Microsoft.Extensions.DependencyInjection;
using OpenApim.Resources.Operations;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Backup;

/// <summary>
/// A server whose storage accounts are Azurite, and whose backup/restore handlers can be held at
/// their start by <see cref="Gate"/> so tests can look at a service while an operation runs.
/// </summary>
public abstract class BackupFixture(StoreKind store) : IAsyncLifetime
{
    public OperationGate Gate { get; } = new();

    public OpenApimInstance Server { get; private set; } = null!;

    public ArmClient Arm { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await OpenApimInstance.StartAsync(store, services => Gate.Install(services), Azurite.ServerArgs);
        Arm = await Server.CreateArmClientAsync();
    }

    public async Task DisposeAsync()
    {
        Gate.Release();
        Arm.Dispose();
        await Server.DisposeAsync();
    }
}

public sealed class SqliteBackupServer() : BackupFixture(StoreKind.Sqlite);

public sealed class PostgresBackupServer() : BackupFixture(StoreKind.Postgres);

/// <summary>Wraps every operation handler so a test can hold operations at their start and let them go.</summary>
public sealed class OperationGate
{
    private TaskCompletionSource _open = CompletedSource();
    private TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>From now on operations wait at their start until <see cref="Release"/>.</summary>
    public void Hold()
    {
        _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Release() => _open.TrySetResult();

    /// <summary>Completes when an operation has reached the gate.</summary>
    public Task Entered => _entered.Task;

    public void Install(IServiceCollection services)
    {
        var handlers = services.Where(d => d.ServiceType == typeof(IOperationHandler)).ToList();
        foreach (var descriptor in handlers)
        {
            services.Remove(descriptor);
            services.AddSingleton<IOperationHandler>(sp => new Gated(Create(descriptor, sp), this));
        }
    }

    private static IOperationHandler Create(ServiceDescriptor d, IServiceProvider sp) =>
        d.ImplementationInstance as IOperationHandler
        ?? (IOperationHandler?)d.ImplementationFactory?.Invoke(sp)
        ?? (IOperationHandler)ActivatorUtilities.CreateInstance(sp, d.ImplementationType!);

    private static TaskCompletionSource CompletedSource()
    {
        var source = new TaskCompletionSource();
        source.SetResult();
        return source;
    }

    private sealed class Gated(IOperationHandler inner, OperationGate gate) : IOperationHandler
    {
        public string Kind => inner.Kind;

        public async Task<System.Text.Json.Nodes.JsonObject?> RunAsync(OperationContext context)
        {
            gate._entered.TrySetResult();
            await gate._open.Task.WaitAsync(context.Cancellation);
            return await inner.RunAsync(context);
        }
    }
}
