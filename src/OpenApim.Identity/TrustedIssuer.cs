namespace OpenApim.Identity;

/// <summary>
/// An external OpenID Connect issuer (Entra ID, Keycloak, another OpenApim, ...): its tokens are
/// validated with the keys of its discovery document.
/// </summary>
/// <param name="Authority">Issuer base URL; <c>{Authority}/.well-known/openid-configuration</c> is its discovery document.</param>
/// <param name="Audience">The audience its tokens must carry.</param>
/// <param name="TenantId">When set, only tokens whose <c>tid</c> claim equals it are accepted.</param>
/// <param name="Issuer">The <c>iss</c> value of its tokens, when it differs from <paramref name="Authority"/>.</param>
/// <param name="CaCertificate">A PEM file of the certificates to trust for its HTTPS endpoints, instead of the system store (a private CA).</param>
/// <param name="SignIn">When set, its people may sign in to the console through it (the company's IdP).</param>
public sealed record TrustedIssuer(string Authority, string Audience, string? TenantId = null, string? Issuer = null, string? CaCertificate = null, InteractiveSignIn? SignIn = null)
{
    /// <summary>The <c>iss</c> its tokens carry.</summary>
    public string ExpectedIssuer => (Issuer ?? Authority).TrimEnd('/');
}
