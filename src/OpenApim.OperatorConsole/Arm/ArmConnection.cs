using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenApim.OperatorConsole.Arm;

/// <summary>
/// The management API as the signed-in user: every call carries the user's own bearer token, so the console can do
/// exactly what the user's roles allow and nothing else, and the activity log names the user.
/// Paths are ARM paths (<c>/subscriptions/...</c>); the api-version is added when the path has none.
/// </summary>
public sealed class ArmConnection(HttpClient http, Uri managementApi, string accessToken)
{
    public const string ApiVersion = "2024-05-01";

    public Task<ArmReply> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, ct);

    /// <summary>The body of a GET, or <see cref="ArmRefusedException"/> with the management API's error.</summary>
    public async Task<JsonNode> RequireAsync(string path, CancellationToken ct)
    {
        var reply = await GetAsync(path, ct);
        return reply.Ok && reply.Body is { } body ? body : throw new ArmRefusedException(reply.Error ?? new ArmError("EmptyResponse", $"GET {path} answered no body."));
    }

    public async Task<ArmReply> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, Address(path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Add("x-ms-client-request-id", Guid.NewGuid().ToString());
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        JsonNode? json = null;
        if (text.Length > 0)
        {
            try
            {
                json = JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                json = new JsonObject { ["error"] = new JsonObject { ["code"] = "NotJson", ["message"] = $"The management API answered {(int)response.StatusCode} with a body that is not JSON." } };
            }
        }

        return new ArmReply((int)response.StatusCode, json, response.Headers.Location?.ToString());
    }

    /// <summary>Every item of a list, following nextLink, up to <paramref name="limit"/> items.</summary>
    public async Task<List<JsonNode>> ListAsync(string path, int limit, CancellationToken ct)
    {
        var items = new List<JsonNode>();
        string? next = path;
        while (next is not null && items.Count < limit)
        {
            var page = await RequireAsync(next, ct);
            items.AddRange(page["value"]?.AsArray().OfType<JsonNode>() ?? []);
            next = page["nextLink"]?.GetValue<string>();
        }

        return items;
    }

    /// <summary>The absolute address of an ARM path on this server; an absolute nextLink or Location is taken by its path and query only, so no link can send the user's token elsewhere.</summary>
    private Uri Address(string path) => AddressOn(managementApi, path);

    internal static Uri AddressOn(Uri managementApi, string path)
    {
        if (Uri.TryCreate(path, UriKind.Absolute, out var absolute) && absolute.Scheme is "https" or "http")
        {
            // The server names itself by its public URL; the console reaches it at its own address (the path and query only,
            // set on a builder so a path such as "//elsewhere/x" cannot become another host).
            return new UriBuilder(managementApi) { Path = absolute.AbsolutePath, Query = absolute.Query.TrimStart('?') }.Uri;
        }

        if (!path.StartsWith('/') || path.StartsWith("//", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{path}' is not an ARM path.", nameof(path));
        }

        var withVersion = path.Contains("api-version=", StringComparison.Ordinal) ? path : path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "api-version=" + VersionFor(path);
        return new Uri(managementApi, withVersion);
    }

    private static string VersionFor(string path) =>
        path.Contains("/providers/Microsoft.Authorization/", StringComparison.OrdinalIgnoreCase) ? "2022-04-01"
        : path.Contains("/providers/OpenApim.Identity/", StringComparison.OrdinalIgnoreCase) ? "2026-01-01"
        : path.Contains("/providers/Microsoft.Insights/", StringComparison.OrdinalIgnoreCase) ? "2015-04-01"
        : path.Contains("/providers/Microsoft.ApiManagement", StringComparison.OrdinalIgnoreCase) ? ApiVersion
        : "2022-12-01";
}
