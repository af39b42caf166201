using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenApim.Gateway.Runtime;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Hosting;
using OpenApim.Resources.Store;

namespace OpenApim.Gateway.Configuration;

/// <summary>
/// Keeps the gateway's configuration in step with the store. It polls every service's epoch (one small
/// query, so every node of a PostgreSQL deployment notices changes made through any node), reads only
/// the rows that changed since the service was last loaded, rebuilds that service's runtime off the
/// request path and swaps it in. Refreshes are serialised. A service whose refresh fails keeps its
/// last good runtime, is retried on every poll (its epoch is only recorded once a refresh succeeded)
/// and is reported in <see cref="GatewayHealth"/> and the log, every time.
/// </summary>
internal sealed partial class ConfigWatcher(
    IResourceStore store, GatewayState state, GatewayHealth health, Deployment deployment, GatewayOptions options, TimeProvider time, ILogger<ConfigWatcher> logger) : BackgroundService
{
    private readonly Dictionary<ServiceRef, ServiceCache> _caches = [];
    private readonly SemaphoreSlim _gate = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
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
                await Task.Delay(options.PollInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Reloads every service whose epoch moved (or whose last refresh failed) and publishes when anything changed.
    /// Throws when the store could not be read or a service failed, after publishing what did load.
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
        IReadOnlyDictionary<ServiceRef, long> epochs;
        try
        {
            epochs = await store.GetEpochsAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            health.StoreUnreadable(e.Message, time.GetUtcNow());
            throw;
        }

        var changed = false;
        List<Exception>? failures = null;
        foreach (var (service, epoch) in epochs)
        {
            if (_caches.TryGetValue(service, out var cache) && cache.Epoch == epoch)
            {
                continue;
            }

            cache ??= _caches[service] = new ServiceCache();
            var started = time.GetTimestamp();
            try
            {
                var rebuilt = await cache.RefreshAsync(store, service, epoch, deployment, ct);
                changed |= rebuilt;
                health.Loaded(service.Key, cache.UnreadableRows);
                if (rebuilt)
                {
                    var elapsed = time.GetElapsedTime(started);
                    LogLoaded(logger, service.Key, cache.Runtime?.Apis.Length ?? 0, cache.Runtime?.Keys.Count ?? 0, elapsed.TotalMilliseconds);
                }

                if (cache.UnreadableRows > 0)
                {
                    LogUnreadableRows(logger, service.Key, cache.UnreadableRows);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                health.Failed(service.Key, e.Message, time.GetUtcNow());
                LogServiceFailed(logger, e, service.Key);
                (failures ??= []).Add(e);
            }
        }

        foreach (var gone in _caches.Keys.Except(epochs.Keys).ToList())
        {
            _caches.Remove(gone);
            health.Removed(gone.Key);
            changed = true;
        }

        if (changed)
        {
            state.Publish(_caches.Values.Select(c => c.Runtime).OfType<ServiceRuntime>(), conflict => LogHostConflict(logger, conflict.Host, conflict.Kept, conflict.Ignored));
        }

        health.StoreRead(time.GetUtcNow());
        if (failures is not null)
        {
            throw new AggregateException("The gateway configuration of some services could not be loaded; they serve their last good configuration.", failures);
        }
    }

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway loaded {Service}: {Apis} APIs, {Keys} keys in {Milliseconds:F0} ms")]
    private static partial void LogLoaded(ILogger logger, string service, int apis, int keys, double milliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refreshing the gateway configuration failed; serving the previous one and retrying")]
    private static partial void LogRefreshFailed(ILogger logger, Exception e);

    [LoggerMessage(Level = LogLevel.Error, Message = "Loading the gateway configuration of {Service} failed; it serves its last good configuration until a retry succeeds")]
    private static partial void LogServiceFailed(ILogger logger, Exception e, string service);

    [LoggerMessage(Level = LogLevel.Error, Message = "Gateway configuration of {Service}: {Rows} stored rows cannot be read and are left out (a subscription among them answers 401)")]
    private static partial void LogUnreadableRows(ILogger logger, string service, int rows);

    [LoggerMessage(Level = LogLevel.Error, Message = "Host name {Host} is claimed by {Kept} and {Ignored}; it is served by {Kept}")]
    private static partial void LogHostConflict(ILogger logger, string host, string kept, string ignored);
}
