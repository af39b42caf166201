using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenApim.Identity.Clients;
using OpenApim.Identity.Users;

namespace OpenApim.Identity.Tokens;

/// <summary>Issues RS256 access tokens shaped like Entra ID v2 app-only tokens.</summary>
internal sealed class TokenIssuer(SigningKeys keys, IssuerUrls urls, IdentityOptions options, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public TimeSpan Lifetime => options.TokenLifetime;

    /// <summary>A delegated token for a signed-in user, shaped like Entra's v2 user tokens (the console is the authorized party).</summary>
    public string IssueForUser(UserAccount user, string clientId, string audience, string issuerBase) => Create(audience, issuerBase, new Dictionary<string, object>
    {
        ["tid"] = urls.TenantId,
        ["oid"] = user.ObjectId,
        ["sub"] = user.ObjectId,
        ["azp"] = clientId,
        ["azpacr"] = "0",
        ["idtyp"] = "user",
        ["ver"] = "2.0",
        ["name"] = user.DisplayName,
        ["preferred_username"] = user.UserName,
        ["scp"] = "user_impersonation",
        ["uti"] = Base64UrlEncoder.Encode(Guid.NewGuid().ToByteArray()),
    });

    public string Issue(AppPrincipal client, string audience, string issuerBase, IReadOnlyList<string>? roles = null)
    {
        var claims = new Dictionary<string, object>
        {
            ["tid"] = urls.TenantId,
            ["oid"] = client.ObjectId,
            ["sub"] = client.ObjectId,
            ["appid"] = client.ClientId,
            ["azp"] = client.ClientId,
            ["azpacr"] = "1",
            ["idtyp"] = "app",
            ["ver"] = "2.0",
            ["app_displayname"] = client.DisplayName,
            ["uti"] = Base64UrlEncoder.Encode(Guid.NewGuid().ToByteArray()),
        };
        if (roles is { Count: > 0 })
        {
            claims["roles"] = roles.ToArray();
        }

        return Create(audience, issuerBase, claims);
    }

    private string Create(string audience, string issuerBase, Dictionary<string, object> claims)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = urls.Issuer(issuerBase),
            Audience = audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + options.TokenLifetime,
            Claims = claims,
            Subject = new ClaimsIdentity(),
            SigningCredentials = new SigningCredentials(keys.Current, SecurityAlgorithms.RsaSha256),
        });
    }
}
