using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace OpenApim.Bench;

/// <summary>
/// <c>propagation ENDPOINTS_JSON SERVICE ROUNDS PATH</c>: how long after the management API answers a subscription create,
/// suspend, regenerate and delete the gateway enforces it. Each round times the four changes on a fresh subscription, from
/// the management response to the first gateway answer that reflects the change (the gateway is probed back to back, so
/// the figure includes one probe's round trip). Prints p50, p99 and max per change and over all.
/// </summary>
internal static class PropagationProbe
{
    private const string Version = "api-version=2024-05-01";

    public static async Task<int> RunAsync(string endpointsPath, string serviceName, int rounds, string path)
    {
        var (client, endpoints) = await ManagementClient.CreateAsync(endpointsPath);
        using var management = client;
        string S(JsonNode node, string name) => ManagementClient.Text(node, name);
        using var gateway = ManagementClient.Gateway(endpoints);
        var service = $"{ManagementClient.Services}/{serviceName}";
        var samples = new Dictionary<string, List<double>> { ["create"] = [], ["suspend"] = [], ["regenerate"] = [], ["delete"] = [] };

        async Task<double> UntilAsync(string key, HttpStatusCode expected, long since)
        {
            while (true)
            {
                using var request = ManagementClient.GatewayRequest(serviceName, path, key);
                using var response = await gateway.SendAsync(request);
                var elapsed = Stopwatch.GetElapsedTime(since);
                if (response.StatusCode == expected)
                {
                    return elapsed.TotalMilliseconds;
                }

                if (elapsed > TimeSpan.FromSeconds(30))
                {
                    throw new InvalidOperationException($"The gateway still answers {(int)response.StatusCode} with key {key[..6]}..., not {(int)expected}, 30 s after the change.");
                }
            }
        }

        async Task<long> SendAsync(HttpMethod method, string relative, JsonObject? body = null)
        {
            using var request = new HttpRequestMessage(method, $"{service}/{relative}?{Version}") { Content = body is null ? null : JsonContent.Create(body) };
            if (method != HttpMethod.Put && method != HttpMethod.Post)
            {
                request.Headers.TryAddWithoutValidation("If-Match", "*");
            }

            using var response = await management.SendAsync(request);
            var answered = Stopwatch.GetTimestamp();
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{method} {relative}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            return answered;
        }

        JsonObject State(string state) => new() { ["properties"] = new JsonObject { ["state"] = state } };
        for (var round = 0; round < rounds; round++)
        {
            var name = $"probe-{round}-{Guid.NewGuid().ToString("N")[..6]}";
            var key = RandomNumberGenerator.GetHexString(32, lowercase: true);
            var sent = await SendAsync(HttpMethod.Put, $"subscriptions/{name}", new JsonObject
            {
                ["properties"] = new JsonObject { ["displayName"] = name, ["scope"] = "/apis", ["state"] = "active", ["primaryKey"] = key },
            });
            samples["create"].Add(await UntilAsync(key, HttpStatusCode.OK, sent));
            samples["suspend"].Add(await UntilAsync(key, HttpStatusCode.Unauthorized, await SendAsync(HttpMethod.Patch, $"subscriptions/{name}", State("suspended"))));
            await UntilAsync(key, HttpStatusCode.OK, await SendAsync(HttpMethod.Patch, $"subscriptions/{name}", State("active")));
            samples["regenerate"].Add(await UntilAsync(key, HttpStatusCode.Unauthorized, await SendAsync(HttpMethod.Post, $"subscriptions/{name}/regeneratePrimaryKey")));
            using (var secrets = await management.PostAsync($"{service}/subscriptions/{name}/listSecrets?{Version}", null))
            {
                key = S((await secrets.Content.ReadFromJsonAsync<JsonNode>())!, "primaryKey");
            }

            await UntilAsync(key, HttpStatusCode.OK, Stopwatch.GetTimestamp());
            samples["delete"].Add(await UntilAsync(key, HttpStatusCode.Unauthorized, await SendAsync(HttpMethod.Delete, $"subscriptions/{name}")));
        }

        foreach (var (change, values) in samples.Append(new("all", [.. samples.Values.SelectMany(v => v)])))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT change={change} n={values.Count} p50_ms={ManagementClient.Percentile(values, 0.50):F1} p99_ms={ManagementClient.Percentile(values, 0.99):F1} max_ms={values.Max():F1}"));
        }

        return 0;
    }
}
