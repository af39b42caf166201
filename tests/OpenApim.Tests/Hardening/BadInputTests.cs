using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Hardening;

/// <summary>
/// Review findings 9 and 16: inputs that used to end in a 500 or in a bare status without the ARM
/// envelope. Each gets a 400 (or 413/414/415) with <c>{"error":{"code","message"}}</c> and changes nothing.
/// </summary>
public abstract class BadInputTests(ServerFixture fixture)
{
    private ArmClient Arm => fixture.Arm;

    private Uri Management => new(fixture.Server.ManagementUrl);

    [Fact]
    public async Task Duplicate_json_keys_are_refused_on_every_kind_of_put()
    {
        var service = await Arm.CreateServiceAsync();
        var app = Guid.NewGuid();
        var cases = new (string Path, string Version, string Body)[]
        {
            ($"{service}/apis/dup", ArmClient.Version, """{"properties":{"path":"a","path":"b"}}"""),
            ($"{service}/apis/dup2", ArmClient.Version, """{"properties":{"path":"a"},"properties":{"path":"b"}}"""),
            ($"{service}/apis/dup3", ArmClient.Version, """{"properties":{"path":"a"},"Properties":{"path":"b"}}"""),
            (ArmClient.ServicePath(Names.Unique("dup")), ArmClient.Version, """{"location":"West Europe","location":"North Europe","sku":{"name":"Developer","capacity":1},"properties":{"publisherEmail":"a@b.c","publisherName":"x"}}"""),
            ($"/subscriptions/{ArmClient.Subscription}/providers/Microsoft.ApiManagement/checkNameAvailability", ArmClient.Version, """{"name":"a","name":"b"}"""),
            ($"{service}/providers/Microsoft.Authorization/roleAssignments/{Guid.NewGuid()}", "2022-04-01",
                """{"properties":{"roleDefinitionId":"acdd72a7-3385-48ef-bd42-f606fba81ae7","principalId":"00000000-0000-0000-0000-000000000001","principalId":"00000000-0000-0000-0000-000000000002"}}"""),
            ($"/providers/OpenApim.Identity/applications/{app}", "2026-01-01", """{"properties":{"displayName":"a","displayName":"b"}}"""),
        };

        foreach (var (path, version, body) in cases)
        {
            var method = path.EndsWith("checkNameAvailability", StringComparison.Ordinal) ? "POST" : "PUT";
            var result = await SendAsync(method, path, version, Encoding.UTF8.GetBytes(body));
            AssertArmError(result, 400, path);
            Assert.Contains("duplicate", result.Json!["error"]!["message"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await Arm.GetAsync($"{service}/apis/dup")).Status);
    }

    [Fact]
    public async Task Invalid_utf8_and_lone_surrogates_are_refused()
    {
        var service = await Arm.CreateServiceAsync();
        byte[][] bodies =
        [
            [.. "{\"properties\":{\"path\":\"a"u8, 0xC3, 0x28, .. "\"}}"u8],
            [.. "{\"properties\":{\"path\":\"a"u8, 0xFF, 0xFE, .. "\"}}"u8],
            Encoding.UTF8.GetBytes("{\"properties\":{\"path\":\"a\\ud800b\"}}"),
            Encoding.UTF8.GetBytes("{\"properties\":{\"path\":\"a\\udc00\"}}"),
            Encoding.UTF8.GetBytes("{\"properties\":{\"path\":\"x\",\"description\":\"\\ud83d\"}}"),
        ];
        foreach (var body in bodies)
        {
            AssertArmError(await SendAsync("PUT", $"{service}/apis/{Names.Unique("u")}", ArmClient.Version, body), 400, Convert.ToHexString(body));
        }

        var patch = await SendAsync("PATCH", service, ArmClient.Version, Encoding.UTF8.GetBytes("{\"properties\":{\"publisherName\":\"\\udfff\"}}"), [("If-Match", "*")]);
        AssertArmError(patch, 400, "service patch");
    }

    [Fact]
    public async Task Wrong_types_in_certificate_fields_are_validation_errors()
    {
        var service = await Arm.CreateServiceAsync();
        foreach (var field in new[] { "encodedCertificate", "certificatePassword" })
        {
            var body = ArmClient.ServiceBody();
            body["properties"]!["hostnameConfigurations"] = new JsonArray(new JsonObject
            {
                ["type"] = "Proxy", ["hostName"] = $"{Names.Unique("h")}.example", [field] = 12345,
                ["encodedCertificate"] = field == "encodedCertificate" ? 12345 : "AAAA",
            });
            var result = await Arm.PutAsync(service, body, ifMatch: "*");
            Assert.True(result.Status == HttpStatusCode.BadRequest, result.ToString());
            Assert.Equal("ValidationError", result.ErrorCode);

            var certificates = ArmClient.ServiceBody();
            certificates["properties"]!["certificates"] = new JsonArray(new JsonObject { ["storeName"] = "Root", [field] = true });
            Assert.Equal("ValidationError", (await Arm.PutAsync(service, certificates, ifMatch: "*")).ErrorCode);
        }

        var entity = await Arm.PutAsync($"{service}/certificates/c1", new JsonObject { ["properties"] = new JsonObject { ["data"] = 5, ["password"] = false } });
        Assert.Equal("ValidationError", entity.ErrorCode);
    }

    [Fact]
    public async Task Deep_and_long_filters_are_refused_with_a_clear_error()
    {
        var service = await Arm.CreateServiceAsync();
        var deep = string.Concat(Enumerable.Repeat("not ", 1000)) + "name eq 'a'";
        var nested = new string('(', 500) + "name eq 'a'" + new string(')', 500);
        var wide = string.Join(" or ", Enumerable.Range(0, 300).Select(i => $"name eq 'n{i}'"));
        foreach (var filter in new[] { deep, nested, wide })
        {
            var result = await Arm.GetAsync($"{service}/apis?$filter={Uri.EscapeDataString(filter)}");
            Assert.True(result.Status == HttpStatusCode.BadRequest, $"{filter[..20]}: {result}");
            Assert.Equal("ValidationError", result.ErrorCode);
            Assert.Equal("$filter", result.Json["error"]!["details"]![0]!["target"]!.GetValue<string>());
        }

        var fine = await Arm.GetAsync($"{service}/apis?$filter={Uri.EscapeDataString("not (name eq 'a' or not (name eq 'b')) and contains(name,'x')")}");
        Assert.Equal(HttpStatusCode.OK, fine.Status);
    }

    [Fact]
    public async Task The_token_endpoint_answers_an_oauth_error_for_too_many_or_too_large_form_fields()
    {
        var fields = string.Join('&', Enumerable.Range(0, 1100).Select(i => $"f{i}=v"));
        var many = await RawHttp.SendAsync(Management, $"POST /{fixture.Server.TenantId}/oauth2/v2.0/token HTTP/1.1",
            [("Content-Type", "application/x-www-form-urlencoded")], Encoding.ASCII.GetBytes("grant_type=client_credentials&" + fields), fixture.Server.Certificate);
        Assert.Equal(400, many.Status);
        Assert.Equal("invalid_request", many.Json!["error"]!.GetValue<string>());

        var big = await RawHttp.SendAsync(Management, $"POST /{fixture.Server.TenantId}/oauth2/v2.0/token HTTP/1.1",
            [("Content-Type", "application/x-www-form-urlencoded")], Encoding.ASCII.GetBytes("grant_type=client_credentials&client_id=" + new string('a', 5_000_000)), fixture.Server.Certificate);
        Assert.True(big.Status is 400 or 413, big.ToString());
        Assert.NotNull(big.Json?["error"]);
    }

    [Fact]
    public async Task Unrouted_and_oversized_paths_answer_with_the_arm_envelope()
    {
        var token = Arm.Http.DefaultRequestHeaders.Authorization!.ToString();
        foreach (var target in new[] { "/nothing-here", "/subscriptions", $"/subscriptions/{ArmClient.Subscription}/resourceGroups/rg/providers/Microsoft.Nope/x/y?api-version=2024-05-01" })
        {
            var result = await RawHttp.SendAsync(Management, $"GET {target} HTTP/1.1", [("Authorization", token)], trust: fixture.Server.Certificate);
            AssertArmError(result, result.Status, target);
            Assert.True(result.Status is 400 or 404, result.ToString());
        }

        var longPath = "/subscriptions/" + new string('a', 20_000);
        var tooLong = await RawHttp.SendAsync(Management, $"GET {longPath} HTTP/1.1", [("Authorization", token)], trust: fixture.Server.Certificate);
        AssertArmError(tooLong, 414, "long path");
    }

    [Fact]
    public async Task A_body_that_is_not_json_gets_415()
    {
        var service = await Arm.CreateServiceAsync();
        foreach (var type in new[] { "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x" })
        {
            var result = await SendAsync("PUT", $"{service}/apis/ct", ArmClient.Version, Encoding.UTF8.GetBytes("""{"properties":{"path":"ct"}}"""), [("Content-Type", type)]);
            AssertArmError(result, 415, type);
        }

        var json = await SendAsync("PUT", $"{service}/apis/ct", ArmClient.Version, Encoding.UTF8.GetBytes("""{"properties":{"path":"ct"}}"""), [("Content-Type", "application/json; charset=utf-8")]);
        Assert.Equal(201, json.Status);
    }

    [Fact]
    public async Task User_emails_are_validated()
    {
        var service = await Arm.CreateServiceAsync();
        foreach (var email in new[] { "not-an-email", "a@", "@b.c", "a b@c.d", "a@b@c.d", "<a@b.c>", "a@b.c\n" })
        {
            var result = await Arm.PutAsync($"{service}/users/{Names.Unique("u")}", new JsonObject
            {
                ["properties"] = new JsonObject { ["email"] = email, ["firstName"] = "A", ["lastName"] = "B" },
            });
            Assert.True(result.ErrorCode == "ValidationError", $"{email}: {result}");
        }

        Assert.Equal(HttpStatusCode.Created, (await Arm.PutAsync($"{service}/users/{Names.Unique("u")}", new JsonObject
        {
            ["properties"] = new JsonObject { ["email"] = "first.last+tag@sub.example.com", ["firstName"] = "A", ["lastName"] = "B" },
        })).Status);
    }

    [Fact]
    public async Task Location_and_next_links_use_the_configured_url_not_the_host_header()
    {
        var service = await Arm.CreateServiceAsync();
        for (var i = 0; i < 3; i++)
        {
            await Arm.CreateAsync($"{service}/tags/t{i}", new JsonObject { ["displayName"] = $"t{i}" });
        }

        var token = Arm.Http.DefaultRequestHeaders.Authorization!.ToString();
        var list = await RawHttp.SendAsync(Management, $"GET {service}/tags?api-version={ArmClient.Version}&$top=1 HTTP/1.1",
            [("Host", "evil.example"), ("Authorization", token)], trust: fixture.Server.Certificate);
        Assert.Equal(200, list.Status);
        Assert.StartsWith(fixture.Server.ManagementUrl + "/", list.Json!["nextLink"]!.GetValue<string>(), StringComparison.Ordinal);

        var created = await RawHttp.SendAsync(Management, $"PUT {ArmClient.ServicePath(Names.Unique("loc"))}?api-version={ArmClient.Version} HTTP/1.1",
            [("Host", "evil.example"), ("Authorization", token), ("Content-Type", "application/json")], Encoding.UTF8.GetBytes(ArmClient.ServiceBody().ToJsonString()), fixture.Server.Certificate);
        Assert.Equal(201, created.Status);
        Assert.StartsWith(fixture.Server.ManagementUrl + "/", created.Headers["Location"], StringComparison.Ordinal);
        Assert.StartsWith(fixture.Server.ManagementUrl + "/", created.Headers["Azure-AsyncOperation"], StringComparison.Ordinal);
    }

    private static void AssertArmError(RawResponse result, int status, string what)
    {
        Assert.True(result.Status == status, $"{what}: expected {status}, got {result}");
        Assert.True(result.Json?["error"]?["code"] is JsonValue && result.Json["error"]!["message"] is JsonValue, $"{what}: no ARM envelope: {result}");
    }

    private Task<RawResponse> SendAsync(string method, string path, string apiVersion, byte[]? body, (string, string)[]? headers = null)
    {
        var token = Arm.Http.DefaultRequestHeaders.Authorization!.ToString();
        List<(string Name, string Value)> all = [("Authorization", token), .. headers ?? []];
        if (body is not null && !all.Any(h => h.Name == "Content-Type"))
        {
            all.Add(("Content-Type", "application/json"));
        }

        return RawHttp.SendAsync(Management, $"{method} {path}?api-version={apiVersion} HTTP/1.1", all, body, fixture.Server.Certificate);
    }
}

public sealed class BadInputTestsOnSqlite(SqliteServer fixture) : BadInputTests(fixture), IClassFixture<SqliteServer>;

public sealed class BadInputTestsOnPostgres(PostgresServer fixture) : BadInputTests(fixture), IClassFixture<PostgresServer>;
