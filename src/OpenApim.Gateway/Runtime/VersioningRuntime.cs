namespace OpenApim.Gateway.Runtime;

/// <summary>How an API selects its version when it belongs to a version set.</summary>
internal sealed record VersioningRuntime(string Scheme, string? Parameter);
