using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace OpenApim.Cli.Common;

/// <summary>
/// A signed-in ARM client: the profile's endpoint and token (renewed with the client secret from the profile or
/// <c>OPENAPIM_CLIENT_SECRET</c> when it expires), requests with the api-version, ARM errors as <see cref="CliFailure"/>s,
/// and long-running operations followed to their end.
/// </summary>
internal sealed class ArmSession(HttpClient http, Profile profile, string subscription, string? caFile = null)
{
    public const string ApiVersion = "2024-05-01";

    public string Subscription => subscription;

    public Uri Endpoint { get; } = new(profile.Endpoint.TrimEnd('/') + "/");

    /// <summary>True against OpenApim (whose operation results carry progress), false against Azure Resource Manager.</summary>
    public bool IsOpenApim => !Endpoint.Host.EndsWith("management.azure.com", StringComparison.OrdinalIgnoreCase);

    public HttpClient Http => http;

    /// <summary>The CA file this session trusts (the option's, else the profile's), for the other HTTPS clients a command opens.</summary>
    public string? CaFile => caFile;

    public static async Task<ArmSession> OpenAsync(CliContext context)
    {
        var name = context.ProfileName;
        var profile = Profiles.Read(name) ?? FromEnvironment()
            ?? throw new CliFailure("NotLoggedIn", $"No profile '{name}': run 'openapim login --endpoint URL --tenant ID --client-id ID --client-secret SECRET' (or set OPENAPIM_ENDPOINT, OPENAPIM_TENANT_ID, OPENAPIM_CLIENT_ID and OPENAPIM_CLIENT_SECRET).");
        var caFile = context.Get(CommonOptions.CaFile) ?? profile.CaFile;
        var http = Trust.Client(caFile, TimeSpan.FromSeconds(100));
        if (profile.AccessToken is null || profile.ExpiresOn is not { } expires || expires < DateTimeOffset.UtcNow.AddMinutes(2))
        {
            var secret = profile.ClientSecret ?? Environment.GetEnvironmentVariable("OPENAPIM_CLIENT_SECRET")
                ?? throw new CliFailure("TokenExpired", $"The token of profile '{name}' has expired and no secret is at hand: log in again (or set OPENAPIM_CLIENT_SECRET).");
            var (token, expiresOn) = await TokenClient.AcquireAsync(http, profile.Authority, profile.Tenant, profile.ClientId, secret, context.Cancellation);
            profile = profile with { AccessToken = token, ExpiresOn = expiresOn };
            if (Profiles.Read(name) is not null)
            {
                Profiles.Save(name, profile);
            }
        }

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", profile.AccessToken);
        var subscription = context.Get(CommonOptions.Subscription) ?? profile.Subscription
            ?? throw CliFailure.Usage("No subscription: pass --subscription or log in again.");
        return new ArmSession(http, profile, subscription, caFile);
    }

    /// <summary>A profile from OPENAPIM_ENDPOINT, OPENAPIM_TENANT_ID, OPENAPIM_CLIENT_ID and OPENAPIM_CLIENT_SECRET, not saved.</summary>
    private static Profile? FromEnvironment()
    {
        var endpoint = Environment.GetEnvironmentVariable("OPENAPIM_ENDPOINT");
        var tenant = Environment.GetEnvironmentVariable("OPENAPIM_TENANT_ID");
        var client = Environment.GetEnvironmentVariable("OPENAPIM_CLIENT_ID");
        var secret = Environment.GetEnvironmentVariable("OPENAPIM_CLIENT_SECRET");
        return endpoint is null || tenant is null || client is null || secret is null
            ? null
            : new Profile
            {
                Endpoint = endpoint, Authority = Environment.GetEnvironmentVariable("OPENAPIM_AUTHORITY") ?? DefaultAuthority(endpoint), Tenant = tenant, ClientId = client,
                ClientSecret = secret, Subscription = Environment.GetEnvironmentVariable("OPENAPIM_SUBSCRIPTION_ID") ?? "00000000-0000-0000-0000-000000000001",
            };
    }

    /// <summary>Azure's ARM endpoint signs in at login.microsoftonline.com; OpenApim's management URL is its own issuer.</summary>
    public static string DefaultAuthority(string endpoint) =>
        new Uri(endpoint).Host.EndsWith("management.azure.com", StringComparison.OrdinalIgnoreCase) ? "https://login.microsoftonline.com" : endpoint.TrimEnd('/');

    public static string ServicePath(string subscription, string group, string name) =>
        $"subscriptions/{Segment(subscription, "--subscription")}/resourceGroups/{Segment(group, "--resource-group")}/providers/Microsoft.ApiManagement/service/{Segment(name, "--name")}";

    /// <summary>
    /// A name as one path segment: escaped, and never empty, <c>.</c> or <c>..</c>, which a URL would resolve away (an API id
    /// of <c>..</c> would address the service itself, and a delete would delete it).
    /// </summary>
    public static string Segment(string value, string option) =>
        value.Trim() is "" or "." or ".."
            ? throw CliFailure.Usage($"{option} cannot be '{value}'.")
            : Uri.EscapeDataString(value);

    public string Service(string group, string name) => ServicePath(subscription, group, name);

    public async Task<JsonNode?> GetAsync(string path, CancellationToken ct) => (await SendAsync(HttpMethod.Get, path, null, ct)).Body;

    /// <summary>GET, or null on 404.</summary>
    public async Task<JsonNode?> FindAsync(string path, CancellationToken ct)
    {
        var (status, body, _) = await SendAsync(HttpMethod.Get, path, null, ct, allowNotFound: true);
        return status == HttpStatusCode.NotFound ? null : body;
    }

