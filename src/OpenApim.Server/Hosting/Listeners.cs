using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace OpenApim.Server.Hosting;

/// <summary>The Kestrel listeners; their ports are known once the server has bound them (port 0 = any free port).</summary>
internal sealed class Listeners
{
    public ListenOptions? Management { get; set; }

    public ListenOptions? Gateway { get; set; }

    public ListenOptions? GatewayHttps { get; set; }

    public int ManagementPort => Management?.IPEndPoint?.Port ?? 0;

    public int GatewayPort => Gateway?.IPEndPoint?.Port ?? 0;

    public int? GatewayHttpsPort => GatewayHttps?.IPEndPoint?.Port;

    /// <summary>Where this process reaches its own management API: the bound address, or loopback when it listens on every address.</summary>
    public Uri LoopbackManagementUrl(string listenAddress)
    {
        var address = System.Net.IPAddress.Parse(listenAddress);
        if (address.Equals(System.Net.IPAddress.Any))
        {
            address = System.Net.IPAddress.Loopback;
        }
        else if (address.Equals(System.Net.IPAddress.IPv6Any))
        {
            address = System.Net.IPAddress.IPv6Loopback;
        }

        return new Uri($"https://{UrlHost(address.ToString())}:{ManagementPort}/");
    }

    /// <summary>A host as it stands in a URL: an IPv6 address in brackets.</summary>
    public static string UrlHost(string host) => host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;

    /// <summary>True when a connection arrived on a gateway listener.</summary>
    public bool IsGateway(int localPort) => localPort != 0 && (localPort == GatewayPort || localPort == GatewayHttpsPort);
}
