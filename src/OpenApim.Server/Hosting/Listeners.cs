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

    /// <summary>True when a connection arrived on a gateway listener.</summary>
    public bool IsGateway(int localPort) => localPort != 0 && (localPort == GatewayPort || localPort == GatewayHttpsPort);
}
