using System.Text.Json.Nodes;

namespace OpenApim.Cli.Common;

/// <summary>Client credentials against an Entra-style token endpoint: the embedded issuer of OpenApim, or login.microsoftonline.com.</summary>
internal static class TokenClient
{
    public const string ArmScope = "https://management.azure.com/.default";

    public static async Task<(string Token, DateTimeOffset ExpiresOn)> AcquireAsync(HttpClient http, string authority, string tenant, string clientId, string secret, CancellationToken ct)
    {
        var url = $"{authority.TrimEnd('/')}/{Uri.EscapeDataString(tenant)}/oauth2/v2.0/token";
        using var response = await Send(() => http.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
            ["scope"] = ArmScope,
        }), ct), url);
        var text = await response.Content.ReadAsStringAsync(ct);
        var body = TryParse(text);
        if (!response.IsSuccessStatusCode || body?["access_token"]?.GetValue<string>() is not { } token)
        {
            // The issuer's own words (error, error_description), never the secret that was sent.
            var error = body?["error"]?.ToString() ?? $"HTTP {(int)response.StatusCode}";
            var description = body?["error_description"]?.ToString() ?? "the token endpoint refused the client credentials";
            throw new CliFailure("AuthenticationFailed", $"{error}: {description}");
        }

        var lifetime = body["expires_in"] is JsonValue v && (v.TryGetValue<long>(out var seconds) || long.TryParse(v.ToString(), out seconds)) ? seconds : 3600;
        return (token, DateTimeOffset.UtcNow.AddSeconds(lifetime));
    }

    private static async Task<HttpResponseMessage> Send(Func<Task<HttpResponseMessage>> send, string url)
    {
        try
        {
            return await send();
        }
        catch (HttpRequestException e)
        {
            throw new CliFailure("EndpointUnreachable", $"The token endpoint {url} cannot be reached: {e.Message}");
        }
    }

    private static JsonObject? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
