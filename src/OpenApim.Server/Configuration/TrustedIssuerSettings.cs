using System.Text.Json;
using OpenApim.Identity;

namespace OpenApim.Server.Configuration;

/// <summary>Reads <c>OPENAPIM_TRUSTED_ISSUERS</c>: a JSON array of external issuers.</summary>
internal static class TrustedIssuerSettings
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow };

    public static IReadOnlyList<TrustedIssuer> Parse(string value)
    {
        TrustedIssuer[]? issuers;
        try
        {
            issuers = JsonSerializer.Deserialize<TrustedIssuer[]>(value, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"OPENAPIM_TRUSTED_ISSUERS must be a JSON array of {{\"authority\", \"audience\", \"tenantId\"?, \"issuer\"?, \"caCertificate\"?, \"signIn\"?: {{\"clientId\", \"clientSecret\"?, \"displayName\"?, \"scope\"?, \"resource\"?}}}}: {e.Message}", e);
        }

        foreach (var issuer in issuers ?? [])
        {
            if (issuer is null || !Uri.TryCreate(issuer.Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
            {
                throw new InvalidOperationException($"OPENAPIM_TRUSTED_ISSUERS: every issuer needs an absolute http(s) 'authority' (got '{issuer?.Authority}').");
            }

            if (string.IsNullOrWhiteSpace(issuer.Audience))
            {
                throw new InvalidOperationException($"OPENAPIM_TRUSTED_ISSUERS: the issuer '{issuer.Authority}' needs an 'audience'.");
            }

            if (issuer.SignIn is { } signIn)
            {
                CheckSignIn(issuer, authority, signIn);
            }

            if (issuer.CaCertificate is { } ca && !File.Exists(ca))
            {
                throw new InvalidOperationException($"OPENAPIM_TRUSTED_ISSUERS: the CA certificate file '{ca}' of '{issuer.Authority}' does not exist.");
            }
        }

        var duplicate = (issuers ?? []).GroupBy(i => i.ExpectedIssuer, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"OPENAPIM_TRUSTED_ISSUERS: the issuer '{duplicate.Key}' is listed more than once; tokens are matched to an issuer by their 'iss'.");
        }

        return issuers ?? [];
    }

    /// <summary>People's browsers are sent to a sign-in issuer and its codes come back through them: HTTPS only, except on this machine.</summary>
    private static void CheckSignIn(TrustedIssuer issuer, Uri authority, InteractiveSignIn signIn)
    {
        if (string.IsNullOrWhiteSpace(signIn.ClientId))
        {
            throw new InvalidOperationException($"OPENAPIM_TRUSTED_ISSUERS: 'signIn' of '{issuer.Authority}' needs the console's 'clientId' at that issuer.");
        }

        if (authority.Scheme == "http" && !authority.IsLoopback)
        {
            throw new InvalidOperationException($"OPENAPIM_TRUSTED_ISSUERS: people sign in through '{issuer.Authority}' only over HTTPS (plain HTTP is allowed for a loopback issuer only).");
        }

        if (signIn.DisplayName is { } name && (name.Length is 0 or > 64 || name.Any(char.IsControl)))
        {
            throw new InvalidOperationException($"OPENAPIM_TRUSTED_ISSUERS: the 'displayName' of '{issuer.Authority}' must be 1-64 printable characters.");
        }

        if (signIn.Resource is { } resource && !Uri.TryCreate(resource, UriKind.Absolute, out _))
        {
            throw new InvalidOperationException($"OPENAPIM_TRUSTED_ISSUERS: the 'resource' of '{issuer.Authority}' must be an absolute URI (RFC 8707).");
        }
    }
}
