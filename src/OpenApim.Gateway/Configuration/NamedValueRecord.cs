namespace OpenApim.Gateway.Configuration;

internal sealed record NamedValueRecord(string DisplayName, string Value) : GatewayRecord;
