using System.Collections.Frozen;

namespace OpenApim.Gateway.Runtime;

/// <summary>
/// The services the gateway serves, looked up by host. Replaced as a whole (one reference swap) when
/// a service changes, so a request sees either the old or the new configuration, never a mix.
/// </summary>
internal sealed class GatewayState
{
    private volatile FrozenDictionary<string, ServiceRuntime> _byHost = FrozenDictionary<string, ServiceRuntime>.Empty;

    public ServiceRuntime? FindByHost(string host) => _byHost.GetValueOrDefault(host);

    /// <summary>
    /// Publishes a new set of services (called by the single config watcher). Which service gets a contested host is
    /// decided by rule, not by load order: a service's default host wins over another's custom host, then the
    /// service whose key sorts first.
    /// </summary>
    public void Publish(IEnumerable<ServiceRuntime> services, Action<HostConflict>? conflict = null)
    {
        var ordered = services.OrderBy(s => s.Key, StringComparer.Ordinal).ToList();
        var byHost = new Dictionary<string, ServiceRuntime>(StringComparer.OrdinalIgnoreCase);
        foreach (var pass in new[] { true, false })
        {
            foreach (var service in ordered)
            {
                foreach (var host in pass ? service.Hosts.Take(1) : service.Hosts.Skip(1))
                {
                    if (!byHost.TryAdd(host, service) && byHost[host] != service)
                    {
                        conflict?.Invoke(new HostConflict(host, byHost[host].Key, service.Key));
                    }
                }
            }
        }

        _byHost = byHost.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }
}
