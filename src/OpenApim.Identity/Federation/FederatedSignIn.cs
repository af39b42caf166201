using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using OpenApim.Identity.Access;
using OpenApim.Identity.Authentication;
using OpenApim.Identity.Tokens;

namespace OpenApim.Identity.Federation;

/// <summary>
/// Sign-in through a trusted external OpenID Connect issuer (the company's IdP), as a relying party with the
/// authorization-code flow and PKCE. It reads the issuer's discovery document and keys through the same configuration
/// manager and backchannel the management API's bearer scheme for that issuer uses, redeems the code, validates the id
/// token (signature, issuer, audience, lifetime, nonce) and checks that the management API would accept the access token
/// exactly as it will on every call: same validation parameters, same tenant rule. A person who holds no role is refused
/// here, as local users are. The console then acts with that access token; nothing is minted for the person. The code
/// itself is redeemed by <see cref="CodeRedemption"/>.
/// </summary>
public sealed partial class FederatedSignIn
{
    private static readonly JsonWebTokenHandler Tokens = new() { MapInboundClaims = false };

    private readonly IOptionsMonitor<JwtBearerOptions> _bearer;
    private readonly RoleAssignments _assignments;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    internal FederatedSignIn(IdentityOptions options, IOptionsMonitor<JwtBearerOptions> bearer, RoleAssignments assignments, TimeProvider time, ILogger<FederatedSignIn> logger)
    {
        _bearer = bearer;
        _assignments = assignments;
        _time = time;
        _logger = logger;
        Providers = [.. options.TrustedIssuers.Select((issuer, index) => (issuer, index)).Where(p => p.issuer.SignIn is not null).Select(p => new FederatedProvider(p.index, p.issuer))];
    }

    /// <summary>The issuers whose people may sign in, in the order of the settings.</summary>
    public IReadOnlyList<FederatedProvider> Providers { get; }

    public FederatedProvider? Find(int index) => Providers.FirstOrDefault(p => p.Index == index);

    /// <summary>Where to send the browser: the issuer's authorization endpoint with this sign-in's request.</summary>
    public async Task<Uri> AuthorizeUrlAsync(FederatedProvider provider, FederatedRequest request, CancellationToken ct)
    {
        var config = await ConfigurationAsync(provider, ct);
        var endpoint = Endpoint(provider, config.AuthorizationEndpoint, "authorization_endpoint");
        var query = new Dictionary<string, string?>
        {
            ["client_id"] = provider.SignIn.ClientId,
            ["response_type"] = "code",
            ["redirect_uri"] = request.RedirectUri,
            ["scope"] = Scope(provider),
            ["state"] = request.State,
            ["nonce"] = request.Nonce,
            ["code_challenge"] = Pkce.Challenge(request.CodeVerifier),
            ["code_challenge_method"] = "S256",
        };
        if (provider.SignIn.Resource is { } resource)
        {
            query["resource"] = resource;
        }

        return new Uri(QueryHelpers.AddQueryString(endpoint.AbsoluteUri, query));
    }

    /// <summary>
    /// Redeems the code the issuer sent back (with <paramref name="iss"/>, its RFC 9207 issuer parameter, when it sends one)
    /// and returns the person, or throws <see cref="FederationException"/> with the reason.
    /// </summary>
    public async Task<FederatedUser> RedeemAsync(FederatedProvider provider, FederatedRequest request, string code, string? iss, CancellationToken ct)
    {
        var name = provider.DisplayName;
        if (code.Length is 0 or > 4096)
        {
            throw new FederationException($"{name} sent no usable authorization code.");
        }

        var config = await ConfigurationAsync(provider, ct);
        // RFC 9207: an issuer that says it names itself in its answers must, and the name must be its own (mix-up defence).
        if (iss is { Length: > 0 } ? !string.Equals(iss, config.Issuer, StringComparison.Ordinal) : config.AuthorizationResponseIssParameterSupported)
        {
            throw new FederationException($"The answer does not come from {name} (its 'iss' is '{Shorten(iss ?? "")}', expected '{config.Issuer}').");
        }

        var answer = await CodeRedemption.RedeemAsync(Options(provider).Backchannel, Endpoint(provider, config.TokenEndpoint, "token_endpoint"), provider, request, code, _time, ct);
        if (answer["access_token"]?.GetValueKind() != JsonValueKind.String || answer["id_token"]?.GetValueKind() != JsonValueKind.String)
        {
            throw new FederationException($"{name}'s token endpoint answered without an access token and an id token.");
        }

        var idToken = answer["id_token"]!.GetValue<string>();
        var accessToken = answer["access_token"]!.GetValue<string>();
        var id = await ValidateAsync(provider, config, idToken, IdTokenParameters(provider, config), ct)
            ?? throw new FederationException($"{name}'s id token is not valid for this console.");
        if (Claim(id, "nonce") is not { } nonce
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(nonce), Encoding.UTF8.GetBytes(request.Nonce)))
        {
            throw new FederationException($"{name}'s id token does not carry this sign-in's nonce.");
        }

