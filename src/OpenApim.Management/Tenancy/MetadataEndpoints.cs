using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenApim.Http;
using OpenApim.Resources.Hosting;

namespace OpenApim.Management.Tenancy;

/// <summary>
/// <c>GET /metadata/endpoints</c>, unauthenticated as in ARM: what <c>az cloud register --endpoint-resource-manager</c> and
/// other clients read to configure themselves. The login endpoint is the ADFS-style authority (<c>{managementUrl}/adfs</c>),
/// the only kind of non-Microsoft authority the Azure CLI signs in to; the audience is ARM's, which the issuer accepts.
/// </summary>
internal static class MetadataEndpoints
{
    public const string Audience = "https://management.azure.com/";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/metadata/endpoints", (HttpContext c, Deployment deployment) =>
        {
            // 2015-01-01 (the Azure CLI and msrestazure) answers one object; 2019-05-01 and later answer a list of clouds.
            var version = c.Request.Query("api-version") ?? "2015-01-01";
            var legacy = string.CompareOrdinal(version, "2019-05-01") < 0;
            return c.Response.JsonAsync(200, legacy ? Legacy(deployment) : new JsonArray(Cloud(deployment)));
        }).AllowAnonymous();

    private static string Management(Deployment deployment) => deployment.ManagementUrl.TrimEnd('/');

    private static JsonObject Legacy(Deployment deployment) => new()
    {
        ["galleryEndpoint"] = Management(deployment) + "/",
        ["graphEndpoint"] = "https://graph.windows.net/",
        ["portalEndpoint"] = Management(deployment) + "/",
        ["authentication"] = new JsonObject
        {
            ["loginEndpoint"] = Management(deployment) + "/adfs",
            ["audiences"] = new JsonArray(Audience),
        },
    };

    private static JsonObject Cloud(Deployment deployment) => new()
    {
        ["name"] = "OpenApim",
        ["portal"] = Management(deployment) + "/",
        ["resourceManager"] = Management(deployment) + "/",
        ["authentication"] = new JsonObject
        {
            ["loginEndpoint"] = Management(deployment) + "/adfs",
            ["audiences"] = new JsonArray(Audience),
            ["tenant"] = deployment.TenantId,
            ["identityProvider"] = "ADFS",
        },
        ["graph"] = "https://graph.windows.net/",
        ["graphAudience"] = "https://graph.windows.net/",
        ["microsoftGraphResourceId"] = "https://graph.microsoft.com/",
        ["suffixes"] = new JsonObject { ["storage"] = "core.windows.net", ["keyVaultDns"] = "vault.azure.net" },
    };
}
