using System.Text.Json;
using System.Text.Json.Nodes;
using OpenApim.Resources.Kinds.Service;

namespace OpenApim.Gateway.Configuration;

/// <summary>
/// Compact forms of the entities the gateway reads, parsed once when a row changes. A service's cache of
/// these is refreshed incrementally, so a change costs a read of the changed rows, not of the service.
/// </summary>
internal abstract record GatewayRecord
{
    /// <summary>Reads a stored row into its compact form; null for kinds the gateway ignores.</summary>
    public static GatewayRecord? From(string kind, string relativeId, string body)
    {
        var names = relativeId.Split('/').Where((_, i) => i % 2 == 1).ToArray();

        // Subscriptions and users are most of a big service: read them without building a node tree.
        if (kind is "subscriptions" or "users")
        {
            using var doc = JsonDocument.Parse(body);
            var props = doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("properties", out var pe) && pe.ValueKind == JsonValueKind.Object
                ? pe
                : throw new FormatException($"The {kind} row {relativeId} has no properties object.");
            string? Str(string name) => props.ValueKind == JsonValueKind.Object && props.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            return kind == "users"
                ? new UserRecord(names[0], Str("state") ?? "active")
                : new SubscriptionRecord(names[0], Str("scope") ?? "/apis", Last(Str("ownerId")), Str("state") ?? "submitted", Str("primaryKey"), Str("secondaryKey"),
                    Str("expirationDate") is { } expires && DateTimeOffset.TryParse(expires, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null);
        }

        var p = (JsonNode.Parse(body) as JsonObject)?["properties"] as JsonObject ?? throw new FormatException($"The {kind} row {relativeId} has no properties object.");
        return kind switch
        {
            ServiceKind.Name => new ServiceRecord(ServiceKind.ProxyHosts(JsonNode.Parse(body) as JsonObject ?? [])),
            "apis" => new ApiRecord(
                names[0], S(p, "path") ?? "", S(p, "serviceUrl"),
                B(p, "subscriptionRequired") ?? true,
                S(p["subscriptionKeyParameterNames"], "header") ?? "Ocp-Apim-Subscription-Key",
                S(p["subscriptionKeyParameterNames"], "query") ?? "subscription-key",
                Last(S(p, "apiVersionSetId")), S(p, "apiVersion"), B(p, "isCurrent") ?? true),
            "apis/operations" => new OperationRecord(names[0], names[1], S(p, "method") ?? "GET", S(p, "urlTemplate") ?? "/"),
            "policies" or "apis/policies" or "apis/operations/policies" or "products/policies" => new PolicyRecord(kind, [.. names[..^1]], S(p, "value") ?? ""),
            "products" => new ProductRecord(names[0], S(p, "state") ?? "notPublished", B(p, "subscriptionRequired") ?? true),
            "products/apis" => new ProductApiRecord(names[0], names[1]),
            "namedValues" => new NamedValueRecord(S(p, "displayName") ?? names[0], S(p, "value") ?? ""),
            "backends" => new BackendRecord(names[0], S(p, "url") ?? "", Map(p["credentials"]?["header"]), Map(p["credentials"]?["query"]),
                p["credentials"]?["authorization"] is JsonObject auth ? $"{S(auth, "scheme")} {S(auth, "parameter")}".Trim() : null),
            "apiVersionSets" => new VersionSetRecord(names[0], S(p, "versioningScheme") ?? "Segment", S(p, "versionQueryName"), S(p, "versionHeaderName")),
            _ => null,
        };
    }

    /// <summary>The kinds the gateway reads.</summary>
    public static readonly IReadOnlyCollection<string> Kinds =
    [
        ServiceKind.Name, "apis", "apis/operations", "policies", "apis/policies", "apis/operations/policies", "products/policies",
        "products", "products/apis", "subscriptions", "users", "namedValues", "backends", "apiVersionSets",
    ];

    private static string? S(JsonNode? node, string name) => node?[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static bool? B(JsonNode? node, string name) => node?[name] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    private static string? Last(string? reference) => reference is null ? null : reference[(reference.LastIndexOf('/') + 1)..];

    private static Dictionary<string, string[]> Map(JsonNode? node) =>
        (node as JsonObject ?? []).ToDictionary(
            kv => kv.Key,
            kv => kv.Value is JsonArray a ? a.Select(x => x?.ToString() ?? "").ToArray() : new[] { kv.Value?.ToString() ?? "" },
            StringComparer.OrdinalIgnoreCase);
}

internal sealed record ServiceRecord(IReadOnlyList<string> ProxyHosts) : GatewayRecord;

internal sealed record ApiRecord(string Name, string Path, string? ServiceUrl, bool SubscriptionRequired, string KeyHeader, string KeyQuery, string? VersionSet, string? ApiVersion, bool IsCurrent) : GatewayRecord;

internal sealed record OperationRecord(string Api, string Name, string Method, string UrlTemplate) : GatewayRecord;

/// <summary>A policy; <see cref="Owner"/> names its scope (e.g. [api] or [api, operation] or [product]).</summary>
internal sealed record PolicyRecord(string Kind, IReadOnlyList<string> Owner, string Xml) : GatewayRecord;

internal sealed record ProductRecord(string Name, string State, bool SubscriptionRequired) : GatewayRecord;

internal sealed record ProductApiRecord(string Product, string Api) : GatewayRecord;

internal sealed record SubscriptionRecord(string Name, string Scope, string? Owner, string State, string? PrimaryKey, string? SecondaryKey, DateTimeOffset? ExpiresAt) : GatewayRecord;

internal sealed record UserRecord(string Name, string State) : GatewayRecord;

internal sealed record NamedValueRecord(string DisplayName, string Value) : GatewayRecord;

internal sealed record BackendRecord(string Name, string Url, IReadOnlyDictionary<string, string[]> Headers, IReadOnlyDictionary<string, string[]> Query, string? Authorization) : GatewayRecord;

internal sealed record VersionSetRecord(string Name, string Scheme, string? QueryName, string? HeaderName) : GatewayRecord;
