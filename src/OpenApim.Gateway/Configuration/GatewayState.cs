using System.Collections.Frozen;

namespace OpenApim.Gateway.Configuration;

/// <summary>
/// The services the gateway serves, looked up by host. Replaced as a whole (one reference swap) when
/// a service changes, so a request sees either the old or the new configuration, never a mix.
/// </summary>
internal sealed class GatewayState
{
    private volatile FrozenDictionary<string, ServiceRuntime> _byHost = FrozenDictionary<string, ServiceRuntime>.Empty;
    public ServiceRuntime? FindByHost(string host) => _byHost.GetValueOrDefault(host);

    /// <summary>Publishes a new set of services (called by the single config watcher).</summary>
    public void Publish(IEnumerable<ServiceRuntime> services)
    {
        var byHost = new Dictionary<string, ServiceRuntime>(StringComparer.OrdinalIgnoreCase);
        foreach (var service in services)
        {
            foreach (var host in service.Hosts)
            {
                byHost.TryAdd(host, service);
            }
        }

        _byHost = byHost.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }
}
