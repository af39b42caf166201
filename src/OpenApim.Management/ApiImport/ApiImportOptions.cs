namespace OpenApim.Management.ApiImport;

/// <summary>
/// Whether and where an import may fetch a specification by link (<c>openapi-link</c> and the like). Off unless hosts are
/// listed: the management plane fetching URLs a caller names is a server-side request forgery risk.
/// </summary>
public sealed record ApiImportOptions
{
    /// <summary>Host names links may point at; <c>*.example.com</c> allows the subdomains of example.com. Empty: links are refused.</summary>
    public IReadOnlyList<string> LinkHosts { get; init; } = [];

    /// <summary>Largest specification accepted, inline or fetched.</summary>
    public int MaxSpecificationBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>How long a fetch may take, redirects included.</summary>
    public TimeSpan LinkTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public bool Allows(Uri uri) => LinkHosts.Any(pattern => pattern.StartsWith("*.", StringComparison.Ordinal)
        ? uri.Host.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase)
        : uri.Host.Equals(pattern, StringComparison.OrdinalIgnoreCase));
}
