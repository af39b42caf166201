namespace OpenApim.Gateway.Runtime;

/// <summary>A backend entity: its URL and the credentials the gateway adds.</summary>
internal sealed record BackendRuntime(string Name, string Url, IReadOnlyDictionary<string, string[]> Headers, IReadOnlyDictionary<string, string[]> Query, string? Authorization);
