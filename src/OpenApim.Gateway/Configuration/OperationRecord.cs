namespace OpenApim.Gateway.Configuration;

internal sealed record OperationRecord(string Api, string Name, string Method, string UrlTemplate) : GatewayRecord;