    /// <summary>Every item of a collection, following nextLink.</summary>
    public async Task<List<JsonNode>> ListAsync(string path, CancellationToken ct)
    {
        var items = new List<JsonNode>();
        string? next = path;
        while (next is not null)
        {
            var page = (await SendAsync(HttpMethod.Get, next, null, ct)).Body;
            items.AddRange(page?["value"]?.AsArray().OfType<JsonNode>() ?? []);
            next = page?["nextLink"]?.GetValue<string>();
        }

        return items;
    }

    public async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseHeaders Headers)> SendAsync(
        HttpMethod method, string path, JsonNode? body, CancellationToken ct, bool allowNotFound = false, IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, Url(path));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            throw new CliFailure("EndpointUnreachable", $"{Endpoint} cannot be reached: {e.Message}");
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            var json = Parse(text);
            if (response.IsSuccessStatusCode || (allowNotFound && response.StatusCode == HttpStatusCode.NotFound))
            {
                return (response.StatusCode, json, response.Headers);
            }

            throw Failure(response.StatusCode, json, text);
        }
    }

    /// <summary>Starts a long-running action (POST, 202 + Location) and, unless <paramref name="wait"/> is false, follows it to its end.</summary>
    public async Task<OperationOutcome> RunAsync(string path, JsonNode? body, bool wait, Action<string>? progress, CancellationToken ct)
    {
        var (status, result, headers) = await SendAsync(HttpMethod.Post, path, body ?? new JsonObject(), ct);
        var location = headers.Location?.ToString();
        if (status != HttpStatusCode.Accepted || location is null || !wait)
        {
            return new OperationOutcome(status == HttpStatusCode.Accepted ? "InProgress" : "Succeeded", location, result, null);
        }

        return await FollowAsync(location, progress, ct);
    }

    /// <summary>Polls an operation's Location until it ends: the result, or the ARM error as a <see cref="CliFailure"/>.</summary>
    public async Task<OperationOutcome> FollowAsync(string location, Action<string>? progress, CancellationToken ct)
    {
        while (true)
        {
            if (IsOpenApim)
            {
                // OpenApim's status document: progress while running, the summary (or the error) when done.
                var separator = location.Contains('?', StringComparison.Ordinal) ? '&' : '?';
                var (_, status, _) = await SendAsync(HttpMethod.Get, location + separator + "asyncResponse=1", null, ct);
                switch (status?["status"]?.GetValue<string>())
                {
                    case "Succeeded":
                        var (_, final, _) = await SendAsync(HttpMethod.Get, location, null, ct);
                        return new OperationOutcome("Succeeded", location, final, status["properties"]);
                    case "Failed" or "Canceled":
                        var error = status["error"];
                        throw new CliFailure(error?["code"]?.GetValue<string>() ?? "OperationFailed", Describe(error));
                    default:
                        progress?.Invoke(Progress(status?["progress"]));
                        break;
                }
            }
            else
            {
                var (code, body, _) = await SendAsync(HttpMethod.Get, location, null, ct);
                if (code != HttpStatusCode.Accepted)
                {
                    return new OperationOutcome("Succeeded", location, body, null);
                }

                progress?.Invoke("running");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }
    }

    /// <summary>Waits for a resource's provisioningState to end (a PUT or DELETE Azure answers asynchronously).</summary>
    public async Task<JsonNode?> WaitProvisionedAsync(string path, CancellationToken ct)
    {
        for (var i = 0; ; i++)
        {
            var resource = await GetAsync(path, ct);
            var state = resource?["properties"]?["provisioningState"]?.GetValue<string>();
            if (state is null or "Succeeded")
            {
                return resource;
            }

            if (state is "Failed" or "Canceled")
            {
                throw new CliFailure("ProvisioningFailed", $"{path} ended {state}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 200 * (i + 1))), ct);
        }
    }

    private Uri Url(string path)
    {
        if (Uri.TryCreate(path, UriKind.Absolute, out var absolute) && absolute.Scheme is "https" or "http")
        {
            return absolute;
        }

        // Sent as written: no dot segment is resolved on the way (the server refuses one with its own error).
        var text = Endpoint + path.TrimStart('/');
        if (!text.Contains("api-version=", StringComparison.OrdinalIgnoreCase))
        {
            text += (text.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "api-version=" + ApiVersion;
        }

        return new Uri(text, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
    }

    private static CliFailure Failure(HttpStatusCode status, JsonNode? json, string text)
    {
        var error = json?["error"];
        return error is null
            ? new CliFailure($"Http{(int)status}", text.Length is > 0 and < 500 ? text : $"HTTP {(int)status} {status}")
            : new CliFailure(error["code"]?.GetValue<string>() ?? $"Http{(int)status}", Describe(error));
    }

    private static string Describe(JsonNode? error)
    {
        var message = error?["message"]?.GetValue<string>() ?? "The operation failed.";
        var details = error?["details"]?.AsArray().Select(d => $"{d?["code"]}: {d?["message"]}").ToList() ?? [];
        return details.Count == 0 ? message : $"{message} ({string.Join("; ", details)})";
    }

    private static string Progress(JsonNode? progress) => progress is null
        ? "running"
        : string.Join(", ", progress.AsObject().Select(kv => $"{kv.Key} {kv.Value}"));

    private static JsonNode? Parse(string text)
    {
        if (text.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}

/// <summary>How a long-running operation ended: its status, where to poll it, the final body and (OpenApim) its summary.</summary>
internal sealed record OperationOutcome(string Status, string? Location, JsonNode? Body, JsonNode? Summary);
