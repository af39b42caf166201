using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace OpenApim.Tests.Infrastructure;

/// <summary>An ARM response as tests look at it.</summary>
public sealed record ArmResult(HttpStatusCode Status, JsonNode? Body, HttpResponseHeaders Headers, HttpContentHeaders? ContentHeaders)
{
    public string? ETag => Headers.ETag?.Tag.Trim('"');

    public string? ErrorCode => Body?["error"]?["code"]?.GetValue<string>();

    public string? ErrorMessage => Body?["error"]?["message"]?.GetValue<string>();

    public JsonObject Json => Body as JsonObject ?? throw new InvalidOperationException($"Expected a JSON object, got {Status}: {Body}");

    public JsonObject Properties => Json["properties"]!.AsObject();

    public override string ToString() => $"{(int)Status} {Body?.ToJsonString()}";
}

/// <summary>A thin ARM client over HttpClient: JSON in, <see cref="ArmResult"/> out.</summary>
public sealed class ArmClient(HttpClient http) : IDisposable
{
    public const string Subscription = "00000000-0000-4000-8000-0000000000aa";
    public const string Version = "2024-05-01";

    public HttpClient Http => http;

    public static string ServicePath(string name, string resourceGroup = "rg1") =>
        $"/subscriptions/{Subscription}/resourceGroups/{resourceGroup}/providers/Microsoft.ApiManagement/service/{name}";

    public static JsonObject ServiceBody(string sku = "Developer", string location = "West Europe", int? capacity = null) => new()
    {
        ["location"] = location,
        ["sku"] = new JsonObject { ["name"] = sku, ["capacity"] = capacity ?? (sku == "Consumption" ? 0 : 1) },
        ["properties"] = new JsonObject { ["publisherEmail"] = "admin@contoso.example", ["publisherName"] = "Contoso" },
    };

    public async Task<ArmResult> SendAsync(HttpMethod method, string path, JsonNode? body = null, string? apiVersion = Version, IDictionary<string, string>? headers = null)
    {
        var url = apiVersion is null ? path : $"{path}{(path.Contains('?', StringComparison.Ordinal) ? '&' : '?')}api-version={apiVersion}";
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new ArmResult(response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response.Headers, response.Content.Headers);
    }

    public Task<ArmResult> GetAsync(string path, string? apiVersion = Version) => SendAsync(HttpMethod.Get, path, null, apiVersion);

    public Task<ArmResult> PutAsync(string path, JsonNode? body, string? ifMatch = null, string? apiVersion = Version) =>
        SendAsync(HttpMethod.Put, path, body, apiVersion, ifMatch is null ? null : new Dictionary<string, string> { ["If-Match"] = Quote(ifMatch) });

    public Task<ArmResult> PatchAsync(string path, JsonNode body, string? ifMatch = "*", string? apiVersion = Version) =>
        SendAsync(HttpMethod.Patch, path, body, apiVersion, ifMatch is null ? null : new Dictionary<string, string> { ["If-Match"] = Quote(ifMatch) });

    public Task<ArmResult> DeleteAsync(string path, string? ifMatch = "*", string? apiVersion = Version) =>
        SendAsync(HttpMethod.Delete, path, null, apiVersion, ifMatch is null ? null : new Dictionary<string, string> { ["If-Match"] = Quote(ifMatch) });

    public Task<ArmResult> PostAsync(string path, JsonNode? body = null, string? apiVersion = Version) => SendAsync(HttpMethod.Post, path, body, apiVersion);

    /// <summary>Creates a service with a unique name and returns its path.</summary>
    public async Task<string> CreateServiceAsync(string? name = null, string sku = "Developer", string resourceGroup = "rg1")
    {
        var path = ServicePath(name ?? Names.Unique("svc"), resourceGroup);
        var result = await PutAsync(path, ServiceBody(sku));
        Assert.True(result.Status == HttpStatusCode.Created, result.ToString());
        return path;
    }

    /// <summary>PUTs an entity and asserts it was created.</summary>
    public async Task<ArmResult> CreateAsync(string path, JsonObject properties)
    {
        var result = await PutAsync(path, new JsonObject { ["properties"] = properties.DeepClone() });
        Assert.True(result.Status == HttpStatusCode.Created, $"PUT {path}: {result}");
        return result;
    }

    /// <summary>POSTs a long-running action and polls its Location until it ends; returns the accepted response and the final one.</summary>
    public async Task<(ArmResult Accepted, ArmResult Final)> RunAsync(string path, JsonNode? body, string apiVersion = Version)
    {
        var accepted = await SendAsync(HttpMethod.Post, path, body, apiVersion);
        if (accepted.Status != HttpStatusCode.Accepted)
        {
            return (accepted, accepted);
        }

        return (accepted, await WaitAsync(accepted.Headers.Location!.ToString()));
    }

    /// <summary>Polls an operation's Location until it answers something other than 202.</summary>
    public async Task<ArmResult> WaitAsync(string location, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(120));
        while (true)
        {
            var poll = await SendAsync(HttpMethod.Get, location, apiVersion: null);
            if (poll.Status != HttpStatusCode.Accepted || DateTime.UtcNow > deadline)
            {
                return poll;
            }

            await Task.Delay(50);
        }
    }

    private static string Quote(string etag) => etag == "*" ? "*" : $"\"{etag}\"";

    /// <summary>Every item of a collection, following <c>nextLink</c> page by page.</summary>
    public async Task<List<JsonNode>> ListAllAsync(string path)
    {
        var items = new List<JsonNode>();
        for (var page = await GetAsync(path); ; page = await SendAsync(HttpMethod.Get, new Uri(page.Json["nextLink"]!.GetValue<string>()).PathAndQuery, apiVersion: null))
        {
            items.AddRange(page.Json["value"]!.AsArray().Select(i => i!));
            if (page.Json["nextLink"] is null)
            {
                return items;
            }
        }
    }

    public void Dispose() => http.Dispose();
}

/// <summary>Unique, valid names so tests never share data.</summary>
public static class Names
{
    public static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10];
}
