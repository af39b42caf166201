using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OpenApim.Identity.Tokens;

namespace OpenApim.Identity.SignIn;

/// <summary>
/// The authorization-code grant with PKCE at the token endpoint, for the console's public client: the code is spent
/// whether or not the rest is right, and a delegated token for the signed-in user is issued.
/// </summary>
internal sealed class AuthorizationCodeGrant(AuthorizationCodes codes, TokenIssuer issuer, TimeProvider time, ILogger<AuthorizationCodeGrant> logger) : ITokenGrant
{
    public string GrantType => "authorization_code";

    public IResult Redeem(HttpContext context, IFormCollection form)
    {
        if (!string.Equals(form["client_id"].ToString(), ConsoleClient.ClientId, StringComparison.OrdinalIgnoreCase))
        {
            return Results.Json(TokenEndpoints.OAuthError(time, "invalid_client", $"AADSTS700016: The authorization-code grant is for the OpenApim console (client id {ConsoleClient.ClientId})."), statusCode: 400);
        }

        var verifier = form["code_verifier"].ToString();
        if (verifier.Length is < 43 or > 128)
        {
            return Results.Json(TokenEndpoints.OAuthError(time, "invalid_request", "AADSTS501481: The 'code_verifier' is missing or not 43 to 128 characters."), statusCode: 400);
        }

        var grant = codes.Redeem(form["code"].ToString(), form["redirect_uri"].ToString(), verifier);
        if (grant is null)
        {
            return Results.Json(TokenEndpoints.OAuthError(time, "invalid_grant", "AADSTS70008: The authorization code is invalid, expired or already redeemed, or the redirect URI or code verifier does not match it."), statusCode: 400);
        }

        var token = issuer.IssueForUser(grant.User, ConsoleClient.ClientId, grant.IssuerBase, grant.IssuerBase);
        TokenEndpoints.LogIssued(logger, "user:" + grant.User.UserName, grant.IssuerBase);
        return TokenEndpoints.TokenResponse(context, issuer, token, scope: grant.IssuerBase + "/user_impersonation");
    }
}
