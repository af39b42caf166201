using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Management;

/// <summary>API import from OpenAPI 3 and Swagger 2 (inline and by link) and export, as az apim api import and the SDKs drive them.</summary>
public abstract class ApiImportTests(ServerFixture fixture)
{
    public const string Petstore = """
        openapi: "3.0.0"
        info:
          version: 1.0.0
          title: Swagger Petstore
          description: A sample API
        servers:
          - url: http://petstore.example.com/v1
        paths:
          /pets:
            get:
              summary: List all pets
              operationId: listPets
              parameters:
                - name: limit
                  in: query
                  required: false
                  schema: {type: integer, default: 20}
                - name: x-trace
                  in: header
                  schema: {type: string, enum: [on, off]}
              responses:
                '200':
                  description: A paged array of pets
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/Pets"}
                default:
                  description: unexpected error
            post:
              summary: Create a pet
              operationId: createPets
              requestBody:
                content:
                  application/json:
                    schema:
                      type: object
                      properties: {name: {type: string}}
              responses:
                '201': {description: Created}
          /pets/{petId}:
            parameters:
              - name: petId
                in: path
                required: true
                description: The id of the pet
                schema: {type: string}
            get:
              summary: Info for a specific pet
              operationId: showPetById
              responses:
                '200':
                  description: One pet
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/Pet"}
          /pets/{petId}/photos:
            put:
              responses:
                '204': {description: Stored}
        components:
          schemas:
            Pet:
              type: object
              required: [id, name]
              properties:
                id: {type: integer, format: int64}
                name: {type: string}
            Pets:
              type: array
              items: {$ref: "#/components/schemas/Pet"}
        """;

    private const string Swagger = """
        {"swagger":"2.0","info":{"title":"Orders","version":"2"},"host":"orders.example.com","basePath":"/v2","schemes":["https"],
         "paths":{"/orders/{id}":{"get":{"operationId":"getOrder","parameters":[{"name":"id","in":"path","required":true,"type":"string"}],
           "responses":{"200":{"description":"ok","schema":{"$ref":"#/definitions/Order"}}}}}},
         "definitions":{"Order":{"type":"object","properties":{"id":{"type":"string"}}}}}
        """;

    private ArmClient Arm => fixture.Arm;

    private static JsonObject Import(string format, string value, string path = "petstore", JsonObject? extra = null)
    {
        var properties = new JsonObject { ["format"] = format, ["value"] = value, ["path"] = path };
        foreach (var (key, node) in extra ?? [])
        {
            properties[key] = node?.DeepClone();
        }

        return new JsonObject { ["properties"] = properties };
    }

    private async Task<Dictionary<string, JsonObject>> OperationsAsync(string api) =>
        (await Arm.GetAsync($"{api}/operations")).Json["value"]!.AsArray()
            .ToDictionary(o => o!["name"]!.GetValue<string>(), o => o!["properties"]!.AsObject());

