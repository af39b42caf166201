using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenApim.Identity.Tokens;

namespace OpenApim.Identity.Authentication;

/// <summary>
/// One JWT bearer scheme per trusted external issuer, validated through its discovery document, and
/// the selector that sends a token to the scheme of its <c>iss</c> (the embedded issuer's otherwise).
/// </summary>
internal static class ExternalIssuers
{
    public static string SchemeName(int index) => $"issuer-{index}";

    public static void Add(AuthenticationBuilder authentication, IServiceCollection services, IReadOnlyList<TrustedIssuer> issuers)
    {
        for (var i = 0; i < issuers.Count; i++)
        {
            var issuer = issuers[i];
            var name = SchemeName(i);
            authentication.AddJwtBearer(name);
            services.AddOptions<JwtBearerOptions>(name).Configure<IssuerUrls>((jwt, urls) =>
            {
                jwt.Authority = issuer.Authority;
                jwt.RequireHttpsMetadata = issuer.Authority.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
                jwt.MapInboundClaims = false;
                jwt.RefreshOnIssuerKeyNotFound = true;
                if (issuer.CaCertificate is { } caFile)
                {
                    jwt.BackchannelHttpHandler = TrustingHandler(caFile);
                }

                jwt.TokenValidationParameters = Signed([issuer.ExpectedIssuer, issuer.ExpectedIssuer + "/"], [issuer.Audience, issuer.Audience.TrimEnd('/')]);
                jwt.TokenValidationParameters.NameClaimType = "sub";
                jwt.Events = TokenFailures.Events(urls, issuer.TenantId);
            });
        }
    }

    /// <summary>How every token of an external issuer is validated: these issuers and audiences, signed with one of its keys (RS256, PS256 or ES256), in date with a minute's skew.</summary>
    internal static TokenValidationParameters Signed(IEnumerable<string> issuers, IEnumerable<string> audiences) => new()
    {
        ValidateIssuer = true,
        ValidIssuers = issuers,
        ValidateAudience = true,
        ValidAudiences = audiences,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        ClockSkew = TimeSpan.FromMinutes(1),
        RequireSignedTokens = true,
        ValidateIssuerSigningKey = true,
        ValidAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.EcdsaSha256],
    };

    /// <summary>A token's tenant is allowed when the issuer has no restriction or the <c>tid</c> is the one it is trusted for.</summary>
    internal static bool TenantAllowed(string? tenant, string? restriction) =>
        restriction is null || string.Equals(tenant, restriction, StringComparison.OrdinalIgnoreCase);

    /// <summary>Picks the scheme for a request's bearer token by its (not yet validated) issuer.</summary>
    public static Func<HttpContext, string?> SchemeFor(IReadOnlyList<TrustedIssuer> issuers) => context =>
    {
        if (issuers.Count == 0)
        {
            return JwtBearerDefaults.AuthenticationScheme;
        }

        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return JwtBearerDefaults.AuthenticationScheme;
        }

        string? iss;
        try
        {
            iss = new JsonWebToken(header[7..].Trim()).Issuer?.TrimEnd('/');
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenException)
        {
            return JwtBearerDefaults.AuthenticationScheme;
        }

        for (var i = 0; i < issuers.Count; i++)
        {
            if (string.Equals(issuers[i].ExpectedIssuer, iss, StringComparison.OrdinalIgnoreCase))
            {
                return SchemeName(i);
            }
        }

        return JwtBearerDefaults.AuthenticationScheme;
    };

    /// <summary>An HTTP handler that trusts exactly the certificates in <paramref name="pemFile"/> (a private CA, or a self-signed issuer).</summary>
    private static SocketsHttpHandler TrustingHandler(string pemFile)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(pemFile);
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.AddRange(roots);
        return new SocketsHttpHandler { SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = policy } };
    }
}
