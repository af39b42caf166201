using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenApim.Http;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Hosting;
using OpenApim.Resources.Kinds;

namespace OpenApim.Management.Providers;

/// <summary>
/// The parts of Azure Resource Manager that clients call around API Management: the subscription,
/// resource groups (which need no creation here) and the provider's resource types and versions.
/// </summary>
internal static class ProviderEndpoints
{
    private static readonly string[] Locations =
    [
        "West Europe", "North Europe", "East US", "East US 2", "West US", "West US 2", "Central US", "South Central US",
        "UK South", "France Central", "Germany West Central", "Sweden Central", "Japan East", "Australia East", "Southeast Asia",
    ];

    public static void MapRoot(IEndpointRouteBuilder root) =>
        root.MapGet("/providers/Microsoft.ApiManagement/operations", (HttpContext c) => c.Response.JsonAsync(200, Operations()))
            .AddEndpointFilter(ArmRequestFilter.ApiManagement);

    public static void Map(RouteGroupBuilder subscription)
    {
        subscription.MapGet("", (HttpContext c, string subscriptionId, Deployment deployment) =>
        {
            ServiceRef.ValidateSubscription(subscriptionId);
            return c.Response.JsonAsync(200, new JsonObject
            {
                ["id"] = $"/subscriptions/{subscriptionId}",
                ["subscriptionId"] = subscriptionId,
                ["tenantId"] = deployment.TenantId,
                ["displayName"] = "OpenApim",
                ["state"] = "Enabled",
                ["subscriptionPolicies"] = new JsonObject { ["locationPlacementId"] = "Public_2014-09-01", ["quotaId"] = "OpenApim", ["spendingLimit"] = "Off" },
                ["authorizationSource"] = "RoleBased",
            });
        });
        subscription.MapMethods("/resourcegroups/{resourceGroup}", [HttpMethods.Get, HttpMethods.Head, HttpMethods.Put], (HttpContext c, string subscriptionId, string resourceGroup) =>
        {
            ServiceRef.ValidateSubscription(subscriptionId);
            ServiceRef.ValidateResourceGroup(resourceGroup);
            var location = c.Request.Query("location") ?? "global";
            return c.Response.JsonAsync(200, new JsonObject
            {
                ["id"] = $"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}",
                ["name"] = resourceGroup,
                ["type"] = "Microsoft.Resources/resourceGroups",
                ["location"] = location,
                ["properties"] = new JsonObject { ["provisioningState"] = "Succeeded" },
            });
        });
        subscription.MapGet("/providers/Microsoft.ApiManagement", (HttpContext c, string subscriptionId) =>
        {
            ServiceRef.ValidateSubscription(subscriptionId);
            return c.Response.JsonAsync(200, Provider(subscriptionId));
        });
    }

    private static JsonObject Provider(string subscriptionId)
    {
        JsonObject Type(string name) => new()
        {
            ["resourceType"] = name,
            ["locations"] = new JsonArray(Locations.Select(l => (JsonNode)l).ToArray()),
            ["apiVersions"] = new JsonArray(ApiVersions.Supported.Select(v => (JsonNode)v).ToArray()),
        };

        var types = new List<JsonNode>
        {
            Type("service"),
            Type("checkNameAvailability"),
            Type("operations"),
            Type("service/operationresults"),
        };
        types.AddRange(KindCatalog.All.Select(k => (JsonNode)Type("service/" + k.Path)));
        return new JsonObject
        {
            ["id"] = $"/subscriptions/{subscriptionId}/providers/Microsoft.ApiManagement",
            ["namespace"] = "Microsoft.ApiManagement",
            ["registrationState"] = "Registered",
            ["registrationPolicy"] = "RegistrationRequired",
            ["resourceTypes"] = new JsonArray(types.ToArray()),
        };
    }

    private static JsonObject Operations()
    {
        JsonObject Op(string name, string description) => new()
        {
            ["name"] = name,
            ["display"] = new JsonObject { ["provider"] = "Microsoft API Management", ["resource"] = "Service", ["operation"] = description, ["description"] = description },
        };

        return ArmResponse.Page(
        [
            Op("Microsoft.ApiManagement/service/read", "Read metadata for an API Management Service instance"),
            Op("Microsoft.ApiManagement/service/write", "Create or update an API Management Service instance"),
            Op("Microsoft.ApiManagement/service/delete", "Delete an API Management Service instance"),
            Op("Microsoft.ApiManagement/service/backup/action", "Back up an API Management Service instance to a container in a storage account"),
            Op("Microsoft.ApiManagement/service/restore/action", "Restore an API Management Service instance from a backup in a storage account"),
        ], null, null);
    }
}
