namespace OpenApim.Identity;

/// <summary>
/// People of a trusted issuer may sign in to the console: the console is registered at the issuer as a web application
/// whose redirect URI is <c>{consoleUrl}/signin/external-callback</c>, and asks it for an access token the management
/// API accepts (the issuer's <see cref="TrustedIssuer.Audience"/>), which it then uses exactly as any client would.
/// </summary>
/// <param name="ClientId">The console's client id at the issuer.</param>
/// <param name="ClientSecret">Its secret when the issuer registered it as a confidential client (sent with HTTP Basic); none for a public client, which PKCE protects alone.</param>
/// <param name="DisplayName">The button's label: "Sign in with {DisplayName}" (the issuer's host by default).</param>
/// <param name="Scope">The scopes to ask for; <c>openid profile {audience}/.default</c> by default (Entra's form). <c>openid</c> is always added.</param>
/// <param name="Resource">An RFC 8707 resource indicator to send with the request, for issuers that pick the access token's audience by it (Keycloak, node-oidc-provider).</param>
public sealed record InteractiveSignIn(string ClientId, string? ClientSecret = null, string? DisplayName = null, string? Scope = null, string? Resource = null)
{
    /// <summary>Never prints the secret (settings end up in logs and exceptions).</summary>
    public override string ToString() =>
        $"InteractiveSignIn {{ ClientId = {ClientId}, ClientSecret = {(ClientSecret is null ? "(none)" : "(set)")}, DisplayName = {DisplayName}, Scope = {Scope}, Resource = {Resource} }}";
}
