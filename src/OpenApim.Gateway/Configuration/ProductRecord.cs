namespace OpenApim.Gateway.Configuration;

internal sealed record ProductRecord(string Name, string State, bool SubscriptionRequired) : GatewayRecord;
