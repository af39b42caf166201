using System.Security.Cryptography;
using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Entities;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Kinds.Service;
using OpenApim.Resources.Model;

namespace OpenApim.Management.Services;

/// <summary>
/// What Azure API Management creates with a new service, so tutorials that say <c>--product-id starter</c> work: the
/// all-APIs <c>master</c> subscription, and (except on Consumption, which has no developer portal) the administrator
/// user <c>1</c>, the <c>starter</c> and <c>unlimited</c> products with their policies, groups and the administrator's
/// subscriptions, and the Echo API. Written through the entity pipeline, so they validate like any PUT. A restore
/// replaces them with what the backup holds, like everything else.
/// </summary>
internal sealed class ServiceDefaults(EntityService entities)
{
    public const string EchoApi = "echo-api";

    private const string StarterPolicy = """
        <policies>
          <inbound>
            <rate-limit calls="5" renewal-period="60" />
            <quota calls="100" renewal-period="604800" />
            <base />
          </inbound>
          <backend>
            <base />
          </backend>
          <outbound>
            <base />
          </outbound>
          <on-error>
            <base />
          </on-error>
        </policies>
        """;

    private static readonly (string Name, string Method, string Template, string DisplayName)[] EchoOperations =
    [
        ("create-resource", "POST", "/resource", "Create resource"),
        ("retrieve-resource", "GET", "/resource", "Retrieve resource"),
        ("modify-resource", "PUT", "/resource", "Modify Resource"),
        ("remove-resource", "DELETE", "/resource", "Remove resource"),
        ("retrieve-header-only", "HEAD", "/resource", "Retrieve header only"),
        ("retrieve-resource-cached", "GET", "/resource-cached", "Retrieve resource (cached)"),
    ];

    /// <summary>Writes the defaults; with <paramref name="azure"/> false (OPENAPIM_SERVICE_DEFAULTS=none) nothing: the service starts empty.</summary>
    public async Task WriteAsync(IResourceWriter tx, ServiceRef service, JsonObject document, bool azure, CancellationToken ct)
    {
        if (!azure)
        {
            return;
        }

        var consumption = ServiceKind.Sku(document).Equals("Consumption", StringComparison.OrdinalIgnoreCase);
        if (!consumption)
        {
            var email = document["properties"]?["publisherEmail"].Text() ?? "admin@example.com";
            var publisher = document["properties"]?["publisherName"].Text() is { Length: > 0 and <= 100 } name ? name : "Administrator";
            await PutAsync(tx, service, KindCatalog.Users, ["1"], new JsonObject
            {
                ["email"] = email, ["firstName"] = "Administrator", ["lastName"] = publisher, ["state"] = "active", ["note"] = "The service's administrator.",
            }, ct);
            await ProductsAsync(tx, service, ct);
            await EchoAsync(tx, service, ct);
        }

        await PutAsync(tx, service, KindCatalog.Subscriptions, ["master"], new JsonObject
        {
            ["displayName"] = "Built-in all-access subscription", ["scope"] = "/apis", ["state"] = "active", ["allowTracing"] = !consumption,
            ["ownerId"] = consumption ? null : "/users/1",
        }, ct);
    }

    private async Task ProductsAsync(IResourceWriter tx, ServiceRef service, CancellationToken ct)
    {
        await PutAsync(tx, service, KindCatalog.Products, ["starter"], new JsonObject
        {
            ["displayName"] = "Starter",
            ["description"] = "Subscribers will be able to run 5 calls/minute up to a maximum of 100 calls/week.",
            ["subscriptionRequired"] = true, ["approvalRequired"] = false, ["subscriptionsLimit"] = 1, ["state"] = "published",
        }, ct);
        await PutAsync(tx, service, KindCatalog.ProductPolicies, ["starter", "policy"], new JsonObject { ["value"] = StarterPolicy, ["format"] = "xml" }, ct);
        await PutAsync(tx, service, KindCatalog.Products, ["unlimited"], new JsonObject
        {
            ["displayName"] = "Unlimited",
            ["description"] = "Subscribers have completely unlimited access to the API. Administrator approval is required.",
            ["subscriptionRequired"] = true, ["approvalRequired"] = true, ["subscriptionsLimit"] = 1, ["state"] = "published",
        }, ct);

        foreach (var product in new[] { "starter", "unlimited" })
        {
            foreach (var group in new[] { "administrators", "developers", "guests" })
            {
                await PutAsync(tx, service, KindCatalog.ProductGroups, [product, group], [], ct);
            }

            // Azure names the administrator's subscriptions with generated ids.
            await PutAsync(tx, service, KindCatalog.Subscriptions, [RandomNumberGenerator.GetHexString(24, lowercase: true)], new JsonObject
            {
                ["displayName"] = product == "starter" ? "Starter" : "Unlimited", ["scope"] = $"/products/{product}", ["ownerId"] = "/users/1", ["state"] = "active",
            }, ct);
        }
    }

    private async Task EchoAsync(IResourceWriter tx, ServiceRef service, CancellationToken ct)
    {
        await PutAsync(tx, service, KindCatalog.Apis, [EchoApi], new JsonObject
        {
            ["displayName"] = "Echo API", ["path"] = "echo", ["serviceUrl"] = "http://echoapi.cloudapp.net/api", ["protocols"] = new JsonArray("https"),
        }, ct);
        foreach (var (name, method, template, displayName) in EchoOperations)
        {
            await PutAsync(tx, service, KindCatalog.ApiOperations, [EchoApi, name], new JsonObject
            {
                ["displayName"] = displayName, ["method"] = method, ["urlTemplate"] = template,
            }, ct);
        }

        foreach (var product in new[] { "starter", "unlimited" })
        {
            await PutAsync(tx, service, KindCatalog.ProductApis, [product, EchoApi], [], ct);
        }
    }

    // Null values are absent: the entity pipeline drops them.
    private Task<StoredResource> PutAsync(IResourceWriter tx, ServiceRef service, ResourceKind kind, string[] names, JsonObject properties, CancellationToken ct) =>
        entities.PutInAsync(tx, new EntityAddress(service, kind, names), new JsonObject { ["properties"] = properties }, ct);
}
