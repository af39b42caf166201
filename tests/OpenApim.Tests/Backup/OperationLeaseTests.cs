using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpenApim.Resources.Operations;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Backup;

/// <summary>A node late renewing its own lease must not start the operation a second time beside the first.</summary>
public sealed class OperationLeaseTests
{
    [Fact]
    public async Task A_sweep_that_claims_this_nodes_own_late_operation_does_not_run_it_twice()
    {
        var clock = new MovableClock();
        var handler = new BlockingHandler();
        await using var server = await OpenApimInstance.StartAsync(StoreKind.Postgres,
            s => s.AddSingleton<TimeProvider>(clock).AddSingleton<IOperationHandler>(handler), "--OPENAPIM_OPERATION_LEASE=00:00:02");
        var runner = server.Service<OperationRunner>();
        var id = Guid.NewGuid().ToString("N");
        await runner.StartAsync(new OperationRecord
        {
            Id = id, Kind = BlockingHandler.KindName, ServiceKey = "/subscriptions/x/resourcegroups/y/providers/microsoft.apimanagement/service/" + id,
            ServiceId = "/subscriptions/x/resourceGroups/y/providers/Microsoft.ApiManagement/service/" + id,
            Status = OperationStatus.Running, ApiVersion = "2024-05-01", CreatedAt = clock.GetUtcNow(), Resumable = true,
        }, CancellationToken.None);
        await handler.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // The lease looks expired (as when renewals are late): the sweep claims the operation for this same node.
        clock.Advance(TimeSpan.FromSeconds(30));
        await runner.SweepAsync(CancellationToken.None);
        await Task.Delay(500);
        handler.Release.SetResult();

        Assert.Equal(1, handler.Runs);
    }

    private sealed class BlockingHandler : IOperationHandler
    {
        public const string KindName = "test-blocking";

        private int _runs;

        public string Kind => KindName;

        public int Runs => Volatile.Read(ref _runs);

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<JsonObject?> RunAsync(OperationContext context)
        {
            Interlocked.Increment(ref _runs);
            Started.TrySetResult();
            await Release.Task;
            return null;
        }
    }
}
