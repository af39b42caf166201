using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenApim.Identity.Federation;

/// <summary>
/// The back-channel half of the code flow: the code, redirect URI and PKCE verifier posted to the issuer's token endpoint
/// (with the client secret as HTTP Basic, RFC 6749 2.3.1, when there is one), its answer read up to 256 KiB within 30
/// seconds, and its errors turned into a <see cref="FederationException"/> that names the issuer's error code.
/// </summary>
internal static class CodeRedemption
{
    private const int MaxResponse = 256 * 1024;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static async Task<JsonObject> RedeemAsync(HttpClient backchannel, Uri tokenEndpoint, FederatedProvider provider, FederatedRequest request, string code,
        TimeProvider time, CancellationToken ct)
    {
        var name = provider.DisplayName;
        using var message = new HttpRequestMessage(HttpMethod.Post, tokenEndpoint)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code",
                ["code"] = code,
                ["redirect_uri"] = request.RedirectUri,
                ["code_verifier"] = request.CodeVerifier,
                ["client_id"] = provider.SignIn.ClientId,
            }),
        };
        if (provider.SignIn.ClientSecret is { } secret)
        {
            // Both parts form-encoded before they are joined.
            var pair = $"{Uri.EscapeDataString(provider.SignIn.ClientId)}:{Uri.EscapeDataString(secret)}";
            message.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
        }

        message.Headers.Accept.ParseAdd("application/json");
        using var deadline = new CancellationTokenSource(Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            using var response = await backchannel.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var body = await ReadAsync(response, name, linked.Token);
            JsonNode? answer;
            try
            {
                answer = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 16 });
            }
            catch (JsonException)
            {
                answer = null;
            }

            if (!response.IsSuccessStatusCode)
            {
                var error = answer is JsonObject o ? $"{Text(o["error"])}: {Text(o["error_description"])}" : $"HTTP {(int)response.StatusCode}";
                throw new FederationException($"{name} refused to redeem the code ({(error.Length <= 300 ? error : error[..300] + "...")}).");
            }

            return answer as JsonObject ?? throw new FederationException($"{name}'s token endpoint did not answer with a JSON object.");
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw new FederationException($"{name}'s token endpoint could not be reached: {e.Message}");
        }
    }

    private static async Task<byte[]> ReadAsync(HttpResponseMessage response, string name, CancellationToken ct)
    {
        if (response.Content.Headers.ContentLength > MaxResponse)
        {
            throw new FederationException($"{name}'s token endpoint answered with more than {MaxResponse / 1024} KiB.");
        }

        await using var body = await response.Content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxResponse)
            {
                throw new FederationException($"{name}'s token endpoint answered with more than {MaxResponse / 1024} KiB.");
            }
        }

        return buffer.ToArray();
    }

    private static string Text(JsonNode? node) => node?.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : "";
}
