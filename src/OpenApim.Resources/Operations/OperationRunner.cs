using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenApim.Resources.Arm;

namespace OpenApim.Resources.Operations;

/// <summary>
/// Runs durable operations: each runs on the node that accepted it, holding a lease it renews while
/// working. Every node sweeps for operations whose lease expired (their node died): resumable ones
/// are taken over, the rest are ended as failed with a clear error, so nothing stays "running" forever.
/// </summary>
public sealed partial class OperationRunner(
    IOperationStore operations,
    IEnumerable<IOperationHandler> handlers,
    OperationRunnerOptions options,
    TimeProvider time,
    ILogger<OperationRunner> logger) : BackgroundService
{
    private TimeSpan Lease => options.Lease;

    private TimeSpan RenewEvery => options.Lease / 3;

    private TimeSpan SweepEvery => TimeSpan.FromTicks(Math.Min(options.Lease.Ticks / 2, TimeSpan.FromSeconds(5).Ticks));

    // The last registration of a kind wins, so a host can replace or wrap a handler.
    private readonly Dictionary<string, IOperationHandler> _handlers = handlers.GroupBy(h => h.Kind, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _running = new();

    // Operations this node finished lately: a sweep that claimed one just before it completed must not start it again.
    private readonly ConcurrentDictionary<string, DateTimeOffset> _finished = new();
    private CancellationToken _stopping;

    /// <summary>This node's identity in lease columns.</summary>
    public string NodeId { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Inserts the operation (409 when the service is busy) and starts it on this node.</summary>
    public async Task<OperationRecord> StartAsync(OperationRecord operation, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var record = await operations.StartAsync(operation with
        {
            Status = OperationStatus.Running,
            Owner = NodeId,
            LeaseUntil = now + Lease,
            CreatedAt = now,
            UpdatedAt = now,
        }, ct);
        Launch(record);
        return record;
    }

    /// <summary>Waits for the operations running on this node (at shutdown).</summary>
    private Task WhenIdleAsync() => Task.WhenAll(_running.Values);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        if (options.SingleNode)
        {
            await SweepAsync(time.GetUtcNow() + TimeSpan.FromDays(3650), stoppingToken);
            return;
        }

        using var timer = new PeriodicTimer(SweepEvery, time);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogSweepFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await Task.WhenAny(WhenIdleAsync(), Task.Delay(TimeSpan.FromSeconds(10), time, cancellationToken));
    }

    /// <summary>Claims operations whose owner stopped renewing and resumes or fails them.</summary>
    public Task SweepAsync(CancellationToken ct) => SweepAsync(time.GetUtcNow(), ct);

    private async Task SweepAsync(DateTimeOffset expiredBefore, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        foreach (var (id, at) in _finished)
        {
            if (at < now - (Lease * 4))
            {
                _finished.TryRemove(id, out _);
            }
        }

        foreach (var op in await operations.ClaimExpiredAsync(NodeId, expiredBefore, now + Lease, ct))
        {
            // This node's own run, late renewing its lease (a busy machine): the claim renewed it; a second run would
            // work on the same files beside the first.
            if (_running.ContainsKey(op.Id) || _finished.ContainsKey(op.Id))
            {
                continue;
            }

            if (op.Resumable && _handlers.ContainsKey(op.Kind))
            {
                LogResuming(logger, op.Kind, op.Id, op.ServiceId);
                Launch(op);
            }
            else
            {
                LogInterrupted(logger, op.Kind, op.Id, op.ServiceId);
                await operations.CompleteAsync(op.Id, NodeId, OperationStatus.Failed, null, OperationFailure.ToJson(OperationFailure.Interrupted(op.Kind)), Scrubbed(op.Request), ct);
            }
        }
    }

    private void Launch(OperationRecord record)
    {
        var run = new Task<Task>(() => RunAsync(record));
        if (_running.TryAdd(record.Id, run.Unwrap()))
        {
            run.Start(TaskScheduler.Default);
        }
    }

    private async Task RunAsync(OperationRecord record)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
        JsonObject? progress = null;
        var context = new OperationContext(record, p => Volatile.Write(ref progress, p), () => ConfirmAsync(record, cts), cts.Token);
        var renewal = RenewLoopAsync(record, () => Volatile.Read(ref progress), cts);
        JsonObject? result = null;
        JsonObject? failure = null;
        var handedOver = false;
        try
        {
            if (!_handlers.TryGetValue(record.Kind, out var handler))
            {
                throw new InvalidOperationException($"No handler for operation kind '{record.Kind}'.");
            }

            LogStarted(logger, record.Kind, record.Id, record.ServiceId);
            result = await handler.RunAsync(context);
        }
        catch (ArmException e)
        {
            failure = OperationFailure.ToJson(e);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            failure = OperationFailure.ToJson(OperationFailure.Interrupted(record.Kind));
        }
        catch (OperationCanceledException e) when (e is OperationLostException || cts.IsCancellationRequested)
        {
            // Another node took the operation over (this node's lease had expired): it reports the outcome, not us.
            handedOver = true;
        }
        catch (Exception e)
        {
            LogCrashed(logger, e, record.Kind, record.Id);
            failure = OperationFailure.ToJson(ArmErrors.Internal(record.Id));
        }
        finally
        {
            await cts.CancelAsync();
            await renewal;
        }

        if (handedOver)
        {
            LogHandedOver(logger, record.Kind, record.Id);
            _running.TryRemove(record.Id, out _);
            return;
        }

        var status = failure is null ? OperationStatus.Succeeded : OperationStatus.Failed;
        try
        {
            await operations.CompleteAsync(record.Id, NodeId, status, result, failure, Scrubbed(record.Request), CancellationToken.None);
            var code = failure?["code"]?.GetValue<string>() ?? "";
            LogFinished(logger, record.Kind, record.Id, status, code);
        }
        catch (Exception e)
        {
            // The lease will expire and a sweep will end the operation.
            LogCompleteFailed(logger, e, record.Id);
        }
        finally
        {
            _finished[record.Id] = time.GetUtcNow();
            _running.TryRemove(record.Id, out _);
        }
    }

    /// <summary>The request without its sealed secrets: what stays in the row once the operation has ended.</summary>
    private static JsonObject? Scrubbed(JsonObject? request)
    {
        if (request is null || !request.ContainsKey(OperationSecrets.RequestMember))
        {
            return request;
        }

        var copy = (JsonObject)request.DeepClone();
        copy.Remove(OperationSecrets.RequestMember);
        return copy;
    }

    /// <summary>Renews the lease now; when another node owns the operation, stops this run.</summary>
    private async Task ConfirmAsync(OperationRecord record, CancellationTokenSource work)
    {
        if (!await operations.RenewAsync(record.Id, NodeId, time.GetUtcNow() + Lease, null, work.Token))
        {
            LogLostLease(logger, record.Id);
            await work.CancelAsync();
            throw new OperationLostException($"Operation {record.Id} is now owned by another node.");
        }
    }

    private async Task RenewLoopAsync(OperationRecord record, Func<JsonObject?> progress, CancellationTokenSource work)
    {
        try
        {
            using var timer = new PeriodicTimer(RenewEvery, time);
            while (await timer.WaitForNextTickAsync(work.Token))
            {
                var owned = await operations.RenewAsync(record.Id, NodeId, time.GetUtcNow() + Lease, progress(), work.Token);
                if (!owned)
                {
                    LogLostLease(logger, record.Id);
                    await work.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            LogCompleteFailed(logger, e, record.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Operation {Kind} {OperationId} started for {ServiceId}")]
    private static partial void LogStarted(ILogger logger, string kind, string operationId, string serviceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Operation {Kind} {OperationId} finished: {Status} {Code}")]
    private static partial void LogFinished(ILogger logger, string kind, string operationId, OperationStatus status, string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Resuming {Kind} operation {OperationId} of {ServiceId}: its node stopped renewing the lease")]
    private static partial void LogResuming(ILogger logger, string kind, string operationId, string serviceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ending {Kind} operation {OperationId} of {ServiceId} as interrupted: its node stopped and it cannot be resumed elsewhere")]
    private static partial void LogInterrupted(ILogger logger, string kind, string operationId, string serviceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Operation {Kind} {OperationId} stopped on this node: another node took it over and will finish it")]
    private static partial void LogHandedOver(ILogger logger, string kind, string operationId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Operation {Kind} {OperationId} crashed")]
    private static partial void LogCrashed(ILogger logger, Exception e, string kind, string operationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the lease of operation {OperationId}; stopping it")]
    private static partial void LogLostLease(ILogger logger, string operationId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record the state of operation {OperationId}")]
    private static partial void LogCompleteFailed(ILogger logger, Exception e, string operationId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sweeping expired operations failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception e);
}
