using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Model;

namespace OpenApim.Server.Tools;

/// <summary>
/// Generates the rows of a realistic service (APIs with operations and policies, products linking
/// them, users in Developers, subscriptions with keys, named values) the way the management API
/// would have stored them, for benchmarks, kill tests and DR rehearsals.
/// </summary>
internal static class ReferenceData
{
    public const string Policy = """
        <policies>
          <inbound>
            <base />
            <rate-limit calls="1000000000" renewal-period="60" />
            <set-header name="x-openapim-reference" exists-action="override">
              <value>reference</value>
            </set-header>
          </inbound>
          <backend>
            <base />
          </backend>
          <outbound>
            <base />
            <set-header name="x-powered-by" exists-action="delete" />
          </outbound>
          <on-error>
            <base />
          </on-error>
        </policies>
        """;

    /// <summary>
    /// The kinds <see cref="Rows"/> produces (a bulk import replaces exactly these). Users are not made members of
    /// Developers here (the API does that for users it creates); the reference dataset has no group memberships.
    /// </summary>
    public static readonly IReadOnlyCollection<ResourceKind> Kinds =
    [
        KindCatalog.Apis, KindCatalog.ApiOperations, KindCatalog.ApiPolicies, KindCatalog.Products, KindCatalog.ProductApis,
        KindCatalog.Users, KindCatalog.Subscriptions, KindCatalog.NamedValues,
    ];

    public static IEnumerable<RawResource> Rows(ReferenceSize size, DateTimeOffset now, string backendUrl = "http://127.0.0.1:9")
    {
        var stamp = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        RawResource Row(ResourceKind kind, string path, JsonObject properties) => RawResource.FromRelativeId(
            path, kind, properties["displayName"]?.GetValue<string>(), new JsonObject { ["properties"] = properties }.ToJsonString(), now, now);

        for (var a = 0; a < size.Apis; a++)
        {
            var api = $"api-{a:D4}";
            yield return Row(KindCatalog.Apis, $"apis/{api}", new JsonObject
            {
                ["displayName"] = $"API {a}",
                ["description"] = $"Reference API number {a}",
                ["path"] = $"svc{a:D4}",
                ["serviceUrl"] = $"{backendUrl}/api{a}",
                ["protocols"] = new JsonArray("http", "https"),
                ["type"] = "http",
                ["apiRevision"] = "1",
                ["isCurrent"] = true,
                ["subscriptionRequired"] = true,
                ["subscriptionKeyParameterNames"] = new JsonObject { ["header"] = "Ocp-Apim-Subscription-Key", ["query"] = "subscription-key" },
            });
            yield return Row(KindCatalog.ApiPolicies, $"apis/{api}/policies/policy", new JsonObject { ["value"] = Policy, ["format"] = "xml" });
            for (var o = 0; o < size.OperationsPerApi; o++)
            {
                var method = (o % 4) switch { 0 => "GET", 1 => "POST", 2 => "PUT", _ => "DELETE" };
                yield return Row(KindCatalog.ApiOperations, $"apis/{api}/operations/op-{o:D2}", new JsonObject
                {
                    ["displayName"] = $"Operation {o}",
                    ["method"] = method,
                    ["urlTemplate"] = $"/resource{o / 4}/{{id}}",
                    ["templateParameters"] = new JsonArray(new JsonObject { ["name"] = "id", ["type"] = "string", ["required"] = true, ["values"] = new JsonArray() }),
                    ["responses"] = new JsonArray(new JsonObject { ["statusCode"] = 200, ["description"] = "OK", ["representations"] = new JsonArray(), ["headers"] = new JsonArray() }),
                });
            }
        }

        for (var p = 0; p < size.Products; p++)
        {
            yield return Row(KindCatalog.Products, $"products/product-{p:D3}", new JsonObject
            {
                ["displayName"] = $"Product {p}",
                ["description"] = $"Reference product {p}",
                ["subscriptionRequired"] = true,
                ["approvalRequired"] = false,
                ["state"] = "published",
            });
            for (var a = p; a < size.Apis; a += size.Products)
            {
                yield return Row(KindCatalog.ProductApis, $"products/product-{p:D3}/apis/api-{a:D4}", []);
            }
        }

        for (var u = 0; u < size.Users; u++)
        {
            var email = $"user{u}@reference.example";
            yield return Row(KindCatalog.Users, $"users/user-{u:D6}", new JsonObject
            {
                ["email"] = email,
                ["firstName"] = "User",
                ["lastName"] = u.ToString(CultureInfo.InvariantCulture),
                ["state"] = "active",
                ["registrationDate"] = stamp,
                ["identities"] = new JsonArray(new JsonObject { ["provider"] = "Basic", ["id"] = email }),
            });
        }

        for (var s = 0; s < size.Subscriptions; s++)
        {
            yield return Row(KindCatalog.Subscriptions, $"subscriptions/sub-{s:D6}", new JsonObject
            {
                ["displayName"] = $"Subscription {s}",
                ["scope"] = $"/products/product-{s % size.Products:D3}",
                ["ownerId"] = $"/users/user-{s % size.Users:D6}",
                ["state"] = "active",
                ["primaryKey"] = RandomNumberGenerator.GetHexString(32, lowercase: true),
                ["secondaryKey"] = RandomNumberGenerator.GetHexString(32, lowercase: true),
                ["createdDate"] = stamp,
                ["startDate"] = stamp,
                ["allowTracing"] = false,
            });
        }

        for (var n = 0; n < size.NamedValues; n++)
        {
            yield return Row(KindCatalog.NamedValues, $"namedValues/nv-{n:D5}", new JsonObject
            {
                ["displayName"] = $"nv-{n:D5}",
                ["value"] = n % 5 == 0 ? RandomNumberGenerator.GetHexString(40, lowercase: true) : $"value-{n}",
                ["secret"] = n % 5 == 0,
                ["tags"] = new JsonArray("reference"),
            });
        }
    }
}
