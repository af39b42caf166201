using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenApim.Http;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Kinds;

namespace OpenApim.Management.Providers;

/// <summary>
/// The resource providers as ARM describes them: <c>Microsoft.ApiManagement</c> with its resource types, locations and
/// api-versions (and <c>Microsoft.Resources</c>, which every subscription has), and the provider's operations.
/// </summary>
internal static class ProviderEndpoints
{
    public static void MapRoot(IEndpointRouteBuilder root) =>
        root.MapGet("/providers/Microsoft.ApiManagement/operations", (HttpContext c) => c.Response.JsonAsync(200, Operations()))
            .AddEndpointFilter(ArmRequestFilter.ApiManagement);

    public static void Map(RouteGroupBuilder subscription)
    {
        subscription.MapGet("/providers/Microsoft.ApiManagement", (HttpContext c, string subscriptionId) =>
        {
            ServiceRef.ValidateSubscription(subscriptionId);
            return c.Response.JsonAsync(200, Provider(subscriptionId));
        });
        subscription.MapPost("/providers/Microsoft.ApiManagement/register", (HttpContext c, string subscriptionId) =>
        {
            ServiceRef.ValidateSubscription(subscriptionId);
            return c.Response.JsonAsync(200, Provider(subscriptionId));
        });
        subscription.MapGet("/providers", (HttpContext c, string subscriptionId) =>
        {
            ServiceRef.ValidateSubscription(subscriptionId);
            return c.Response.JsonAsync(200, ArmResponse.Page([Provider(subscriptionId), Resources(subscriptionId)], null, null));
        });
    }

    private static JsonObject Provider(string subscriptionId)
    {
        JsonObject Type(string name) => new()
        {
            ["resourceType"] = name,
            ["locations"] = Tenancy.Locations.ForProvider(),
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

    private static JsonObject Resources(string subscriptionId) => new()
    {
        ["id"] = $"/subscriptions/{subscriptionId}/providers/Microsoft.Resources",
        ["namespace"] = "Microsoft.Resources",
        ["registrationState"] = "Registered",
        ["resourceTypes"] = new JsonArray(
            new JsonObject { ["resourceType"] = "resourceGroups", ["locations"] = Tenancy.Locations.ForProvider(), ["apiVersions"] = new JsonArray("2022-09-01", "2021-04-01", "2020-06-01", "2019-10-01") },
            new JsonObject { ["resourceType"] = "subscriptions", ["locations"] = new JsonArray(), ["apiVersions"] = new JsonArray("2022-12-01", "2021-01-01", "2020-01-01", "2019-11-01", "2016-06-01") }),
    };

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
