namespace OpenApim.Gateway.Runtime;

/// <summary>A subscription key: what it grants (its scope), whose it is, and until when.</summary>
internal sealed record SubscriptionRuntime(string Name, string State, string ScopeKind, string? ScopeTarget, string? UserId, string Key, DateTimeOffset? ExpiresAt);
