namespace OpenApim.Gateway.Configuration;

internal sealed record ProductApiRecord(string Product, string Api) : GatewayRecord;
