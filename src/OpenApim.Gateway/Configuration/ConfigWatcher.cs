using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenApim.Resources.Hosting;
using OpenApim.Resources.Store;

namespace OpenApim.Gateway.Configuration;

/// <summary>
/// Keeps the gateway's configuration in step with the store. It polls every service's epoch (one small
/// query, so every node of a PostgreSQL deployment notices changes made through any node), reads only
/// the rows that changed since the service was last loaded, rebuilds that service's runtime off the
/// request path and swaps it in.
/// </summary>
internal sealed partial class ConfigWatcher(IResourceStore store, GatewayState state, Deployment deployment, GatewayOptions options, ILogger<ConfigWatcher> logger) : BackgroundService
{
    private readonly Dictionary<string, ServiceCache> _caches = new(StringComparer.Ordinal);
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
                await Task.Delay(options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Reloads every service whose epoch moved; publishes when anything changed.</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        var epochs = await store.GetEpochsAsync(ct);
        var changed = false;
        foreach (var (key, epoch) in epochs)
        {
            if (_caches.TryGetValue(key, out var cache) && cache.Epoch == epoch)
            {
                continue;
            }

            cache ??= _caches[key] = new ServiceCache();
            var started = DateTime.UtcNow;
            var rebuilt = await cache.RefreshAsync(store, key, epoch, deployment, ct);
            changed |= rebuilt;
            if (rebuilt)
            {
                LogLoaded(logger, key, cache.Runtime?.Apis.Length ?? 0, cache.Runtime?.Keys.Count ?? 0, (DateTime.UtcNow - started).TotalMilliseconds);
            }
        }

        foreach (var gone in _caches.Keys.Except(epochs.Keys).ToList())
        {
            _caches.Remove(gone);
            changed = true;
        }

        if (changed)
        {
            state.Publish(_caches.Values.Select(c => c.Runtime).OfType<ServiceRuntime>());
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway loaded {Service}: {Apis} APIs, {Keys} keys in {Milliseconds:F0} ms")]
    private static partial void LogLoaded(ILogger logger, string service, int apis, int keys, double milliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refreshing the gateway configuration failed; serving the previous one")]
    private static partial void LogRefreshFailed(ILogger logger, Exception e);

    /// <summary>One service's rows as compact records, refreshed by version.</summary>
    private sealed class ServiceCache
    {
        private readonly Dictionary<string, (long Version, GatewayRecord Record)> _rows = new(StringComparer.Ordinal);
        private long _maxVersion;

        public long Epoch { get; private set; } = -1;

        public ServiceRuntime? Runtime { get; private set; }

        public async Task<bool> RefreshAsync(IResourceStore store, string key, long epoch, Deployment deployment, CancellationToken ct)
        {
            var versions = await store.ReadVersionsAsync(key, GatewayRecord.Kinds, ct);
            var changed = false;
            foreach (var path in _rows.Keys.Where(p => !versions.ContainsKey(p)).ToList())
            {
                _rows.Remove(path);
                changed = true;
            }

            await foreach (var (row, version) in store.ReadChangedAsync(key, GatewayRecord.Kinds, _maxVersion, ct))
            {
                if (GatewayRecord.From(row.Kind, row.RelativeId, row.Body) is { } record)
                {
                    _rows[row.Path] = (version, record);
                }

                _maxVersion = Math.Max(_maxVersion, version);
                changed = true;
            }

            Epoch = epoch;
            if (!_rows.ContainsKey(""))
            {
                // The service itself is gone (or not created yet).
                changed = Runtime is not null;
                Runtime = null;
                return changed;
            }

            if (changed || Runtime is null)
            {
                Runtime = RuntimeBuilder.Build(key, key[(key.LastIndexOf('/') + 1)..], _rows.Values.Select(v => v.Record), deployment);
                return true;
            }

            return false;
        }
    }
}
