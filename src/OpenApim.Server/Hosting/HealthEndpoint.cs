using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OpenApim.Server.Hosting;

/// <summary>
/// <c>GET /health</c> on the management listener, without authentication (for load balancers and probes):
/// <c>{"status","checks":[{"name","status","description","data"}]}</c>, 200 when Healthy or Degraded, 503 when Unhealthy.
/// It names no service, key or secret.
/// </summary>
internal static class HealthEndpoint
{
    public const string Path = "/health";

    public static void MapHealth(this WebApplication app) => app.MapHealthChecks(Path, new HealthCheckOptions { ResponseWriter = WriteAsync }).AllowAnonymous();

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var checks = new JsonArray();
        foreach (var (name, entry) in report.Entries)
        {
            checks.Add(new JsonObject
            {
                ["name"] = name,
                ["status"] = entry.Status.ToString(),
                ["description"] = entry.Description,
                ["data"] = new JsonObject(entry.Data.Select(kv => KeyValuePair.Create(kv.Key, JsonValue.Create(kv.Value?.ToString()) as JsonNode))),
            });
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(new JsonObject { ["status"] = report.Status.ToString(), ["checks"] = checks }.ToJsonString(), context.RequestAborted);
    }
}