    [Fact]
    public async Task An_OpenAPI_import_creates_the_API_its_operations_and_its_schema()
    {
        var service = await Arm.CreateServiceAsync();
        var api = $"{service}/apis/petstore";
        var put = await Arm.PutAsync(api, Import("openapi", Petstore));
        Assert.Equal(HttpStatusCode.Created, put.Status);
        Assert.Equal("Swagger Petstore", put.Properties["displayName"]!.GetValue<string>());
        Assert.Equal("A sample API", put.Properties["description"]!.GetValue<string>());
        Assert.Equal("http://petstore.example.com/v1", put.Properties["serviceUrl"]!.GetValue<string>());
        Assert.Null(put.Properties["value"]);
        Assert.Null(put.Properties["format"]);

        var operations = await OperationsAsync(api);
        Assert.Equal(["createPets", "listPets", "put-pets-petid-photos", "showPetById"], operations.Keys.Order(StringComparer.Ordinal));
        var list = operations["listPets"];
        Assert.Equal("GET", list["method"]!.GetValue<string>());
        Assert.Equal("/pets", list["urlTemplate"]!.GetValue<string>());
        var limit = list["request"]!["queryParameters"]!.AsArray().Single()!;
        Assert.Equal(("limit", "integer", "20", false), (limit["name"]!.GetValue<string>(), limit["type"]!.GetValue<string>(), limit["defaultValue"]!.GetValue<string>(), limit["required"]!.GetValue<bool>()));
        Assert.Equal(["on", "off"], list["request"]!["headers"]![0]!["values"]!.AsArray().Select(v => v!.GetValue<string>()));
        var ok = list["responses"]!.AsArray().Single()!;
        Assert.Equal(200, ok["statusCode"]!.GetValue<int>());
        Assert.Equal("Pets", ok["representations"]![0]!["typeName"]!.GetValue<string>());

        var show = operations["showPetById"];
        Assert.Equal("/pets/{petId}", show["urlTemplate"]!.GetValue<string>());
        var petId = show["templateParameters"]!.AsArray().Single()!;
        Assert.Equal(("petId", true, "The id of the pet"), (petId["name"]!.GetValue<string>(), petId["required"]!.GetValue<bool>(), petId["description"]!.GetValue<string>()));
        Assert.Equal("PUT /pets/{petId}/photos", operations["put-pets-petid-photos"]["displayName"]!.GetValue<string>());

        var schemas = (await Arm.GetAsync($"{api}/schemas")).Json["value"]!.AsArray();
        var schema = Assert.Single(schemas)!;
        Assert.Equal("application/vnd.oai.openapi.components+json", schema["properties"]!["contentType"]!.GetValue<string>());
        var types = schema["properties"]!["document"]!["components"]!["schemas"]!.AsObject();
        Assert.Contains("Pet", types.Select(t => t.Key));
        Assert.Contains("createPetsRequest", types.Select(t => t.Key));
        Assert.Equal(schema["name"]!.GetValue<string>(), operations["createPets"]["request"]!["representations"]![0]!["schemaId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Request_properties_win_over_the_specification_and_a_reimport_replaces_operations_but_keeps_their_policies()
    {
        var service = await Arm.CreateServiceAsync();
        var api = $"{service}/apis/petstore";
        var first = await Arm.PutAsync(api, Import("openapi", Petstore, extra: new JsonObject { ["displayName"] = "Pets", ["serviceUrl"] = "https://backend.example.com" }));
        Assert.Equal("Pets", first.Properties["displayName"]!.GetValue<string>());
        Assert.Equal("https://backend.example.com", first.Properties["serviceUrl"]!.GetValue<string>());

        var policy = "<policies><inbound><base /><set-header name=\"x-kept\" exists-action=\"override\"><value>1</value></set-header></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>";
        Assert.Equal(HttpStatusCode.Created, (await Arm.PutAsync($"{api}/operations/listPets/policies/policy", new JsonObject { ["properties"] = new JsonObject { ["value"] = policy } })).Status);

        var smaller = Petstore.Replace("operationId: createPets", "operationId: addPet", StringComparison.Ordinal);
        var again = await Arm.PutAsync(api, Import("openapi", smaller), ifMatch: "*");
        Assert.Equal(HttpStatusCode.OK, again.Status);
        var operations = await OperationsAsync(api);
        Assert.Contains("addPet", operations.Keys);
        Assert.DoesNotContain("createPets", operations.Keys);
        Assert.Equal(HttpStatusCode.OK, (await Arm.GetAsync($"{api}/operations/listPets/policies/policy")).Status);
        Assert.Single((await Arm.GetAsync($"{api}/schemas")).Json["value"]!.AsArray());
    }

    [Fact]
    public async Task A_Swagger_2_import_reads_host_and_base_path()
    {
        var service = await Arm.CreateServiceAsync();
        var put = await Arm.PutAsync($"{service}/apis/orders", Import("swagger-json", Swagger, path: "orders"));
        Assert.Equal(HttpStatusCode.Created, put.Status);
        Assert.Equal("https://orders.example.com/v2", put.Properties["serviceUrl"]!.GetValue<string>());
        var order = (await OperationsAsync($"{service}/apis/orders"))["getOrder"];
        Assert.Equal("/orders/{id}", order["urlTemplate"]!.GetValue<string>());
        Assert.Equal("Order", order["responses"]![0]!["representations"]![0]!["typeName"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("openapi", "openapi: 3.0.0\ninfo: {title: x}\npaths: {}\n", "version")]
    [InlineData("openapi", "not: [valid", "YAML")]
    [InlineData("openapi+json", "openapi: 3.0.0\ninfo: {title: x, version: '1'}\npaths: {}\n", "JSON")]
    [InlineData("swagger-json", "{\"openapi\":\"3.0.0\",\"info\":{\"title\":\"x\",\"version\":\"1\"},\"paths\":{}}", "OpenAPI 3")]
    [InlineData("openapi", "openapi: 3.0.0\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Missing'}\n", "Missing")]
    [InlineData("wsdl", "<definitions/>", "not supported")]
    [InlineData("raml", "#%RAML 1.0", "not an import format")]
    public async Task Bad_specifications_are_refused_with_what_is_wrong_and_create_nothing(string format, string value, string said)
    {
        var service = await Arm.CreateServiceAsync();
        var put = await Arm.PutAsync($"{service}/apis/bad", Import(format, value, path: "bad"));
        Assert.Equal(HttpStatusCode.BadRequest, put.Status);
        Assert.Equal("ValidationError", put.ErrorCode);
        Assert.Contains(said, put.Body!.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.NotFound, (await Arm.GetAsync($"{service}/apis/bad")).Status);
    }

    [Fact]
    public async Task What_an_import_stores_passes_the_request_body_rules_and_empty_names_fall_back()
    {
        var service = await Arm.CreateServiceAsync();
        var nul = "{\"openapi\":\"3.0.0\",\"info\":{\"title\":\"a\\u0000b\",\"version\":\"1\"},\"paths\":{}}";
        var refused = await Arm.PutAsync($"{service}/apis/nul", Import("openapi+json", nul, path: "nul"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Arm.GetAsync($"{service}/apis/nul")).Status);

        var empty = "openapi: 3.0.0\ninfo: {title: '', version: '1'}\npaths:\n  /a:\n    get:\n      summary: ''\n      responses: {'200': {description: ok}}\n";
        var put = await Arm.PutAsync($"{service}/apis/empty", Import("openapi", empty, path: "empty"));
        Assert.Equal(HttpStatusCode.Created, put.Status);
        Assert.Equal("empty", put.Properties["displayName"]!.GetValue<string>());
        Assert.Equal("GET /a", (await OperationsAsync($"{service}/apis/empty"))["get-a"]["displayName"]!.GetValue<string>());

        // Export copes with what a plain PUT may store.
        await Arm.CreateAsync($"{service}/apis/empty/operations/odd", new JsonObject
        {
            ["displayName"] = "odd", ["method"] = "GET", ["urlTemplate"] = "/odd", ["request"] = new JsonObject { ["representations"] = new JsonArray("x", 5) },
        });
        Assert.Equal(HttpStatusCode.OK, (await Arm.GetAsync($"{service}/apis/empty?export=true&format=openapi%2Bjson")).Status);
    }

    [Fact]
    public async Task A_YAML_alias_bomb_is_refused_quickly()
    {
        var bomb = "openapi: 3.0.0\ninfo: {title: x, version: '1'}\npaths: {}\nx-a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n";
        for (var (level, previous) = (0, 'a'); level < 9; level++, previous++)
        {
            var name = (char)(previous + 1);
            bomb += $"x-{name}: &{name} [{string.Join(',', Enumerable.Repeat($"*{previous}", 9))}]\n";
        }

        var service = await Arm.CreateServiceAsync();
        var put = await Arm.PutAsync($"{service}/apis/bomb", Import("openapi", bomb, path: "bomb"));
        Assert.Equal(HttpStatusCode.BadRequest, put.Status);
        Assert.Contains("alias", put.ErrorMessage, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Link_imports_are_refused_unless_the_server_allows_the_host()
    {
        var service = await Arm.CreateServiceAsync();
        var put = await Arm.PutAsync($"{service}/apis/linked", Import("openapi-link", "http://127.0.0.1:1/petstore.yaml", path: "linked"));
        Assert.Equal(HttpStatusCode.BadRequest, put.Status);
        Assert.Contains("OPENAPIM_IMPORT_LINK_HOSTS", put.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await Arm.GetAsync($"{service}/apis/linked")).Status);
    }

    [Fact]
    public async Task Export_gives_a_short_lived_link_or_the_document_in_the_asked_format_and_it_imports_back()
    {
        var service = await Arm.CreateServiceAsync();
        var api = $"{service}/apis/petstore";
        await Arm.PutAsync(api, Import("openapi", Petstore));

        var linked = await Arm.GetAsync($"{api}?export=true&format=openapi-link");
        Assert.Equal(HttpStatusCode.OK, linked.Status);
        Assert.Equal("openapi-link", linked.Json["format"]!.GetValue<string>());
        using var anonymous = fixture.Server.CreateHttpClient();
        var yaml = await anonymous.GetStringAsync(linked.Json["value"]!["link"]!.GetValue<string>());
        Assert.Contains("/pets/{petId}", yaml, StringComparison.Ordinal);
        Assert.Contains("title: Swagger Petstore", yaml, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/exports/not-a-token")).StatusCode);

        var swagger = await Arm.GetAsync($"{api}?export=true&format=swagger-link");
        Assert.Equal("swagger-link-json", swagger.Json["format"]!.GetValue<string>());
        var swaggerDocument = JsonNode.Parse(await anonymous.GetStringAsync(swagger.Json["value"]!["link"]!.GetValue<string>()))!;
        Assert.Equal("2.0", swaggerDocument["swagger"]!.GetValue<string>());
        Assert.Equal("/petstore", swaggerDocument["basePath"]!.GetValue<string>());

        var inline = await Arm.GetAsync($"{api}?export=true&format=openapi%2Bjson");
        var document = inline.Json["value"]!.AsObject();
        Assert.Equal("Ocp-Apim-Subscription-Key", document["components"]!["securitySchemes"]!["apiKeyHeader"]!["name"]!.GetValue<string>());
        Assert.Equal("InvalidExportFormat", (await Arm.GetAsync($"{api}?export=true&format=wsdl-link")).ErrorCode);

        var copy = await Arm.PutAsync($"{service}/apis/copy", Import("openapi+json", document.ToJsonString(), path: "copy"));
        Assert.Equal(HttpStatusCode.Created, copy.Status);
        var original = await OperationsAsync(api);
        var copied = await OperationsAsync($"{service}/apis/copy");
        Assert.Equal(original.Keys.Order(StringComparer.Ordinal), copied.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(original["showPetById"]["urlTemplate"]!.GetValue<string>(), copied["showPetById"]["urlTemplate"]!.GetValue<string>());
        Assert.Equal("Pet", copied["showPetById"]["responses"]![0]!["representations"]![0]!["typeName"]!.GetValue<string>());
    }
}

public sealed class ApiImportTestsOnSqlite(SqliteServer fixture) : ApiImportTests(fixture), IClassFixture<SqliteServer>;

public sealed class ApiImportTestsOnPostgres(PostgresServer fixture) : ApiImportTests(fixture), IClassFixture<PostgresServer>;

/// <summary>Link imports on a server that allows one host: fetched within limits, never from another host, redirects included.</summary>
public sealed class ApiImportLinkTests
{
    [Fact]
    public async Task Allowed_links_are_fetched_and_everything_else_is_refused()
    {
        await using var specs = await SpecHost.StartAsync();
        await using var server = await OpenApimInstance.StartAsync(StoreKind.Sqlite, null, "--OPENAPIM_IMPORT_LINK_HOSTS=127.0.0.1");
        using var arm = await server.CreateArmClientAsync();
        var service = await arm.CreateServiceAsync();

        JsonObject Link(string url) => new() { ["properties"] = new JsonObject { ["format"] = "openapi-link", ["value"] = url, ["path"] = "linked" } };

        var fetched = await arm.PutAsync($"{service}/apis/linked", Link($"{specs.Url}/petstore.yaml"));
        Assert.Equal(HttpStatusCode.Created, fetched.Status);
        Assert.Equal("Swagger Petstore", fetched.Properties["displayName"]!.GetValue<string>());

        var elsewhere = await arm.PutAsync($"{service}/apis/other", Link(specs.Url.Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + "/petstore.yaml"));
        Assert.Contains("is not one this server may fetch", elsewhere.ErrorMessage, StringComparison.Ordinal);

        var redirected = await arm.PutAsync($"{service}/apis/other", Link($"{specs.Url}/away"));
        Assert.Contains("'localhost' is not one", redirected.ErrorMessage, StringComparison.Ordinal);

        var huge = await arm.PutAsync($"{service}/apis/other", Link($"{specs.Url}/huge?sig=secret-token"));
        Assert.Contains("larger than", huge.ErrorMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token", huge.Body!.ToJsonString(), StringComparison.Ordinal);

        var missing = await arm.PutAsync($"{service}/apis/other", Link($"{specs.Url}/missing"));
        Assert.Contains("answered 404", missing.ErrorMessage, StringComparison.Ordinal);

        // An allowed name that resolves to an internal address is refused (DNS must not reach local services).
        await using var named = await OpenApimInstance.StartAsync(StoreKind.Sqlite, null, "--OPENAPIM_IMPORT_LINK_HOSTS=localhost");
        using var namedArm = await named.CreateArmClientAsync();
        var namedService = await namedArm.CreateServiceAsync();
        var internalHost = await namedArm.PutAsync($"{namedService}/apis/other", Link(specs.Url.Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + "/petstore.yaml"));
        Assert.Contains("internal addresses", internalHost.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("answered 404", missing.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await arm.GetAsync($"{service}/apis/other")).Status);
    }

    /// <summary>A real Kestrel host serving a specification, a redirect to another host name, an endless body and a 404.</summary>
    private sealed class SpecHost : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private SpecHost(WebApplication app) => _app = app;

        public string Url => _app.Urls.Single();

        public static async Task<SpecHost> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            app.MapGet("/petstore.yaml", () => Results.Text(ApiImportTests.Petstore, "application/yaml"));
            app.MapGet("/away", (HttpContext c) => Results.Redirect($"http://localhost:{c.Connection.LocalPort}/petstore.yaml"));
            app.MapGet("/huge", async (HttpContext c) =>
            {
                var chunk = new byte[64 * 1024];
                for (var i = 0; i < 200 && !c.RequestAborted.IsCancellationRequested; i++)
                {
                    await c.Response.Body.WriteAsync(chunk, c.RequestAborted);
                }
            });
            await app.StartAsync();
            return new SpecHost(app);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
