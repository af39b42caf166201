namespace OpenApim.Gateway.Configuration;

internal sealed record ServiceRecord(IReadOnlyList<string> ProxyHosts) : GatewayRecord;
