namespace OpenApim.Identity.Federation;

/// <summary>What one sign-in sends the issuer and must find again in its answer: the callback, the state, the nonce and the PKCE verifier.</summary>
public sealed record FederatedRequest(string RedirectUri, string State, string Nonce, string CodeVerifier)
{
    /// <summary>Never prints the verifier, state or nonce (the verifier redeems a public client's code).</summary>
    public override string ToString() => $"FederatedRequest {{ RedirectUri = {RedirectUri} }}";
}
