namespace OpenApim.Gateway.Configuration;

internal sealed record BackendRecord(string Name, string Url, IReadOnlyDictionary<string, string[]> Headers, IReadOnlyDictionary<string, string[]> Query, string? Authorization) : GatewayRecord;
