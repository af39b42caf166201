using OpenApim.Identity.Federation;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using OpenApim.Identity.Access;
using OpenApim.Identity.Applications;
using OpenApim.Identity.Authentication;
using OpenApim.Identity.Clients;
using OpenApim.Identity.SignIn;
using OpenApim.Identity.Tokens;
using OpenApim.Identity.Users;

namespace OpenApim.Identity.Hosting;

/// <summary>
/// Identity as the server composes it: the embedded issuer and its token endpoints, bearer-token
/// authentication (tokens of the embedded issuer or of a configured external one, chosen by the token's
/// <c>iss</c>; failures answer 401 with the ARM error body and a <c>WWW-Authenticate</c> header saying
/// what was wrong), role-based authorisation of every request against the ARM action it performs, and
/// Identity's own management surface (app registrations, role assignments, signing keys).
/// </summary>
public static class IdentityModule
{
    public const string Policy = "arm";
    private const string Scheme = "arm-bearer";

    public static IServiceCollection AddEmbeddedIdentity(this IServiceCollection services, IdentityOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(new SigningKeys(options.DataDirectory));
        services.AddSingleton(BootstrapCredential.Load(options));
        services.AddSingleton(BootstrapUser.Load(options));
        services.AddSingleton<UserDirectory>();
        services.AddSingleton<AuthorizationCodes>();
        services.AddSingleton<ITokenGrant, AuthorizationCodeGrant>();
        // Named like the console's other cookies, which the gateway never forwards to a backend (cookies ignore ports).
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = OpenApim.Http.ServerCookieNames.Antiforgery;
            o.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.Always;
            o.Cookie.SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Strict;
        });
        services.AddSingleton<IssuerUrls>();
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<ApplicationDirectory>();
        services.AddSingleton<IClientDirectory>(sp => sp.GetRequiredService<ApplicationDirectory>());
        services.AddSingleton<ClientLockout>();
        services.AddSingleton<RoleAssignments>();
        services.AddSingleton<IArmAccess>(sp => sp.GetRequiredService<RoleAssignments>());
        services.AddSingleton(sp => new FederatedSignIn(options, sp.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>(),
            sp.GetRequiredService<RoleAssignments>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<FederatedSignIn>>()));
        services.AddHostedService<BootstrapAdministrator>();

        var authentication = services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Bearer tokens of the embedded or a trusted issuer", o => o.ForwardDefaultSelector = ExternalIssuers.SchemeFor(options.TrustedIssuers))
            .AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IssuerUrls, SigningKeys>((jwt, urls, keys) =>
        {
            jwt.MapInboundClaims = false;
            jwt.RequireHttpsMetadata = false;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuer = true,
                IssuerValidator = (issuer, _, _) => urls.IsValidIssuer(issuer)
                    ? issuer
                    : throw new SecurityTokenInvalidIssuerException($"The issuer '{issuer}' is not trusted; expected '{urls.Issuer(urls.BaseUrls[0])}' or a configured trusted issuer."),
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
            jwt.Events = TokenFailures.Events(urls, tenantRestriction: null);
        });
        ExternalIssuers.Add(authentication, services, options.TrustedIssuers);

        services.AddSingleton<IAuthorizationHandler, ArmAccessHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ArmAccessDeniedHandler>();
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p
            .AddAuthenticationSchemes(Scheme)
            .RequireAuthenticatedUser()
            .AddRequirements(new ArmActionRequirement()));
        return services;
    }

    /// <summary>Before routing: Microsoft.Authorization requests at any scope are routed to one set of endpoints (<see cref="ScopedProviders"/>).</summary>
    public static IApplicationBuilder UseArmScopes(this IApplicationBuilder app) => app.UseScopedProviders();

    /// <summary>Maps the token endpoints (anonymous) and Identity's ARM endpoints (guarded by <see cref="Policy"/>).</summary>
    public static void MapIdentity(this IEndpointRouteBuilder app)
    {
        app.MapTokenEndpoints();
        app.MapAuthorizeEndpoints();
        var root = app.MapGroup("").RequireAuthorization(Policy);
        RoleAssignmentEndpoints.Map(root);
        ApplicationEndpoints.Map(root);
        UserEndpoints.Map(root);
    }
}
