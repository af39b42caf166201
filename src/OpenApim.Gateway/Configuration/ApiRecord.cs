namespace OpenApim.Gateway.Configuration;

internal sealed record ApiRecord(string Name, string Path, string? ServiceUrl, bool SubscriptionRequired, string KeyHeader, string KeyQuery, string? VersionSet, string? ApiVersion, bool IsCurrent, string Revision) : GatewayRecord;
