using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenApim.Gateway.Runtime;
using OpenApim.Gateway.Telemetry;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Hosting;
using OpenApim.Resources.Store;
using OpenApim.Resources.Store.Journal;

namespace OpenApim.Gateway.Configuration;

/// <summary>
/// Keeps the gateway's configuration in step with the store by tailing the change journal. It loads every service once,
/// then applies each batch of journal records to the services they name (<see cref="ServiceCache.ApplyAsync"/>: only the
/// rows they name are read, only the parts of the runtime they touch are rebuilt) and swaps the new runtimes in. A restore,
/// an undelete or a new service is loaded whole, off the request path. It wakes when this process commits and, on
/// PostgreSQL, when any node does (<see cref="JournalSignal"/>), and polls meanwhile. Refreshes are serialised. A service
/// whose refresh fails keeps its last good runtime and is loaded whole on the next refresh; a journal that cannot be read,
/// or that was compacted past this reader's position, is reported (the log and <see cref="GatewayHealth"/>) and, in the
/// second case, everything is loaded again.
/// </summary>
internal sealed partial class ConfigWatcher(
    IResourceStore store, IChangeJournal journal, JournalSignal signal, RestoreStaging staging, GatewayState state, GatewayHealth health, Deployment deployment, GatewayOptions options,
    GatewayMetrics metrics, TimeProvider time, ILogger<ConfigWatcher> logger) : BackgroundService
{
    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(5);

    /// <summary>How long a restore's journal record waits for its stage to say it committed (it commits a moment before).</summary>
    private static readonly TimeSpan StageWait = TimeSpan.FromSeconds(5);

    private readonly Dictionary<ServiceRef, ServiceCache> _caches = [];
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _reader = $"gateway/{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";
    private long? _position;
    private long? _reportedAt;

    // Runtimes changed but not yet published: survives a refresh that fails after applying part of the journal.
    private bool _unpublished;

    /// <summary>The journal sequence this gateway has applied (null before the first load).</summary>
    public long? Position => _position;

    /// <summary>Restores whose runtime was built from the rows they staged instead of reading the service back.</summary>
    public int StagedLoads { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var seen = signal.Generation;
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogRefreshFailed(logger, e);
            }

            try
            {
                await signal.WaitAsync(seen, options.PollInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Applies everything committed so far and publishes what changed. Throws when the journal or the store could not be
    /// read or a service failed, after publishing what did load.
    /// </summary>
    internal async Task RefreshAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await RefreshLockedAsync(ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task RefreshLockedAsync(CancellationToken ct)
    {
        List<Exception>? failures = null;
        try
        {
            if (_position is null)
            {
                await StartOverAsync(ct);
            }
            else
            {
                await TailAsync(ct);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // What was applied before the failure is served, not held back until some later change.
            health.StoreUnreadable(e.Message, time.GetUtcNow());
            PublishChanges();
            throw;
        }

        foreach (var cache in _caches.Values.Where(c => c.NeedsLoad).ToList())
        {
            var started = time.GetTimestamp();
            staging.Forget(cache.Service);
            try
            {
                await cache.LoadAsync(store, ct);
                _unpublished = true;
                if (cache.Runtime is not { } runtime)
                {
                    _caches.Remove(cache.Service);
                    health.Removed(cache.Service.Key);
                    continue;
                }

                var elapsed = time.GetElapsedTime(started);
                LogLoaded(logger, cache.Service.Key, runtime.Apis.Length, runtime.Keys.Count, elapsed.TotalMilliseconds);
                Loaded(cache);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                Failed(cache, e, ref failures);
            }
        }

        PublishChanges();
        health.StoreRead(time.GetUtcNow());
        await ReportPositionAsync(ct);
        if (failures is not null)
        {
            throw new AggregateException("The gateway configuration of some services could not be loaded; they serve their last good configuration.", failures);
        }
    }

    private void PublishChanges()
    {
        if (_unpublished)
        {
            state.Publish(_caches.Values.Select(c => c.Runtime).OfType<ServiceRuntime>(), conflict => LogHostConflict(logger, conflict.Host, conflict.Kept, conflict.Ignored));
            _unpublished = false;
        }
    }

    /// <summary>Marks every service for a full load from the journal's current position.</summary>
    private async Task StartOverAsync(CancellationToken ct)
    {
        // The position before the rows: what commits during the loads is applied again afterwards, which changes nothing.
        var position = await journal.LastSequenceAsync(ct);
        var services = await store.GetEpochsAsync(ct);
        foreach (var gone in _caches.Keys.Where(s => !services.ContainsKey(s)).ToList())
        {
            _caches.Remove(gone);
            health.Removed(gone.Key);
        }

        foreach (var service in services.Keys)
        {
            Cache(service).Invalidate();
        }

        _position = position;
        _unpublished = true;
    }

    /// <summary>Applies the journal after the current position, batch by batch, to the services it names.</summary>
    private async Task TailAsync(CancellationToken ct)
    {
        while (true)
        {
            var position = _position!.Value;
            var tail = await journal.ReadAsync(null, position, options.JournalBatchSize, ct);
            if (tail.TrimmedThrough > position)
            {
                // Paused or cut off for longer than the journal keeps records: what was missed is unknown, so load everything.
                LogFellBehind(logger, position, tail.TrimmedThrough);
                await StartOverAsync(ct);
                return;
            }

            foreach (var group in tail.Entries.Where(e => e.ServiceId is not null).GroupBy(e => ServiceRef.FromId(e.ServiceId!)))
            {
                var cache = Cache(group.Key);
                if (cache.NeedsLoad)
                {
                    continue;
                }

                try
                {
                    if (await ApplyAsync(cache, [.. group], ct))
                    {
                        _unpublished = true;
                        Loaded(cache);
                        var now = time.GetUtcNow();
                        foreach (var entry in group)
                        {
                            metrics.Applied(group.Key.Name, now - entry.At);
                        }
                    }
                    else
                    {
                        cache.Invalidate();
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    // Loaded whole below (and retried on every refresh until that succeeds); meanwhile its last good runtime serves.
                    cache.Invalidate();
                    LogApplyFailed(logger, e, group.Key.Key);
                }
            }

            if (tail.Entries.Count > 0)
            {
                _position = tail.Entries[^1].Sequence;
            }

            if (tail.Entries.Count < options.JournalBatchSize)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Applies one service's records. After a restore committed by this process the runtime is built from the rows the
    /// restore staged (and the records after it applied on top) instead of reading the whole service; false: load it whole.
    /// </summary>
    private async Task<bool> ApplyAsync(ServiceCache cache, List<JournalEntry> entries, CancellationToken ct)
    {
        var restore = entries.FindLastIndex(e => e.Operation == ChangeOperation.Restore);
        if (restore >= 0 && entries[restore].Version is { } version && await staging.TakeAsync(cache.Service, version, StageWait, ct) is { } staged)
        {
            var started = time.GetTimestamp();
            await cache.LoadAsync(store, staged, ct);
            if (cache.Runtime is not { } runtime)
            {
                return false;
            }

            StagedLoads++;
            var elapsed = time.GetElapsedTime(started);
            LogLoadedFromRestore(logger, cache.Service.Key, runtime.Apis.Length, runtime.Keys.Count, elapsed.TotalMilliseconds);
            entries = entries[(restore + 1)..];
        }

        return await cache.ApplyAsync(store, entries, ct);
    }

    private ServiceCache Cache(ServiceRef service)
    {
        if (!_caches.TryGetValue(service, out var cache))
        {
            _caches[service] = cache = new ServiceCache(service, deployment);
        }

        return cache;
    }

    private void Loaded(ServiceCache cache)
    {
        health.Loaded(cache.Service.Key, cache.UnreadableRows);
        if (cache.UnreadableRows > 0)
        {
            LogUnreadableRows(logger, cache.Service.Key, cache.UnreadableRows);
        }
    }

    private void Failed(ServiceCache cache, Exception e, ref List<Exception>? failures)
    {
        health.Failed(cache.Service.Key, e.Message, time.GetUtcNow());
        LogServiceFailed(logger, e, cache.Service.Key);
        (failures ??= []).Add(e);
    }

    /// <summary>Tells compaction how far this gateway has read (every few seconds), so it keeps what the gateway still needs.</summary>
    private async Task ReportPositionAsync(CancellationToken ct)
    {
        var now = time.GetTimestamp();
        if (_position is not { } position || (_reportedAt is { } at && time.GetElapsedTime(at, now) < ReportEvery))
        {
            return;
        }

        try
        {
            await journal.ReportPositionAsync(_reader, position, ct);
            _reportedAt = now;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogReportFailed(logger, e);
        }
    }

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway loaded {Service}: {Apis} APIs, {Keys} keys in {Milliseconds:F0} ms")]
    private static partial void LogLoaded(ILogger logger, string service, int apis, int keys, double milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway loaded {Service} from the rows its restore wrote: {Apis} APIs, {Keys} keys in {Milliseconds:F0} ms")]
    private static partial void LogLoadedFromRestore(ILogger logger, string service, int apis, int keys, double milliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refreshing the gateway configuration failed; serving the previous one and retrying")]
    private static partial void LogRefreshFailed(ILogger logger, Exception e);

    [LoggerMessage(Level = LogLevel.Error, Message = "Loading the gateway configuration of {Service} failed; it serves its last good configuration until a retry succeeds")]
    private static partial void LogServiceFailed(ILogger logger, Exception e, string service);

    [LoggerMessage(Level = LogLevel.Error, Message = "Applying journal records to the gateway configuration of {Service} failed; it is loaded whole instead")]
    private static partial void LogApplyFailed(ILogger logger, Exception e, string service);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The gateway read the journal up to {Position} but records up to {Trimmed} were compacted away; loading every service again")]
    private static partial void LogFellBehind(ILogger logger, long position, long trimmed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reporting the gateway's journal position failed; compaction may drop records this node still needs (it then reloads)")]
    private static partial void LogReportFailed(ILogger logger, Exception e);

    [LoggerMessage(Level = LogLevel.Error, Message = "Gateway configuration of {Service}: {Rows} stored rows cannot be read and are left out (a subscription among them answers 401)")]
    private static partial void LogUnreadableRows(ILogger logger, string service, int rows);

    [LoggerMessage(Level = LogLevel.Error, Message = "Host name {Host} is claimed by {Kept} and {Ignored}; it is served by {Kept}")]
    private static partial void LogHostConflict(ILogger logger, string host, string kept, string ignored);
}
