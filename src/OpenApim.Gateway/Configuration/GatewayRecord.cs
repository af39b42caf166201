using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Kinds.Service;
using OpenApim.Resources.Model;

namespace OpenApim.Gateway.Configuration;

/// <summary>
/// Compact forms of the entities the gateway reads, parsed once when a row changes. A service's cache of
/// these is refreshed incrementally, so a change costs a read of the changed rows, not of the service.
/// </summary>
internal abstract record GatewayRecord
{
    /// <summary>Reads a stored row into its compact form; null for kinds the gateway ignores.</summary>
    public static GatewayRecord? From(ResourceKind kind, string relativeId, string body)
    {
        var names = relativeId.Split('/').Where((_, i) => i % 2 == 1).ToArray();

        // Subscriptions and users are most of a big service: read them without building a node tree.
        if (kind == KindCatalog.Subscriptions || kind == KindCatalog.Users)
        {
            using var doc = JsonDocument.Parse(body);
            var props = doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("properties", out var pe) && pe.ValueKind == JsonValueKind.Object
                ? pe
                : throw new FormatException($"The {kind} row {relativeId} has no properties object.");
            string? Str(string name) => props.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            return kind == KindCatalog.Users
                ? User(names[0], Str("state"))
                : Subscription(names[0], [.. SubscriptionProperties.Select(Str)]);
        }

        var document = JsonNode.Parse(body) as JsonObject;
        if (kind == ResourceKind.Service)
        {
            return new ServiceRecord(ServiceKind.ProxyHosts(document ?? []));
        }

        if (!Parsers.TryGetValue(kind, out var parse))
        {
            return null;
        }

        var p = document?["properties"] as JsonObject ?? throw new FormatException($"The {kind} row {relativeId} has no properties object.");
        return parse(names, p);
    }

    /// <summary>The subscription properties the gateway reads, in the order <see cref="Subscription"/> takes them.</summary>
    public static readonly IReadOnlyList<string> SubscriptionProperties = ["scope", "ownerId", "state", "primaryKey", "secondaryKey", "expirationDate"];

    /// <summary>A subscription from the values of <see cref="SubscriptionProperties"/> (from a parsed body or read as text by the store).</summary>
    public static SubscriptionRecord Subscription(string name, IReadOnlyList<string?> values) =>
        new(name, values[0] ?? "/apis", Last(values[1]), values[2] ?? "submitted", values[3], values[4],
            values[5] is { } expires && DateTimeOffset.TryParse(expires, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null);

    public static UserRecord User(string name, string? state) => new(name, state ?? "active");

    /// <summary>The kinds the gateway reads.</summary>
    public static readonly IReadOnlyCollection<ResourceKind> Kinds;

    private static readonly Dictionary<ResourceKind, Func<string[], JsonObject, GatewayRecord>> Parsers = new()
    {
        [KindCatalog.Apis] = (n, p) => new ApiRecord(
            n[0], S(p, "path") ?? "", S(p, "serviceUrl"),
            B(p, "subscriptionRequired") ?? true,
            S(p["subscriptionKeyParameterNames"], "header") ?? "Ocp-Apim-Subscription-Key",
            S(p["subscriptionKeyParameterNames"], "query") ?? "subscription-key",
            Last(S(p, "apiVersionSetId")), S(p, "apiVersion"), B(p, "isCurrent") ?? true, S(p, "apiRevision") ?? "1"),
        [KindCatalog.ApiOperations] = (n, p) => new OperationRecord(n[0], n[1], S(p, "method") ?? "GET", S(p, "urlTemplate") ?? "/"),
        [KindCatalog.Products] = (n, p) => new ProductRecord(n[0], S(p, "state") ?? "notPublished", B(p, "subscriptionRequired") ?? true),
        [KindCatalog.ProductApis] = (n, _) => new ProductApiRecord(n[0], n[1]),
        [KindCatalog.NamedValues] = (n, p) => new NamedValueRecord(S(p, "displayName") ?? n[0], S(p, "value") ?? ""),
        [KindCatalog.Backends] = (n, p) => new BackendRecord(n[0], S(p, "url") ?? "", Map(p["credentials"]?["header"]), Map(p["credentials"]?["query"]),
            p["credentials"]?["authorization"] is JsonObject auth ? $"{S(auth, "scheme")} {S(auth, "parameter")}".Trim() : null),
        [KindCatalog.ApiVersionSets] = (n, p) => new VersionSetRecord(n[0], S(p, "versioningScheme") ?? "Segment", S(p, "versionQueryName"), S(p, "versionHeaderName")),
    };

    static GatewayRecord()
    {
        // The policy documents of the scopes the gateway composes: service, product, API, operation.
        foreach (var kind in new[] { KindCatalog.ServicePolicies, KindCatalog.ProductPolicies, KindCatalog.ApiPolicies, KindCatalog.ApiOperationPolicies })
        {
            Parsers[kind] = (n, p) => new PolicyRecord(kind, [.. n[..^1]], S(p, "value") ?? "");
        }

        Kinds = [ResourceKind.Service, KindCatalog.Subscriptions, KindCatalog.Users, .. Parsers.Keys];
    }

    private static string? S(JsonNode? node, string name) => node?[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static bool? B(JsonNode? node, string name) => node?[name] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    private static string? Last(string? reference) => reference is null ? null : reference[(reference.LastIndexOf('/') + 1)..];

    private static Dictionary<string, string[]> Map(JsonNode? node) =>
        (node as JsonObject ?? []).ToDictionary(
            kv => kv.Key,
            kv => kv.Value is JsonArray a ? a.Select(x => x?.ToString() ?? "").ToArray() : new[] { kv.Value?.ToString() ?? "" },
            StringComparer.OrdinalIgnoreCase);
}
