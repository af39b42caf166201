using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using OpenApim.Http;
using OpenApim.Identity.Clients;

namespace OpenApim.Identity.Tokens;

/// <summary>
/// The Microsoft identity platform v2 endpoints the Azure identity libraries call: discovery,
/// JWKS and the client-credentials token endpoint, under <c>/{tenantId}/</c>.
/// </summary>
internal static partial class TokenEndpoints
{
    private const int MaxFormBytes = 64 * 1024;

    private static readonly FormOptions FormLimits = new() { ValueCountLimit = 64, KeyLengthLimit = 256, ValueLengthLimit = 16 * 1024, BufferBody = false };

    public static void MapTokenEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/{tenant}/v2.0/.well-known/openid-configuration", (HttpContext c, string tenant, IssuerUrls urls, TimeProvider time) =>
            IsTenant(tenant, urls)
                ? Results.Json(OpenIdConfiguration(c, urls))
                : Results.Json(OAuthError(time, "invalid_tenant", $"AADSTS90002: Tenant '{tenant}' not found."), statusCode: 400));

        // The ADFS-style authority ({managementUrl}/adfs): the only kind of non-Microsoft authority the Azure CLI signs in to
        // (MSAL skips instance discovery for it). MSAL takes the tenant from the token endpoint's first segment.
        app.MapGet("/adfs/.well-known/openid-configuration", (HttpContext c, IssuerUrls urls) => Results.Json(OpenIdConfiguration(c, urls)));

        app.MapGet("/{tenant}/discovery/v2.0/keys", (string tenant, IssuerUrls urls, SigningKeys keys, TimeProvider time) =>
            IsTenant(tenant, urls) ? Results.Json(keys.Jwks()) : Results.Json(OAuthError(time, "invalid_tenant", $"AADSTS90002: Tenant '{tenant}' not found."), statusCode: 400));

        app.MapPost("/{tenant}/oauth2/v2.0/token", IssueAsync);
    }

    private static JsonObject OpenIdConfiguration(HttpContext c, IssuerUrls urls)
    {
        var issuerBase = urls.BaseFor(c.Request.Origin());
        var t = urls.TenantId;
        return new JsonObject
        {
            ["issuer"] = urls.Issuer(issuerBase),
            ["token_endpoint"] = $"{issuerBase}/{t}/oauth2/v2.0/token",
            ["authorization_endpoint"] = $"{issuerBase}/{t}/oauth2/v2.0/authorize",
            ["jwks_uri"] = $"{issuerBase}/{t}/discovery/v2.0/keys",
            ["end_session_endpoint"] = $"{issuerBase}/{t}/oauth2/v2.0/logout",
            ["token_endpoint_auth_methods_supported"] = new JsonArray("client_secret_post", "client_secret_basic"),
            ["grant_types_supported"] = new JsonArray("client_credentials", "authorization_code"),
            ["response_types_supported"] = new JsonArray("code", "token"),
            ["code_challenge_methods_supported"] = new JsonArray("S256"),
            ["subject_types_supported"] = new JsonArray("pairwise"),
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
            ["scopes_supported"] = new JsonArray("https://management.azure.com/.default"),
            ["tenant_region_scope"] = "local",
            ["cloud_instance_name"] = "openapim.local",
        };
    }

    private static async Task<IResult> IssueAsync(HttpContext c, string tenant, IssuerUrls urls, IClientDirectory clients, ClientLockout lockout, TokenIssuer issuer, IEnumerable<ITokenGrant> grants, TimeProvider time, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("OpenApim.Identity.Tokens");
        if (!IsTenant(tenant, urls))
        {
            return Results.Json(OAuthError(time, "invalid_request", $"AADSTS90002: Tenant '{tenant}' not found. Use the tenant id of this OpenApim ({urls.TenantId})."), statusCode: 400);
        }

        if (!c.Request.HasFormContentType || !c.Request.ContentType!.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return Results.Json(OAuthError(time, "invalid_request", "AADSTS900144: The request body must be application/x-www-form-urlencoded."), statusCode: 400);
        }

        IFormCollection form;
        try
        {
            // Token requests are a handful of short fields: anything much larger is refused before it is buffered.
            if (c.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            {
                size.MaxRequestBodySize = MaxFormBytes;
            }

            form = await c.Request.ReadFormAsync(FormLimits, c.RequestAborted);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            var tooLarge = e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge };
            return Results.Json(OAuthError(time, "invalid_request", tooLarge
                ? $"AADSTS90014: The request body is larger than {MaxFormBytes} bytes."
                : $"AADSTS90014: The request body is not a valid form: {e.Message}"), statusCode: tooLarge ? 413 : 400);
        }
        var grant = form["grant_type"].ToString();
        if (grants.FirstOrDefault(g => g.GrantType == grant) is { } other)
        {
            return other.Redeem(c, form);
        }

        if (grant != "client_credentials")
        {
            return Results.Json(OAuthError(time, "unsupported_grant_type",
                grant.Length == 0 ? "AADSTS900144: The request body must contain the parameter 'grant_type'." : $"AADSTS70003: The grant type '{grant}' is not supported; use client_credentials (or authorization_code, for the console)."), statusCode: 400);
        }

        var (clientId, secret) = ClientCredentials(c.Request, form);
        if (string.IsNullOrEmpty(clientId))
        {
            return Results.Json(OAuthError(time, "invalid_request", "AADSTS900144: The request body must contain the parameter 'client_id'."), statusCode: 400);
        }

        if (clientId.Length > 128)
        {
            return Results.Json(OAuthError(time, "invalid_request", "AADSTS90014: The 'client_id' is too long; client ids are GUIDs."), statusCode: 400);
        }

        if (string.IsNullOrEmpty(secret))
        {
            return Results.Json(OAuthError(time, "invalid_client", "AADSTS7000218: The request body must contain the parameter 'client_secret' (or use HTTP Basic authentication)."), statusCode: 401);
        }

        var scope = form["scope"].ToString().Trim();
        var audience = scope.EndsWith("/.default", StringComparison.Ordinal) ? scope[..^"/.default".Length] : null;
        if (audience is null || scope.Contains(' ', StringComparison.Ordinal) || !urls.IsValidAudience(audience))
        {
            return Results.Json(OAuthError(time, "invalid_scope",
                $"AADSTS70011: The provided value for the input parameter 'scope' is not valid: '{scope}'. Request '{urls.BaseUrls[0]}/.default' or 'https://management.azure.com/.default'."), statusCode: 400);
        }

        var address = c.Connection.RemoteIpAddress?.ToString() ?? "?";
        var known = await clients.ExistsAsync(clientId, c.RequestAborted);
        if (lockout.IsLockedOut(clientId, address, known))
        {
            LogLockedOut(logger, clientId, address);
            c.Response.Headers.RetryAfter = ((int)lockout.Window.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Json(OAuthError(time, "invalid_client",
                $"AADSTS50053: Too many failed authentications for client '{clientId}' from this address; try again in {(int)lockout.Window.TotalMinutes} minutes."), statusCode: 429);
        }

        var (principal, rejection) = await clients.AuthenticateAsync(clientId, secret, c.RequestAborted);
        if (principal is null)
        {
            lockout.RecordFailure(clientId, address, rejection!.UnknownClient);
            LogRejected(logger, clientId, address, rejection.Error);
            return Results.Json(OAuthError(time, rejection.Error, rejection.Description), statusCode: rejection.Status);
        }

        var token = issuer.Issue(principal, audience.TrimEnd('/'), urls.BaseFor(c.Request.Origin()));
        LogIssued(logger, principal.ClientId, audience);
        return TokenResponse(c, issuer, token);
    }

    /// <summary>The token endpoint's answer, never cached; <paramref name="scope"/> for a delegated token.</summary>
    internal static IResult TokenResponse(HttpContext c, TokenIssuer issuer, string token, string? scope = null)
    {
        var seconds = (int)issuer.Lifetime.TotalSeconds - 1;
        c.Response.Headers.CacheControl = "no-store";
        var body = new JsonObject { ["token_type"] = "Bearer" };
        if (scope is not null)
        {
            body["scope"] = scope;
        }

        body["expires_in"] = seconds;
        body["ext_expires_in"] = seconds;
        body["access_token"] = token;
        return Results.Json(body);
    }

    private static (string? ClientId, string? Secret) ClientCredentials(HttpRequest request, IFormCollection form)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    return (Uri.UnescapeDataString(decoded[..colon]), Uri.UnescapeDataString(decoded[(colon + 1)..]));
                }
            }
            catch (FormatException)
            {
                return (null, null);
            }
        }

        return (form["client_id"].ToString(), form["client_secret"].ToString());
    }

    private static bool IsTenant(string tenant, IssuerUrls urls) => string.Equals(tenant, urls.TenantId, StringComparison.OrdinalIgnoreCase);

    /// <summary>An error answer in the shape of Entra's token endpoint (the AADSTS code also in <c>error_codes</c>).</summary>
    internal static JsonObject OAuthError(TimeProvider time, string error, string description) => new()
    {
        ["error"] = error,
        ["error_description"] = description,
        ["error_codes"] = AadstsCode().Match(description) is { Success: true } m
            ? new JsonArray(long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
            : new JsonArray(),
        ["timestamp"] = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        ["trace_id"] = Guid.NewGuid().ToString(),
        ["correlation_id"] = Guid.NewGuid().ToString(),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Token request rejected for client {ClientId} from {Address}: {Error}")]
    private static partial void LogRejected(ILogger logger, string clientId, string address, string error);

    [System.Text.RegularExpressions.GeneratedRegex(@"^AADSTS(\d+):")]
    private static partial System.Text.RegularExpressions.Regex AadstsCode();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Token request refused for client {ClientId} from {Address}: too many failed authentications")]
    private static partial void LogLockedOut(ILogger logger, string clientId, string address);

    [LoggerMessage(Level = LogLevel.Information, Message = "Token issued to client {ClientId} for {Audience}")]
    internal static partial void LogIssued(ILogger logger, string clientId, string audience);
}
