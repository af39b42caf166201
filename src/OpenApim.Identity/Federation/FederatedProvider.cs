namespace OpenApim.Identity.Federation;

/// <summary>A trusted issuer people may sign in through, by its position in the settings and the name its button shows.</summary>
public sealed record FederatedProvider(int Index, string DisplayName)
{
    internal TrustedIssuer Issuer { get; init; } = null!;

    internal InteractiveSignIn SignIn => Issuer.SignIn!;
}
