using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using OpenApim.Identity.Users;

namespace OpenApim.Identity.SignIn;

/// <summary>What a sign-in granted, until the client redeems it at the token endpoint.</summary>
/// <remarks>The token's audience and issuer are both the server URL the user signed in at.</remarks>
internal sealed record AuthorizationGrant(string RedirectUri, string CodeChallenge, UserAccount User, string IssuerBase, DateTimeOffset ExpiresAt);

/// <summary>
/// One-time authorization codes (RFC 6749 4.1 with PKCE, RFC 7636 S256): 256 random bits each, valid for a minute,
/// kept in memory by their hash and removed when redeemed, so a code works once, on the node that issued it.
/// </summary>
internal sealed class AuthorizationCodes(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, AuthorizationGrant> _grants = new(StringComparer.Ordinal);

    public string Issue(string redirectUri, string codeChallenge, UserAccount user, string issuerBase)
    {
        var now = time.GetUtcNow();
        foreach (var (key, grant) in _grants)
        {
            if (grant.ExpiresAt <= now)
            {
                _grants.TryRemove(key, out _);
            }
        }

        var code = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        _grants[Key(code)] = new AuthorizationGrant(redirectUri, codeChallenge, user, issuerBase, now + Lifetime);
        return code;
    }

    /// <summary>The grant when the code is live, the redirect URI is the one it was issued for and the verifier matches its challenge; the code is spent either way.</summary>
    public AuthorizationGrant? Redeem(string code, string redirectUri, string codeVerifier)
    {
        if (code.Length > 256 || !_grants.TryRemove(Key(code), out var grant) || grant.ExpiresAt <= time.GetUtcNow())
        {
            return null;
        }

        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(codeVerifier)));
        return string.Equals(grant.RedirectUri, redirectUri, StringComparison.Ordinal)
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(challenge), Encoding.ASCII.GetBytes(grant.CodeChallenge))
            ? grant
            : null;
    }

    private static string Key(string code) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(code)));
}
