using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Certificates;
using OpenApim.Resources.Kinds.Schema;

namespace OpenApim.Resources.Kinds.Service;

/// <summary>
/// The <c>Microsoft.ApiManagement/service</c> resource, declared once: its kind in the store, what a document may
/// carry (<see cref="Document"/>), its defaults and read-only values, its secrets (certificate blobs and passwords,
/// never returned), and the rules every write checks. What a backup carries of it is <see cref="ServiceBackup"/>.
/// </summary>
public static partial class ServiceKind
{
    /// <summary>ARM resource type.</summary>
    public const string Type = Arm.ServiceRef.ResourceType;

    public static readonly IReadOnlyList<string> Skus = ["Developer", "Basic", "Standard", "Premium", "Isolated", "Consumption", "BasicV2", "StandardV2"];

    private static readonly Dictionary<string, int> MaxCapacity = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Developer"] = 1, ["Basic"] = 2, ["Standard"] = 4, ["Premium"] = 12, ["Isolated"] = 12, ["Consumption"] = 0, ["BasicV2"] = 10, ["StandardV2"] = 10,
    };

    private static readonly Prop CertificateInfo = P.Obj("certificate", P.Date("expiry"), P.Str("thumbprint"), P.Str("subject"));

    /// <summary>The <c>properties</c> object.</summary>
    public static readonly IReadOnlyList<Prop> Properties =
    [
        P.Str("publisherEmail").Req().Len(1, 100),
        P.Str("publisherName").Req().Len(1, 100),
        P.Str("notificationSenderEmail").Max(100).Default("apimgmt-noreply@mail.windowsazure.com"),
        P.Arr("hostnameConfigurations", P.Obj("[]",
            P.Enum("type", "Proxy", "Portal", "Management", "Scm", "DeveloperPortal", "ConfigurationApi").Req(),
            P.Str("hostName").Req().Len(1, 253),
            P.Str("keyVaultId"),
            P.Str("identityClientId"),
            P.Str("encodedCertificate").Secret(),
            P.Str("certificatePassword").Secret(),
            P.Bool("defaultSslBinding"),
            P.Bool("negotiateClientCertificate"),
            CertificateInfo,
            P.Enum("certificateSource", "Managed", "KeyVault", "Custom", "BuiltIn"),
            P.Enum("certificateStatus", "Completed", "Failed", "InProgress").RO())),
        P.Obj("customProperties"),
        P.Arr("certificates", P.Obj("[]",
            P.Str("encodedCertificate").Secret(),
            P.Str("certificatePassword").Secret(),
            P.Enum("storeName", "CertificateAuthority", "Root").Req(),
            CertificateInfo)).MaxCount(10),
        P.Enum("virtualNetworkType", "None", "External", "Internal").Default("None"),
        P.Obj("virtualNetworkConfiguration", P.Str("vnetid").RO(), P.Str("subnetname").RO(), P.Str("subnetResourceId")),
        P.Arr("additionalLocations", P.Obj("[]", P.Str("location").Req(), P.Obj("sku").Req(), P.Bool("disableGateway"))),
        P.Obj("apiVersionConstraint", P.Str("minApiVersion")),
        P.Bool("disableGateway").Default(false),
        P.Bool("enableClientCertificate"),
        P.Enum("publicNetworkAccess", "Enabled", "Disabled").Default("Enabled"),
        P.Str("publicIpAddressId"),
        P.Bool("restore"),
        P.Obj("configurationApi"),
        P.Str("natGatewayState"),
        P.Str("developerPortalStatus"),
        P.Str("legacyPortalStatus"),
        P.Str("provisioningState").RO(),
        P.Str("targetProvisioningState").RO(),
        P.Date("createdAtUtc").RO(),
        P.Str("gatewayUrl").RO(),
        P.Str("gatewayRegionalUrl").RO(),
        P.Str("portalUrl").RO(),
        P.Str("developerPortalUrl").RO(),
        P.Str("managementApiUrl").RO(),
        P.Str("scmUrl").RO(),
        P.Arr("publicIPAddresses").RO(),
        P.Arr("privateIPAddresses").RO(),
        P.Arr("outboundPublicIPAddresses").RO(),
        P.Str("platformVersion").RO(),
        P.Arr("privateEndpointConnections").RO(),
    ];

    /// <summary>The whole document: location, tags, sku, identity, zones and <see cref="Properties"/>.</summary>
    public static readonly IReadOnlyList<Prop> Document =
    [
        P.Str("location").Req().Len(1, 100),
        P.Obj("tags"),
        P.Obj("sku", P.Enum("name", [.. Skus]).Req(), P.Int("capacity").Req().Range(0, 100)).Req(),
        P.Obj("identity",
            P.Enum("type", "SystemAssigned", "UserAssigned", "SystemAssigned, UserAssigned", "None").Req(),
            P.Str("principalId").RO(),
            P.Str("tenantId").RO(),
            P.Obj("userAssignedIdentities")),
        P.Arr("zones", P.Item(PropType.String)),
        P.Obj("properties", [.. Properties]).Req(),
        P.Str("etag").RO(),
        P.Obj("systemData").RO(),
    ];

    /// <summary>The SKU name of a stored document ('' when it has none).</summary>
    public static string Sku(JsonObject document) => document["sku"]?["name"].Text() ?? "";

    /// <summary>The host names of the document's hostnameConfigurations of type Proxy: what the gateway serves besides the default host.</summary>
    public static IReadOnlyList<string> ProxyHosts(JsonObject document) =>
        [.. (document["properties"]?["hostnameConfigurations"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(h => h["type"].Text() == "Proxy").Select(h => h["hostName"].Text()).OfType<string>()];

    /// <summary>A copy of the document without its secrets, for responses.</summary>
    public static JsonObject WithoutSecrets(JsonObject stored)
    {
        var copy = (JsonObject)stored.DeepClone();
        SchemaValidator.RemoveSecrets(copy, Document);
        return copy;
    }

    /// <summary>Validates and normalises a whole service document (PUT, or the merged result of a PATCH).</summary>
    public static void Normalize(JsonObject document)
    {
        foreach (var key in new[] { "id", "name", "type" })
        {
            document.Remove(key);
        }

        var problems = SchemaValidator.Normalize(document, Document, "");
        if (document["sku"] is JsonObject sku && sku["name"].Text() is { } name && sku["capacity"] is JsonValue cap
            && MaxCapacity.TryGetValue(name, out var max) && cap.TryGetValue<int>(out var capacity))
        {
            var min = max == 0 ? 0 : 1;
            if (capacity < min || capacity > max)
            {
                problems.Add(new("ValidationError", max == 0
                    ? "For the Consumption SKU the capacity must be 0."
                    : $"The capacity of a {name} service must be between {min} and {max}.", "sku.capacity"));
            }
        }

        if (document["properties"] is JsonObject p)
        {
            if (p["restore"].Flag() == true)
            {
                throw ArmErrors.NotSupported("Undeleting a soft-deleted service (properties.restore)");
            }

            p.Remove("restore");
            ReadCertificates(p["hostnameConfigurations"] as JsonArray, "properties.hostnameConfigurations", problems);
            CheckHostNames(p["hostnameConfigurations"] as JsonArray, problems);
            ReadCertificates(p["certificates"] as JsonArray, "properties.certificates", problems);
        }

        if (problems.Count > 0)
        {
            throw ArmErrors.Validation(problems);
        }
    }

    /// <summary>Host names are DNS names (a leading '*.' for a wildcard), as the gateway matches them against the Host header.</summary>
    private static void CheckHostNames(JsonArray? items, List<ArmErrorDetail> problems)
    {
        for (var i = 0; i < (items?.Count ?? 0); i++)
        {
            if (items![i] is JsonObject item && item["hostName"].Text() is { } host && (host.Length > 253 || !HostNamePattern().IsMatch(host)))
            {
                problems.Add(new("ValidationError", $"'hostName' value '{(host.Length > 80 ? host[..80] + "..." : host)}' is not a DNS host name (labels of letters, digits and inner hyphens, up to 63 characters each).",
                    $"properties.hostnameConfigurations[{i}].hostName"));
            }
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\z")]
    private static partial System.Text.RegularExpressions.Regex HostNamePattern();

    private static void ReadCertificates(JsonArray? items, string target, List<ArmErrorDetail> problems)
    {
        if (items is null)
        {
            return;
        }

        for (var i = 0; i < items.Count; i++)
        {
            // Type problems were reported by the schema; only well-typed values are opened.
            if (items[i] is JsonObject item && item["encodedCertificate"] is JsonValue data && data.TryGetValue<string>(out var pfx)
                && (item["certificatePassword"] is null || item["certificatePassword"] is JsonValue pw && pw.TryGetValue<string>(out _)))
            {
                var info = PfxInfo.TryRead(pfx, item["certificatePassword"]?.GetValue<string>());
                if (info is null)
                {
                    problems.Add(new("ValidationError", "'encodedCertificate' is not a base64-encoded PFX that opens with 'certificatePassword'.", $"{target}[{i}].encodedCertificate"));
                }
                else
                {
                    item["certificate"] = info.ToJson();
                }
            }
        }
    }
}
