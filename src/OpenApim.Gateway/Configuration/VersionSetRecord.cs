namespace OpenApim.Gateway.Configuration;

internal sealed record VersionSetRecord(string Name, string Scheme, string? QueryName, string? HeaderName) : GatewayRecord;
