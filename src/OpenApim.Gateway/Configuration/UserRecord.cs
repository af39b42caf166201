namespace OpenApim.Gateway.Configuration;

internal sealed record UserRecord(string Name, string State) : GatewayRecord;
