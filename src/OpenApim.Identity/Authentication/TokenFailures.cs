using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;
using OpenApim.Identity.Tokens;
using OpenApim.Resources.Arm;

namespace OpenApim.Identity.Authentication;

/// <summary>Turns token validation failures into ARM 401 answers with a clear reason.</summary>
internal static class TokenFailures
{
    public static JwtBearerEvents Events(IssuerUrls urls, string? tenantRestriction) => new()
    {
        OnTokenValidated = context =>
        {
            var tenant = context.Principal?.FindFirst("tid")?.Value;
            if (!ExternalIssuers.TenantAllowed(tenant, tenantRestriction))
            {
                context.Fail(new TokenRejectedException($"the token's tenant '{tenant ?? "(none)"}' is not allowed; this issuer is trusted for tenant '{tenantRestriction}' only."));
            }

            return Task.CompletedTask;
        },
        OnChallenge = async context =>
        {
            context.HandleResponse();
            var failure = context.AuthenticateFailure is { } e ? Describe(e) : null;
            var error = failure is null ? ArmErrors.MissingToken() : ArmErrors.InvalidToken(failure);
            var description = (failure ?? "The 'Authorization' header is missing.").Replace("\"", "'", StringComparison.Ordinal);
            var authority = $"{urls.BaseUrls[0]}/{urls.TenantId}";
            context.Response.Headers.WWWAuthenticate = $"Bearer authorization_uri=\"{authority}\", error=\"invalid_token\", error_description=\"{description}\"";
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(
                JsonSerializer.Serialize(new { error = new { code = error.Code, message = error.Message, details = Array.Empty<object>() } }),
                context.HttpContext.RequestAborted);
        },
    };

    /// <summary>A clear reason for each way a token can be wrong.</summary>
    internal static string Describe(Exception e) => e switch
    {
        TokenRejectedException x => x.Message,
        SecurityTokenExpiredException x => $"the token expired at {x.Expires:O}.",
        SecurityTokenNotYetValidException x => $"the token is not valid before {x.NotBefore:O}.",
        SecurityTokenInvalidAudienceException x => $"the audience '{x.InvalidAudience}' is not accepted (this server's URL or Azure Resource Manager for its own tokens, the configured audience for a trusted issuer's).",
        SecurityTokenInvalidIssuerException x => x.Message,
        SecurityTokenSignatureKeyNotFoundException => "the token is signed with a key this issuer does not know (unknown kid).",
        SecurityTokenInvalidAlgorithmException => "the token's signing algorithm is not accepted (RS256 for this issuer's tokens).",
        SecurityTokenInvalidSignatureException when e.Message.Contains("IDX10504", StringComparison.Ordinal) => "the token is not signed.",
        SecurityTokenInvalidSignatureException => "the token signature is invalid.",
        SecurityTokenNoExpirationException => "the token has no expiry.",
        SecurityTokenMalformedException or ArgumentException => "the token is not a well-formed JWT.",
        InvalidOperationException when e.Message.Contains("IDX20803", StringComparison.Ordinal) => "the issuer's discovery document could not be read.",
        _ => "the token could not be validated.",
    };
}