        var access = await ValidateAsync(provider, config, accessToken, Options(provider).TokenValidationParameters, ct);
        if (access is null)
        {
            throw new FederationException(
                $"{name} issued an access token the management API does not accept (it must be a signed JWT for the audience '{provider.Issuer.Audience}'). " +
                "Set the issuer's 'signIn.scope' or 'signIn.resource' so that it does.");
        }

        foreach (var token in new[] { id, access })
        {
            if (!ExternalIssuers.TenantAllowed(Claim(token, "tid"), provider.Issuer.TenantId))
            {
                throw new FederationException($"The person is not of the tenant '{provider.Issuer.TenantId}' this issuer is trusted for.");
            }
        }

        var person = new ClaimsPrincipal(id.ClaimsIdentity);
        var caller = new ClaimsPrincipal(access.ClaimsIdentity);
        var objectId = Caller.ObjectId(caller);
        if (objectId.Length == 0 || !SamePerson(person, caller))
        {
            throw new FederationException($"{name}'s id token and access token do not name the same person (for Entra ID, keep the 'profile' scope so that both carry 'oid').");
        }

        var userName = person.FindFirst("preferred_username")?.Value ?? person.FindFirst("email")?.Value ?? objectId;
        if ((await _assignments.ForPrincipalsAsync(Caller.PrincipalIds(caller), ct)).Count == 0)
        {
            LogNoRole(_logger, userName, objectId, name);
            throw new FederationException(
                $"'{userName}' of {name} holds no role in this OpenApim, so there is nothing it may see. " +
                $"Ask an administrator to assign one (Reader at least) to the principal id {objectId}.");
        }

