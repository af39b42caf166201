using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Kinds.Service;

namespace OpenApim.Management.Services;

/// <summary>How the service resource reads: the stored document without secrets, plus the values computed on every read.</summary>
internal static class ServiceRendering
{
    /// <summary>The client view: id, name, type, etag, computed properties, no secrets.</summary>
    public static JsonObject Render(ServiceRef service, JsonObject stored, string etag, string? gatewayUrl, string managementUrl)
    {
        var doc = ServiceKind.WithoutSecrets(stored);
        var p = doc["properties"] as JsonObject ?? [];
        p["gatewayUrl"] = gatewayUrl;
        p["managementApiUrl"] = managementUrl;
        p["platformVersion"] = "stv2";
        p["publicIPAddresses"] = new JsonArray("127.0.0.1");
        if (p["hostnameConfigurations"] is JsonArray hostnames)
        {
            foreach (var h in hostnames.OfType<JsonObject>())
            {
                h["certificateStatus"] = "Completed";
            }
        }

        var result = new JsonObject
        {
            ["id"] = service.Id,
            ["name"] = service.Name,
            ["type"] = ServiceRef.ResourceType,
            ["etag"] = etag,
        };
        foreach (var (k, v) in doc)
        {
            result[k] = v?.DeepClone();
        }

        return result;
    }

}
