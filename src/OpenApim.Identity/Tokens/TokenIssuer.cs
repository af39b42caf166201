using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenApim.Identity.Clients;

namespace OpenApim.Identity.Tokens;

/// <summary>Issues RS256 access tokens shaped like Entra ID v2 app-only tokens.</summary>
internal sealed class TokenIssuer(SigningKeys keys, IssuerUrls urls, IdentityOptions options, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public TimeSpan Lifetime => options.TokenLifetime;

    public string Issue(AppPrincipal client, string audience, string issuerBase, IReadOnlyList<string>? roles = null)
    {
        var now = time.GetUtcNow().UtcDateTime;
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