        LogSignedIn(_logger, userName, objectId, name);
        return new FederatedUser(objectId, person.FindFirst("name")?.Value ?? userName, userName, accessToken, access.SecurityToken.ValidTo);
    }

    /// <summary>The issuer's end-session endpoint for this sign-out, or null when it has none (or cannot be reached: signing out here never fails).</summary>
    public async Task<Uri?> EndSessionUrlAsync(FederatedProvider provider, string postLogoutRedirectUri, CancellationToken ct)
    {
        OpenIdConnectConfiguration config;
        try
        {
            config = await ConfigurationAsync(provider, ct);
        }
        catch (FederationException)
        {
            return null;
        }

        if (string.IsNullOrEmpty(config.EndSessionEndpoint) || !Uri.TryCreate(config.EndSessionEndpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("https" or "http"))
        {
            return null;
        }

        // RP-initiated logout by client id, without an id token hint: the link is shown on a page, and tokens are never.
        var query = new Dictionary<string, string?> { ["client_id"] = provider.SignIn.ClientId, ["post_logout_redirect_uri"] = postLogoutRedirectUri };
        return new Uri(QueryHelpers.AddQueryString(endpoint.AbsoluteUri, query));
    }

    /// <summary>Validates a token against the issuer's keys (read again once when it names a key not yet known); null when invalid.</summary>
    private async Task<TokenValidationResult?> ValidateAsync(FederatedProvider provider, OpenIdConnectConfiguration config, string token, TokenValidationParameters template, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var parameters = template.Clone();
            parameters.IssuerSigningKeys = config.SigningKeys;
            var result = await Tokens.ValidateTokenAsync(token, parameters);
            if (result.IsValid)
            {
                return result;
            }

            if (attempt > 0 || result.Exception is not SecurityTokenSignatureKeyNotFoundException)
            {
                LogInvalidToken(_logger, provider.DisplayName, result.Exception is { } failure ? TokenFailures.Describe(failure) : "unknown");
                return null;
            }

            // The configuration manager refreshes in the background and would answer with the old keys: read them now.
            config = await FreshConfigurationAsync(provider, ct);
        }
    }

    /// <summary>OpenID Connect Core 3.1.3.7: the id token's issuer is exactly the discovery document's, its audience the client id.</summary>
    private static TokenValidationParameters IdTokenParameters(FederatedProvider provider, OpenIdConnectConfiguration config) =>
        ExternalIssuers.Signed([config.Issuer], [provider.SignIn.ClientId]);

    private async Task<OpenIdConnectConfiguration> ConfigurationAsync(FederatedProvider provider, CancellationToken ct)
    {
        try
        {
            return await Manager(provider).GetConfigurationAsync(ct);
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or IOException or ArgumentException)
        {
            throw new FederationException($"The discovery document of {provider.DisplayName} ('{provider.Issuer.Authority}') could not be read: {e.Message}");
        }
    }

    private async Task<OpenIdConnectConfiguration> FreshConfigurationAsync(FederatedProvider provider, CancellationToken ct)
    {
        var options = Options(provider);
        options.ConfigurationManager?.RequestRefresh(); // for the bearer scheme's next token
        try
        {
            return await OpenIdConnectConfigurationRetriever.GetAsync(options.MetadataAddress,
                new HttpDocumentRetriever(options.Backchannel) { RequireHttps = options.RequireHttpsMetadata }, ct);
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or IOException or ArgumentException)
        {
            throw new FederationException($"The discovery document of {provider.DisplayName} ('{provider.Issuer.Authority}') could not be read: {e.Message}");
        }
    }

    private IConfigurationManager<OpenIdConnectConfiguration> Manager(FederatedProvider provider) =>
        Options(provider).ConfigurationManager ?? throw new FederationException($"{provider.DisplayName} has no discovery document configured.");

    /// <summary>The bearer scheme's options for the issuer, after post-configuration (its configuration manager, backchannel and validation parameters).</summary>
    private JwtBearerOptions Options(FederatedProvider provider) => _bearer.Get(provider.Scheme);

    /// <summary>Both tokens name one person: by <c>oid</c> when both carry it (Entra's <c>sub</c> differs per application), else by <c>sub</c>.</summary>
    private static bool SamePerson(ClaimsPrincipal id, ClaimsPrincipal access) =>
        id.FindFirst("oid")?.Value is { } a && access.FindFirst("oid")?.Value is { } b
            ? string.Equals(a, b, StringComparison.Ordinal)
            : id.FindFirst("sub")?.Value is { Length: > 0 } s && string.Equals(s, access.FindFirst("sub")?.Value, StringComparison.Ordinal);

    private static Uri Endpoint(FederatedProvider provider, string? value, string field) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == "https" || (uri.Scheme == "http" && provider.Issuer.Authority.StartsWith("http://", StringComparison.OrdinalIgnoreCase)))
            ? uri
            : throw new FederationException($"The discovery document of {provider.DisplayName} names no usable {field}.");

    private static string Scope(FederatedProvider provider)
    {
        var scopes = (provider.SignIn.Scope ?? $"openid profile {provider.Issuer.Audience.TrimEnd('/')}/.default").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (!scopes.Contains("openid", StringComparer.Ordinal))
        {
            scopes.Insert(0, "openid");
        }

        return string.Join(' ', scopes);
    }

    private static string? Claim(TokenValidationResult token, string type) => token.Claims.TryGetValue(type, out var value) ? value as string : null;

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "...";

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserName} ({ObjectId}) signed in to the console through {Issuer}")]
    private static partial void LogSignedIn(ILogger logger, string userName, string objectId, string issuer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in through {Issuer} refused for user {UserName} ({ObjectId}): it holds no role")]
    private static partial void LogNoRole(ILogger logger, string userName, string objectId, string issuer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in through {Issuer} refused: a token it issued is not valid ({Reason})")]
    private static partial void LogInvalidToken(ILogger logger, string issuer, string reason);
}
