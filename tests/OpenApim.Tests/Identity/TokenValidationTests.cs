using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenApim.Identity.Tokens;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Identity;

/// <summary>The management API accepts only well-formed, current, correctly signed tokens from its issuer for its audiences.</summary>
public sealed class TokenValidationTests(SqliteServer fixture) : IClassFixture<SqliteServer>
{
    private OpenApimInstance Server => fixture.Server;

    private static string ServicesUrl => $"/subscriptions/{ArmClient.Subscription}/providers/Microsoft.ApiManagement/service?api-version=2024-05-01";

    [Fact]
    public async Task Tokens_from_the_embedded_issuer_are_accepted_for_both_audiences()
    {
        foreach (var scope in new[] { $"{Server.ManagementUrl}/.default", "https://management.azure.com/.default", "https://management.core.windows.net//.default" })
        {
            var (status, _, _) = await CallAsync(await Server.GetTokenAsync(scope));
            Assert.Equal(HttpStatusCode.OK, status);
        }
    }

    [Fact]
    public async Task Missing_token_is_401_with_ARM_body_and_challenge()
    {
        var (status, body, challenge) = await CallAsync(null);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("AuthenticationFailed", body!["error"]!["code"]!.GetValue<string>());
        Assert.StartsWith("Bearer authorization_uri=", challenge, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> BadTokens => new()
    {
        { "expired", "expired" },
        { "not-yet-valid", "not valid before" },
        { "wrong-audience", "audience" },
        { "wrong-issuer", "issuer" },
        { "bad-signature", "signature" },
        { "alg-none", "not signed" },
        { "tampered", "signature" },
        { "unknown-kid", "unknown kid" },
        { "garbage", "well-formed" },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Bad_tokens_are_rejected_with_a_clear_reason(string kind, string reason)
    {
        var token = await BadTokenAsync(kind);
        var (status, body, challenge) = await CallAsync(token);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("InvalidAuthenticationToken", body!["error"]!["code"]!.GetValue<string>());
        Assert.Contains(reason, body["error"]!["message"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("error=\"invalid_token\"", challenge, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_endpoint_rejects_bad_client_credentials_and_scopes_in_OAuth_style()
    {
        using var http = Server.CreateHttpClient();
        async Task<(HttpStatusCode, JsonNode)> Token(Dictionary<string, string> form, string? tenant = null)
        {
            using var response = await http.PostAsync($"/{tenant ?? Server.TenantId}/oauth2/v2.0/token", new FormUrlEncodedContent(form));
            return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
        }

        Dictionary<string, string> Form(string? secret = null, string? scope = null, string? client = null, string grant = "client_credentials") => new()
        {
            ["grant_type"] = grant,
            ["client_id"] = client ?? Server.ClientId,
            ["client_secret"] = secret ?? Server.ClientSecret,
            ["scope"] = scope ?? $"{Server.ManagementUrl}/.default",
        };

        var (status, body) = await Token(Form(secret: "wrong"));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_client", body["error"]!.GetValue<string>());
        Assert.DoesNotContain("wrong", body.ToJsonString(), StringComparison.Ordinal);

        (status, body) = await Token(Form(client: Guid.NewGuid().ToString()));
        Assert.Equal("unauthorized_client", body["error"]!.GetValue<string>());

        (status, body) = await Token(Form(scope: "https://graph.microsoft.com/.default"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_scope", body["error"]!.GetValue<string>());

        (status, body) = await Token(Form(grant: "password"));
        Assert.Equal("unsupported_grant_type", body["error"]!.GetValue<string>());

        (status, _) = await Token(Form(), tenant: Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.BadRequest, status);

        using var basic = new HttpRequestMessage(HttpMethod.Post, $"/{Server.TenantId}/oauth2/v2.0/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "https://management.azure.com/.default" }),
        };
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Server.ClientId}:{Server.ClientSecret}")));
        using var basicResponse = await http.SendAsync(basic);
        Assert.Equal(HttpStatusCode.OK, basicResponse.StatusCode);
    }

    [Fact]
    public async Task Discovery_and_jwks_describe_the_issuer()
    {
        using var http = Server.CreateHttpClient();
        var config = JsonNode.Parse(await http.GetStringAsync($"/{Server.TenantId}/v2.0/.well-known/openid-configuration"))!;
        Assert.Equal($"{Server.ManagementUrl}/{Server.TenantId}/v2.0", config["issuer"]!.GetValue<string>());
        Assert.Equal($"{Server.ManagementUrl}/{Server.TenantId}/oauth2/v2.0/token", config["token_endpoint"]!.GetValue<string>());
        var jwks = JsonNode.Parse(await http.GetStringAsync(config["jwks_uri"]!.GetValue<string>()))!;
        var kid = new JsonWebToken(await Server.GetTokenAsync()).Kid;
        Assert.Contains(jwks["keys"]!.AsArray(), k => k!["kid"]!.GetValue<string>() == kid && k["alg"]!.GetValue<string>() == "RS256");
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body, string Challenge)> CallAsync(string? token)
    {
        using var http = Server.CreateHttpClient();
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.GetAsync(ServicesUrl);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response.Headers.WwwAuthenticate.ToString());
    }

    private async Task<string> BadTokenAsync(string kind)
    {
        var keys = Server.Service<SigningKeys>();
        var issuer = $"{Server.ManagementUrl}/{Server.TenantId}/v2.0";
        var now = DateTime.UtcNow;
        string Sign(SecurityKey key, string iss = "", string aud = "", DateTime? notBefore = null, DateTime? expires = null) =>
            new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
            {
                Issuer = iss.Length == 0 ? issuer : iss,
                Audience = aud.Length == 0 ? Server.ManagementUrl : aud,
                IssuedAt = now.AddHours(-3),
                NotBefore = notBefore ?? now.AddMinutes(-5),
                Expires = expires ?? now.AddHours(1),
                Claims = new Dictionary<string, object> { ["appid"] = Server.ClientId, ["tid"] = Server.TenantId },
                SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
            });

        switch (kind)
        {
            case "expired":
                return Sign(keys.Current, notBefore: now.AddHours(-3), expires: now.AddHours(-2));
            case "not-yet-valid":
                return Sign(keys.Current, notBefore: now.AddHours(1), expires: now.AddHours(2));
            case "wrong-audience":
                return Sign(keys.Current, aud: "https://other.example");
            case "wrong-issuer":
                return Sign(keys.Current, iss: $"https://login.microsoftonline.com/{Server.TenantId}/v2.0");
            case "bad-signature":
                return Sign(new RsaSecurityKey(RSA.Create(2048)) { KeyId = keys.Current.KeyId });
            case "unknown-kid":
                return Sign(new RsaSecurityKey(RSA.Create(2048)) { KeyId = "not-a-known-key" });
            case "alg-none":
            {
                var valid = new JsonWebToken(await Server.GetTokenAsync());
                var header = Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}");
                return $"{header}.{valid.EncodedPayload}.";
            }

            case "tampered":
            {
                var parts = (await Server.GetTokenAsync()).Split('.');
                var payload = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!;
                payload["appid"] = "someone-else";
                return $"{parts[0]}.{Base64UrlEncoder.Encode(payload.ToJsonString())}.{parts[2]}";
            }

            default:
                return "not.a.jwt";
        }
    }
}
