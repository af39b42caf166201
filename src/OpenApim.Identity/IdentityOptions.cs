namespace OpenApim.Identity;

/// <summary>Settings of the embedded issuer and of the issuers it trusts besides itself.</summary>
public sealed record IdentityOptions
{
    /// <summary>Folder for signing keys and the generated bootstrap credential.</summary>
    public required string DataDirectory { get; init; }

    public string? BootstrapClientId { get; init; }

    public string? BootstrapClientSecret { get; init; }

    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>External OpenID Connect issuers whose tokens the management API accepts.</summary>
    public IReadOnlyList<TrustedIssuer> TrustedIssuers { get; init; } = [];

    /// <summary>Failed client authentications allowed per client id and source address within <see cref="FailureWindow"/>.</summary>
    public int FailureLimit { get; init; } = 10;

    public TimeSpan FailureWindow { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// An external OpenID Connect issuer (Entra ID, Keycloak, another OpenApim, ...): its tokens are
/// validated with the keys of its discovery document.
/// </summary>
/// <param name="Authority">Issuer base URL; <c>{Authority}/.well-known/openid-configuration</c> is its discovery document.</param>
/// <param name="Audience">The audience its tokens must carry.</param>
/// <param name="TenantId">When set, only tokens whose <c>tid</c> claim equals it are accepted.</param>
/// <param name="Issuer">The <c>iss</c> value of its tokens, when it differs from <paramref name="Authority"/>.</param>
/// <param name="CaCertificate">A PEM file of the certificates to trust for its HTTPS endpoints, instead of the system store (a private CA).</param>
public sealed record TrustedIssuer(string Authority, string Audience, string? TenantId = null, string? Issuer = null, string? CaCertificate = null)
{
    /// <summary>The <c>iss</c> its tokens carry.</summary>
    public string ExpectedIssuer => (Issuer ?? Authority).TrimEnd('/');
}
