using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace OpenApim.Bench;

/// <summary>An ARM client of one running server, from its <c>endpoints.json</c>, as the bootstrap administrator.</summary>
internal static class ManagementClient
{
    /// <summary>The ARM collection of the services every benchmark creates (one subscription, resource group <c>rg1</c>).</summary>
    public const string Services = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg1/providers/Microsoft.ApiManagement/service";

    public static async Task<(HttpClient Management, JsonNode Endpoints)> CreateAsync(string endpointsPath)
    {
        var endpoints = JsonNode.Parse(await File.ReadAllTextAsync(endpointsPath))!;
        using var certificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Text(endpoints, "certificatePath")));
        var thumbprint = certificate.Thumbprint;
        var management = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, c, _, _) => c?.Thumbprint == thumbprint })
        {
            BaseAddress = new Uri(Text(endpoints, "managementUrl")),
            Timeout = TimeSpan.FromMinutes(5),
        };
        var credentials = JsonNode.Parse(await File.ReadAllTextAsync(Text(endpoints, "bootstrapCredentialsPath")))!;
        using var token = await management.PostAsync(Text(endpoints, "tokenUrl"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = Text(credentials, "clientId"),
            ["client_secret"] = Text(credentials, "clientSecret"),
            ["scope"] = Text(endpoints, "managementUrl") + "/.default",
        }));
        management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Text((await token.Content.ReadFromJsonAsync<JsonNode>())!, "access_token"));
        return (management, endpoints);
    }

    /// <summary>A client of the server's gateway on one kept-alive connection, so probing it costs one request per probe.</summary>
    public static HttpClient Gateway(JsonNode endpoints) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = new Uri(Text(endpoints, "gatewayUrl")) };

    /// <summary>A gateway request for <paramref name="path"/> of the service <paramref name="serviceName"/> with a subscription key.</summary>
    public static HttpRequestMessage GatewayRequest(string serviceName, string path, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = $"{serviceName}.localhost";
        request.Headers.Add("Ocp-Apim-Subscription-Key", key);
        return request;
    }

    public static string Text(JsonNode node, string name) => node[name]!.GetValue<string>();

    public static double Percentile(IReadOnlyCollection<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1))];
    }
}
