using System.Text.Json.Nodes;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Management;

/// <summary>
/// One entity kind exercised by the generic CRUD tests: how to create what it needs, a valid body,
/// a PATCH that changes it, and which properties are secret.
/// </summary>
public sealed record EntityCase(
    string Name,
    Func<ArmClient, string, Task<string>> Arrange,
    JsonObject Properties,
    JsonObject? Patch = null,
    string[]? Secrets = null,
    bool IfMatchOnDelete = true,
    bool IsLink = false)
{
    public override string ToString() => Name;

    public static readonly string Policy = "<policies><inbound><base /><set-header name=\"x-test\" exists-action=\"override\"><value>1</value></set-header></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>";

    public static IReadOnlyList<EntityCase> All { get; } = Build();

    public static IEnumerable<object[]> Names => All.Select(c => new object[] { c.Name });

    public static EntityCase Get(string name) => All.Single(c => c.Name == name);

    private static List<EntityCase> Build()
    {
        static Task<string> At(string path) => Task.FromResult(path);
        static JsonObject Props(params (string Key, JsonNode? Value)[] values)
        {
            var o = new JsonObject();
            foreach (var (k, v) in values)
            {
                o[k] = v;
            }

            return o;
        }

        return
        [
            new("apis", (_, s) => At($"{s}/apis/{Unique("api")}"),
                Props(("displayName", "Orders"), ("path", Unique("orders")), ("serviceUrl", "https://backend.example/orders"), ("protocols", new JsonArray("https"))),
                Props(("displayName", "Orders v2"))),
            new("apis/operations", async (arm, s) => $"{await Api(arm, s)}/operations/{Unique("op")}",
                Props(("displayName", "Get order"), ("method", "GET"), ("urlTemplate", "/orders/{id}"),
                    ("templateParameters", new JsonArray(new JsonObject { ["name"] = "id", ["type"] = "string", ["required"] = true }))),
                Props(("description", "Reads one order"))),
            new("apis/policies", async (arm, s) => $"{await Api(arm, s)}/policies/policy", Props(("value", Policy), ("format", "xml"))),
            new("apis/operations/policies", async (arm, s) => $"{await Operation(arm, s)}/policies/policy", Props(("value", Policy), ("format", "rawxml"))),
            new("apis/schemas", async (arm, s) => $"{await Api(arm, s)}/schemas/{Unique("schema")}",
                Props(("contentType", "application/vnd.oai.openapi.components+json"), ("document", new JsonObject { ["components"] = new JsonObject { ["schemas"] = new JsonObject() } }))),
            new("apis/tags", async (arm, s) => $"{await Api(arm, s)}/tags/{await Tag(arm, s)}", [], IfMatchOnDelete: false, IsLink: true),
            new("apis/operations/tags", async (arm, s) => $"{await Operation(arm, s)}/tags/{await Tag(arm, s)}", [], IfMatchOnDelete: false, IsLink: true),
            new("apis/releases", async (arm, s) => $"{await Api(arm, s)}/releases/{Unique("rel")}", Props(("notes", "first release")), Props(("notes", "patched"))),
            new("apis/diagnostics", async (arm, s) =>
                {
                    var api = await Api(arm, s);
                    await Logger(arm, s, "shared-logger");
                    return $"{api}/diagnostics/applicationinsights";
                },
                Props(("loggerId", "/loggers/shared-logger"), ("alwaysLog", "allErrors")), Props(("verbosity", "error"))),
            new("products", (_, s) => At($"{s}/products/{Unique("prod")}"), Props(("displayName", "Gold"), ("subscriptionRequired", true)), Props(("state", "published"))),
            new("products/apis", async (arm, s) => $"{await Product(arm, s)}/apis/{Last(await Api(arm, s))}", [], IfMatchOnDelete: false, IsLink: true),
            new("products/groups", async (arm, s) => $"{await Product(arm, s)}/groups/{Last(await Group(arm, s))}", [], IfMatchOnDelete: false, IsLink: true),
            new("products/policies", async (arm, s) => $"{await Product(arm, s)}/policies/policy", Props(("value", Policy))),
            new("products/tags", async (arm, s) => $"{await Product(arm, s)}/tags/{await Tag(arm, s)}", [], IfMatchOnDelete: false, IsLink: true),
            new("groups", (_, s) => At($"{s}/groups/{Unique("grp")}"), Props(("displayName", "Partners")), Props(("description", "External partners"))),
            new("groups/users", async (arm, s) => $"{await Group(arm, s)}/users/{Last(await User(arm, s))}", [], IfMatchOnDelete: false, IsLink: true),
            new("users", (_, s) => At($"{s}/users/{Unique("user")}"),
                Props(("email", Unique("u") + "@example.com"), ("firstName", "Ada"), ("lastName", "Lovelace"), ("password", "Sup3r-secret!")),
                Props(("note", "VIP")), ["password"]),
            new("subscriptions", (_, s) => At($"{s}/subscriptions/{Unique("sub")}"),
                Props(("displayName", "All APIs"), ("scope", "/apis"), ("state", "active"), ("primaryKey", "primary-" + Unique("k")), ("secondaryKey", "secondary-" + Unique("k"))),
                Props(("state", "suspended")), ["primaryKey", "secondaryKey"]),
            new("namedValues", (_, s) => At($"{s}/namedValues/{Unique("nv")}"),
                Props(("displayName", "backend-key"), ("value", "s3cr3t-value"), ("secret", true), ("tags", new JsonArray("a"))),
                Props(("tags", new JsonArray("b"))), ["value"]),
            new("backends", (_, s) => At($"{s}/backends/{Unique("be")}"),
                Props(("url", "https://backend.example"), ("protocol", "http"),
                    ("credentials", new JsonObject { ["authorization"] = new JsonObject { ["scheme"] = "Basic", ["parameter"] = "dXNlcjpwYXNz" }, ["header"] = new JsonObject { ["x-a"] = new JsonArray("b") } })),
                Props(("title", "Orders backend")), ["credentials.authorization.parameter", "credentials.header"]),
            new("certificates", (_, s) => At($"{s}/certificates/{Unique("cert")}"),
                Props(("data", TestCertificates.Pfx("backend.example", "pfx-pass").Base64Pfx), ("password", "pfx-pass")), null, ["data", "password"]),
            new("loggers", (_, s) => At($"{s}/loggers/{Unique("log")}"),
                Props(("loggerType", "applicationInsights"), ("credentials", new JsonObject { ["instrumentationKey"] = "ikey-secret" })),
                Props(("description", "AI")), ["credentials"]),
            new("diagnostics", async (arm, s) =>
                {
                    await Logger(arm, s, "shared-logger");
                    return $"{s}/diagnostics/applicationinsights";
                },
                Props(("loggerId", "/loggers/shared-logger")), Props(("logClientIp", true))),
            new("policies", (_, s) => At($"{s}/policies/policy"), Props(("value", Policy), ("format", "xml"))),
            new("tags", (_, s) => At($"{s}/tags/{Unique("tag")}"), Props(("displayName", "internal")), Props(("displayName", "Internal"))),
            new("apiVersionSets", (_, s) => At($"{s}/apiVersionSets/{Unique("vs")}"),
                Props(("displayName", "Orders"), ("versioningScheme", "Header"), ("versionHeaderName", "api-version")), Props(("description", "versions"))),
            new("identityProviders", (_, s) => At($"{s}/identityProviders/aad"),
                Props(("clientId", "client-1"), ("clientSecret", "idp-secret"), ("allowedTenants", new JsonArray("contoso.onmicrosoft.com"))),
                Props(("clientId", "client-2")), ["clientSecret"]),
            new("authorizationServers", (_, s) => At($"{s}/authorizationServers/{Unique("as")}"),
                Props(("displayName", "Contoso OAuth"), ("clientRegistrationEndpoint", "https://login.example/register"), ("authorizationEndpoint", "https://login.example/authorize"),
                    ("grantTypes", new JsonArray("authorizationCode")), ("clientId", "c1"), ("clientSecret", "as-secret")),
                Props(("description", "oauth")), ["clientSecret"]),
            new("openidConnectProviders", (_, s) => At($"{s}/openidConnectProviders/{Unique("oidc")}"),
                Props(("displayName", "Contoso OIDC"), ("metadataEndpoint", "https://login.example/.well-known/openid-configuration"), ("clientId", "c1"), ("clientSecret", "oidc-secret")),
                Props(("description", "oidc")), ["clientSecret"]),
            new("replications", (_, s) => At($"{s}/replications/{Unique("r")}"),
                Props(("storageAccount", "devstoreaccount1"), ("containerName", "no-such-container"), ("accessKey", "replication-account-key")),
                Props(("retentionDays", 3)), ["accessKey"]),
            new("backupSchedules", (_, s) => At($"{s}/backupSchedules/{Unique("b")}"),
                Props(("cron", "0 3 * * *"), ("storageAccount", "devstoreaccount1"), ("containerName", "no-such-container"), ("accessKey", "schedule-account-key")),
                Props(("retentionCount", 3)), ["accessKey"]),
            new("contentTypes", (_, s) => At($"{s}/contentTypes/c-{Unique("ct")}"), Props(("name", "Page"), ("schema", new JsonObject { ["type"] = "object" })), IfMatchOnDelete: false),
            new("contentTypes/contentItems", async (arm, s) =>
                {
                    var type = $"{s}/contentTypes/c-{Unique("ct")}";
                    await arm.CreateAsync(type, Props(("name", "Page")));
                    return $"{type}/contentItems/{Unique("item")}";
                },
                Props(("en_us", new JsonObject { ["title"] = "Home" })), IfMatchOnDelete: false),
        ];
    }

    public static string Unique(string prefix) => Infrastructure.Names.Unique(prefix);

    private static string Last(string path) => path[(path.LastIndexOf('/') + 1)..];

    private static async Task<string> Api(ArmClient arm, string service)
    {
        var path = $"{service}/apis/{Unique("api")}";
        await arm.CreateAsync(path, new JsonObject { ["displayName"] = "Api", ["path"] = Unique("p"), ["serviceUrl"] = "https://backend.example" });
        return path;
    }

    private static async Task<string> Operation(ArmClient arm, string service)
    {
        var path = $"{await Api(arm, service)}/operations/{Unique("op")}";
        await arm.CreateAsync(path, new JsonObject { ["displayName"] = "Op", ["method"] = "GET", ["urlTemplate"] = "/x" });
        return path;
    }

    private static async Task<string> Tag(ArmClient arm, string service)
    {
        var name = Unique("tag");
        await arm.CreateAsync($"{service}/tags/{name}", new JsonObject { ["displayName"] = name });
        return name;
    }

    private static async Task<string> Product(ArmClient arm, string service)
    {
        var path = $"{service}/products/{Unique("prod")}";
        await arm.CreateAsync(path, new JsonObject { ["displayName"] = "Product" });
        return path;
    }

    private static async Task<string> Group(ArmClient arm, string service)
    {
        var path = $"{service}/groups/{Unique("grp")}";
        await arm.CreateAsync(path, new JsonObject { ["displayName"] = "Group" });
        return path;
    }

    private static async Task<string> User(ArmClient arm, string service)
    {
        var path = $"{service}/users/{Unique("user")}";
        await arm.CreateAsync(path, new JsonObject { ["email"] = Unique("e") + "@example.com", ["firstName"] = "A", ["lastName"] = "B" });
        return path;
    }

    private static async Task Logger(ArmClient arm, string service, string name) =>
        await arm.PutAsync($"{service}/loggers/{name}", new JsonObject
        {
            ["properties"] = new JsonObject { ["loggerType"] = "applicationInsights", ["credentials"] = new JsonObject { ["instrumentationKey"] = "k" } },
        });
}
