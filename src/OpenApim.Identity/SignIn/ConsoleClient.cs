namespace OpenApim.Identity.SignIn;

/// <summary>
/// The one public client that may use interactive sign-in: the operator console served by this server. It
/// authenticates with PKCE (no secret) and its redirect URI must be its callback on one of the server's own URLs.
/// </summary>
public static class ConsoleClient
{
    public const string ClientId = "5b1c7a40-7e4e-4a53-9c1e-0c0a0a5e0001";

    public const string CallbackPath = "/console/signin-callback";

    public const string SignedOutPath = "/console/signed-out";

    /// <summary>Where a sign-in through trusted issuer <c>n</c> starts: <c>{ExternalSignInPath}/{n}</c>.</summary>
    public const string ExternalSignInPath = "/console/signin/external";

    /// <summary>The console's redirect URI at trusted issuer <c>n</c> is <c>{ExternalCallbackPath}/{n}</c>: one per issuer, so an answer names the issuer it came back from.</summary>
    public const string ExternalCallbackPath = "/console/signin/external-callback";
}
