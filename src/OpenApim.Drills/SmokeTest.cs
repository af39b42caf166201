using System.Text.Json.Nodes;

namespace OpenApim.Drills;

/// <summary>One smoke request: sent to both gateways with the same subscription key; the standby must answer as the primary does.</summary>
public sealed record SmokeRequest(string Api, string Method, string Path, int? PrimaryStatus, int? StandbyStatus, bool Passed, string Detail);

/// <summary>
/// Picks real requests (a GET operation of up to three APIs, template parameters filled in) and a real subscription key
/// (an active subscription covering the API, its key read with listSecrets), and sends them through the gateways.
/// </summary>
public static class SmokeTest
{
    private const int MaxRequests = 3;

    public sealed record Plan(string Key, IReadOnlyList<(string Api, string Header, string Path)> Requests, string? Why);

    public static async Task<Plan> PlanAsync(IDrillArm arm, string primary, CancellationToken ct)
    {
        var subscriptions = (await arm.ListAsync($"{primary}/subscriptions", ct)).Where(s => s["properties"]?["state"]?.GetValue<string>() == "active").ToList();
        var apis = (await arm.ListAsync($"{primary}/apis", ct)).Where(a => a["properties"]?["isCurrent"]?.GetValue<bool>() != false).ToList();
        foreach (var subscription in subscriptions)
        {
            var scope = subscription["properties"]?["scope"]?.GetValue<string>() ?? "";
            var covered = new List<JsonNode>();
            foreach (var api in apis)
            {
                if (await CoversAsync(arm, primary, scope, api["name"]!.GetValue<string>(), ct))
                {
                    covered.Add(api);
                }
            }

            var requests = new List<(string, string, string)>();
            foreach (var api in covered)
            {
                var name = api["name"]!.GetValue<string>();
                var get = (await arm.ListAsync($"{primary}/apis/{Uri.EscapeDataString(name)}/operations", ct))
                    .FirstOrDefault(o => o["properties"]?["method"]?.GetValue<string>()?.Equals("GET", StringComparison.OrdinalIgnoreCase) == true);
                if (get is null)
                {
                    continue;
                }

                var header = api["properties"]?["subscriptionKeyParameterNames"]?["header"]?.GetValue<string>() ?? "Ocp-Apim-Subscription-Key";
                var apiPath = api["properties"]?["path"]?.GetValue<string>() ?? "";
                var template = Fill(get["properties"]?["urlTemplate"]?.GetValue<string>() ?? "/");
                requests.Add((name, header, "/" + $"{apiPath.Trim('/')}/{template.TrimStart('/')}".TrimStart('/')));
                if (requests.Count == MaxRequests)
                {
                    break;
                }
            }

            if (requests.Count > 0)
            {
                var keys = await arm.PostAsync($"{subscription["id"]!.GetValue<string>()}/listSecrets", ct);
                if (keys?["primaryKey"]?.GetValue<string>() is { Length: > 0 } key)
                {
                    return new Plan(key, requests, null);
                }
            }
        }

        return new Plan("", [], subscriptions.Count == 0 ? "the primary has no active subscription" : "no active subscription covers an API with a GET operation");
    }

    public static async Task<SmokeRequest> SendAsync(HttpClient http, string? primaryGateway, string standbyGateway, string key, (string Api, string Header, string Path) request, CancellationToken ct)
    {
        var primary = primaryGateway is null ? null : await StatusAsync(http, primaryGateway, request, key, ct);
        var standby = await StatusAsync(http, standbyGateway, request, key, ct);
        var passed = standby is { } s && s != 401 && s != 403 && (primary is { } p ? p == s : s is not 404 and < 500);
        var detail = standby is null ? "the standby's gateway did not answer"
            : primary is null ? $"the standby answered {standby} (the primary's gateway did not answer)"
            : passed ? $"both answered {standby}" : $"the primary answered {primary}, the standby {standby}";
        return new SmokeRequest(request.Api, "GET", request.Path, primary, standby, passed, detail);
    }

    /// <summary>The gateway's answer; a host under .localhost is reached at 127.0.0.1 with its name in the Host header.</summary>
    private static async Task<int?> StatusAsync(HttpClient http, string gateway, (string Api, string Header, string Path) request, string key, CancellationToken ct)
    {
        var url = new Uri(gateway);
        var target = url.Host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase) ? new UriBuilder(url) { Host = "127.0.0.1" }.Uri : url;
        using var message = new HttpRequestMessage(HttpMethod.Get, new Uri(target, request.Path));
        message.Headers.Host = url.IsDefaultPort ? url.Host : $"{url.Host}:{url.Port}";
        message.Headers.TryAddWithoutValidation(request.Header, key);
        try
        {
            using var response = await http.SendAsync(message, ct);
            return (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
    }

    private static async Task<bool> CoversAsync(IDrillArm arm, string primary, string scope, string api, CancellationToken ct)
    {
        var parts = scope.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var tail = parts.Length >= 2 ? parts[^2..] : parts;
        return tail switch
        {
            ["apis"] => true,
            ["apis", var id] => id.Equals(api, StringComparison.OrdinalIgnoreCase),
            ["products", var product] => (await arm.FindAsync($"{primary}/products/{Uri.EscapeDataString(product)}/apis/{Uri.EscapeDataString(api)}", ct)) is not null,
            _ => scope.EndsWith("/apis", StringComparison.OrdinalIgnoreCase),
        };
    }

    private static string Fill(string template) => System.Text.RegularExpressions.Regex.Replace(template, "\\{[^}]*\\}", "1");
}
