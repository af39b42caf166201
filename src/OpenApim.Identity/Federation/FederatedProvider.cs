namespace OpenApim.Identity.Federation;

/// <summary>A trusted issuer people may sign in through, by its position in the settings and the name its button shows.</summary>
public sealed class FederatedProvider
{
    internal FederatedProvider(int index, TrustedIssuer issuer)
    {
        Index = index;
        Issuer = issuer;
        DisplayName = issuer.SignIn!.DisplayName ?? new Uri(issuer.Authority).Host;
    }

    public int Index { get; }

    public string DisplayName { get; }

    internal TrustedIssuer Issuer { get; }

    internal InteractiveSignIn SignIn => Issuer.SignIn!;

    /// <summary>The bearer scheme that validates this issuer's tokens on every management call.</summary>
    internal string Scheme => Authentication.ExternalIssuers.SchemeName(Index);
}
