using System.Collections.Frozen;

namespace OpenApim.Gateway.Configuration;

/// <summary>
/// The services the gateway serves, looked up by host. Replaced as a whole (one reference swap) when
/// a service changes, so a request sees either the old or the new configuration, never a mix.
/// </summary>
internal sealed class GatewayState
{
    private volatile FrozenDictionary<string, ServiceRuntime> _byHost = FrozenDictionary<string, ServiceRuntime>.Empty;
    private volatile FrozenDictionary<string, ServiceRuntime> _byKey = FrozenDictionary<string, ServiceRuntime>.Empty;

    public IReadOnlyDictionary<string, ServiceRuntime> Services => _byKey;

    public ServiceRuntime? FindByHost(string host) => _byHost.GetValueOrDefault(host);

    /// <summary>Publishes a new set of services (called by the single config watcher).</summary>
    public void Publish(IEnumerable<ServiceRuntime> services)
    {
        var list = services.ToList();
        var byHost = new Dictionary<string, ServiceRuntime>(StringComparer.OrdinalIgnoreCase);
        foreach (var service in list)
        {
            foreach (var host in service.Hosts)
            {
                byHost.TryAdd(host, service);
            }
        }

        _byKey = list.ToFrozenDictionary(s => s.Key, StringComparer.Ordinal);
        _byHost = byHost.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }
}
