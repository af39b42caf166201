using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OpenApim.Gateway.Configuration;

/// <summary>
/// What the last refreshes of the gateway configuration achieved, as a health check: Unhealthy while the store
/// cannot be read or a service's configuration cannot be loaded (the gateway serves a configuration that may
/// miss revocations), Degraded while stored rows are left out because they cannot be read (their keys are refused).
/// </summary>
internal sealed class GatewayHealth : IHealthCheck
{
    private readonly ConcurrentDictionary<string, ServiceState> _services = new(StringComparer.Ordinal);
    private volatile string? _storeError;

    public void StoreUnreadable(string error, DateTimeOffset at) => _storeError = $"{at:O}: {error}";

    public void StoreRead(DateTimeOffset at) => _storeError = null;

    public void Loaded(string service, int unreadableRows) => _services[service] = new ServiceState(null, unreadableRows);

    public void Failed(string service, string error, DateTimeOffset at) =>
        _services.AddOrUpdate(service, _ => new ServiceState($"{at:O}: {error}", 0), (_, s) => s with { Error = $"{at:O}: {error}" });

    public void Removed(string service) => _services.TryRemove(service, out _);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failed = _services.Count(s => s.Value.Error is not null);
        var unreadable = _services.Sum(s => s.Value.UnreadableRows);
        var data = new Dictionary<string, object> { ["servicesFailing"] = failed, ["unreadableRows"] = unreadable };
        if (_storeError is { } storeError)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"The store cannot be read: {storeError}", data: data));
        }

        if (failed > 0)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"The configuration of {failed} service(s) cannot be loaded; they serve their last good configuration (see the log).", data: data));
        }

        return Task.FromResult(unreadable > 0
            ? HealthCheckResult.Degraded($"{unreadable} stored row(s) cannot be read and are left out of the gateway (see the log).", data: data)
            : HealthCheckResult.Healthy("Every service's configuration is loaded.", data));
    }

    private sealed record ServiceState(string? Error, int UnreadableRows);
}
