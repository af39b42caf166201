using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using OpenApim.Identity.Clients;
using OpenApim.Identity.Tokens;
using OpenApim.Resources.Arm;

namespace OpenApim.Identity.Authentication;

/// <summary>
/// Bearer-token authentication for the management API: RS256 tokens from this issuer, checked for
/// issuer, audience, lifetime and signature. Failures answer 401 with the ARM error body and a
/// <c>WWW-Authenticate</c> header that says what was wrong.
/// </summary>
public static class ArmAuthentication
{
    public const string Policy = "arm";
    private const string FailureItem = "openapim.auth-failure";

    public static IServiceCollection AddEmbeddedIdentity(this IServiceCollection services, IdentityOptions options)
    {
        var keys = new SigningKeys(options.DataDirectory);
        var bootstrap = BootstrapCredential.Load(options);
        services.AddSingleton(options);
        services.AddSingleton(keys);
        services.AddSingleton(bootstrap);
        services.AddSingleton<IssuerUrls>();
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<IClientDirectory, BootstrapClientDirectory>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IssuerUrls>((jwt, urls) =>
        {
            jwt.MapInboundClaims = false;
            jwt.RequireHttpsMetadata = false;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuer = true,
                IssuerValidator = (issuer, _, _) => urls.IsValidIssuer(issuer)
                    ? issuer
                    : throw new SecurityTokenInvalidIssuerException($"The issuer '{issuer}' is not trusted; expected '{urls.Issuer(urls.BaseUrls[0])}'."),
                ValidateAudience = true,
                AudienceValidator = (audiences, _, _) => audiences.Any(urls.IsValidAudience),
                ValidateLifetime = true,
                RequireExpirationTime = true,
                ClockSkew = TimeSpan.FromMinutes(1),
                RequireSignedTokens = true,
                ValidateIssuerSigningKey = true,
                ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
                IssuerSigningKeyResolver = (_, _, kid, _) => keys.All.Where(k => kid is null || k.KeyId == kid),
                NameClaimType = "appid",
            };
            jwt.Events = new JwtBearerEvents
            {
                OnAuthenticationFailed = context =>
                {
                    context.HttpContext.Items[FailureItem] = Describe(context.Exception);
                    return Task.CompletedTask;
                },
                OnChallenge = async context =>
                {
                    context.HandleResponse();
                    var failure = context.HttpContext.Items[FailureItem] as string;
                    var error = failure is null ? ArmErrors.MissingToken() : ArmErrors.InvalidToken(failure);
                    var description = (failure ?? "The 'Authorization' header is missing.").Replace("\"", "'", StringComparison.Ordinal);
                    var authority = $"{urls.BaseUrls[0]}/{urls.TenantId}";
                    context.Response.Headers.WWWAuthenticate = $"Bearer authorization_uri=\"{authority}\", error=\"invalid_token\", error_description=\"{description}\"";
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    context.Response.ContentType = "application/json; charset=utf-8";
                    await context.Response.WriteAsync(ErrorJson(error.Code, error.Message), context.HttpContext.RequestAborted);
                },
            };
        });

        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme).RequireAuthenticatedUser());
        return services;
    }

    /// <summary>A clear reason for each way a token can be wrong.</summary>
    private static string Describe(Exception e) => e switch
    {
        SecurityTokenExpiredException x => $"the token expired at {x.Expires:O}.",
        SecurityTokenNotYetValidException x => $"the token is not valid before {x.NotBefore:O}.",
        SecurityTokenInvalidAudienceException x => $"the audience '{x.InvalidAudience}' is not this server or Azure Resource Manager.",
        SecurityTokenInvalidIssuerException x => x.Message,
        SecurityTokenSignatureKeyNotFoundException => "the token is signed with a key this issuer does not know (unknown kid).",
        SecurityTokenInvalidAlgorithmException => "the token must be signed with RS256.",
        SecurityTokenInvalidSignatureException when e.Message.Contains("IDX10504", StringComparison.Ordinal) => "the token is not signed.",
        SecurityTokenInvalidSignatureException => "the token signature is invalid.",
        SecurityTokenNoExpirationException => "the token has no expiry.",
        SecurityTokenMalformedException or ArgumentException => "the token is not a well-formed JWT.",
        _ => "the token could not be validated.",
    };

    private static string ErrorJson(string code, string message) =>
        System.Text.Json.JsonSerializer.Serialize(new { error = new { code, message, details = Array.Empty<object>() } });
}
