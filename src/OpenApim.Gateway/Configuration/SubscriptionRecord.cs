namespace OpenApim.Gateway.Configuration;

internal sealed record SubscriptionRecord(string Name, string Scope, string? Owner, string State, string? PrimaryKey, string? SecondaryKey, DateTimeOffset? ExpiresAt) : GatewayRecord;
