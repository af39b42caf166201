using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Management;

/// <summary>ARM conventions every route shares: api-version, errors, request ids, paging, filters, ETags.</summary>
public abstract class ArmConventionTests(ServerFixture fixture)
{
    private ArmClient Arm => fixture.Arm;

    [Fact]
    public async Task Api_version_is_required_and_validated()
    {
        var path = await Arm.CreateServiceAsync();
        var missing = await Arm.GetAsync(path, apiVersion: null);
        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        Assert.Equal("MissingApiVersionParameter", missing.ErrorCode);

        var invalid = await Arm.GetAsync(path, apiVersion: "2015-01-01");
        Assert.Equal("InvalidApiVersionParameter", invalid.ErrorCode);
        Assert.Contains("2024-05-01", invalid.ErrorMessage, StringComparison.Ordinal);

        foreach (var version in new[] { "2019-12-01", "2021-08-01", "2022-08-01", "2024-05-01" })
        {
            Assert.Equal(HttpStatusCode.OK, (await Arm.GetAsync(path + "/apis", version)).Status);
        }
    }

    [Fact]
    public async Task Every_response_has_a_request_id_and_errors_have_the_envelope()
    {
        var result = await Arm.GetAsync(ArmClient.ServicePath(Names.Unique("missing")) + "/apis/nope");
        Assert.Equal(HttpStatusCode.NotFound, result.Status);
        Assert.True(Guid.TryParse(result.Headers.GetValues("x-ms-request-id").Single(), out _));
        Assert.Equal("ResourceNotFound", result.ErrorCode);
        Assert.NotNull(result.Json["error"]!["details"]);
    }

    [Fact]
    public async Task Paths_are_case_insensitive()
    {
        var path = await Arm.CreateServiceAsync();
        await Arm.CreateAsync($"{path}/tags/Tag1", new JsonObject { ["displayName"] = "one" });
        var upper = path.Replace("/resourceGroups/", "/RESOURCEGROUPS/", StringComparison.Ordinal).Replace("/providers/", "/PROVIDERS/", StringComparison.Ordinal);
        var got = await Arm.GetAsync($"{upper}/TAGS/tag1");
        Assert.Equal(HttpStatusCode.OK, got.Status);
        Assert.Equal("Tag1", got.Json["name"]!.GetValue<string>());
        var lowerGroups = path.Replace("/resourceGroups/", "/resourcegroups/", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await Arm.GetAsync(lowerGroups)).Status);
    }

    [Fact]
    public async Task Malformed_and_mistyped_bodies_get_clear_errors_and_change_nothing()
    {
        var path = await Arm.CreateServiceAsync();
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{path}/apis/broken?api-version=2024-05-01")
        {
            Content = new StringContent("{\"properties\": {\"path\": \"x\",", Encoding.UTF8, "application/json"),
        };
        using var raw = await Arm.Http.SendAsync(request);
        var body = JsonNode.Parse(await raw.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.BadRequest, raw.StatusCode);
        Assert.Equal("InvalidRequestContent", body["error"]!["code"]!.GetValue<string>());

        var mistyped = await Arm.PutAsync($"{path}/apis/typed", new JsonObject
        {
            ["properties"] = new JsonObject { ["path"] = 42, ["protocols"] = "https", ["subscriptionRequired"] = "maybe", ["displayName"] = new string('x', 301) },
        });
        Assert.Equal("ValidationError", mistyped.ErrorCode);
        var targets = mistyped.Json["error"]!["details"]!.AsArray().Select(d => d!["target"]!.GetValue<string>()).ToHashSet();
        Assert.Superset(new HashSet<string> { "properties.path", "properties.protocols", "properties.subscriptionRequired", "properties.displayName" }, targets);

        Assert.Equal(HttpStatusCode.NotFound, (await Arm.GetAsync($"{path}/apis/typed")).Status);
        Assert.Equal(0, (await Arm.GetAsync($"{path}/apis")).Json["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Names_are_validated()
    {
        var path = await Arm.CreateServiceAsync();
        var tooLong = await Arm.PutAsync($"{path}/tags/{new string('t', 81)}", new JsonObject { ["properties"] = new JsonObject { ["displayName"] = "x" } });
        Assert.Equal("ValidationError", tooLong.ErrorCode);
        Assert.Equal("name", tooLong.Json["error"]!["details"]![0]!["target"]!.GetValue<string>());
        var badChar = await Arm.PutAsync($"{path}/namedValues/a%2Bb", new JsonObject { ["properties"] = new JsonObject { ["displayName"] = "x", ["value"] = "v" } });
        Assert.Equal("ValidationError", badChar.ErrorCode);
        var notPolicy = await Arm.PutAsync($"{path}/policies/other", new JsonObject { ["properties"] = new JsonObject { ["value"] = EntityCase.Policy } });
        Assert.Equal("ValidationError", notPolicy.ErrorCode);
    }

    [Fact]
    public async Task Huge_bodies_are_refused_with_413()
    {
        var path = await Arm.CreateServiceAsync();
        var huge = new JsonObject { ["properties"] = new JsonObject { ["displayName"] = "x", ["value"] = new string('v', 5 * 1024 * 1024) } };
        // Expect: 100-continue lets the server refuse before the client sends 5 MiB into a closing connection.
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{path}/namedValues/huge?api-version=2024-05-01")
        {
            Content = new StringContent(huge.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.ExpectContinue = true;
        using var response = await Arm.Http.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("RequestEntityTooLarge", body["error"]!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await Arm.GetAsync($"{path}/namedValues/huge")).Status);
    }

    [Fact]
    public async Task Unknown_paths_and_methods_are_ARM_errors()
    {
        var path = await Arm.CreateServiceAsync();
        var unknown = await Arm.GetAsync($"{path}/widgets");
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal("InvalidResourceType", unknown.ErrorCode);
        var post = await Arm.PostAsync($"{path}/apis/x");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.Status);
        var patchPolicy = await Arm.PatchAsync($"{path}/policies/policy", new JsonObject());
        Assert.Equal(HttpStatusCode.MethodNotAllowed, patchPolicy.Status);
    }

    [Fact]
    public async Task Lists_page_with_absolute_nextLinks_and_top_and_skip()
    {
        var path = await Arm.CreateServiceAsync();
        for (var i = 0; i < 25; i++)
        {
            await Arm.CreateAsync($"{path}/tags/t{i:D2}", new JsonObject { ["displayName"] = $"Tag {i:D2}" });
        }

        var seen = new List<string>();
        var page = await Arm.GetAsync($"{path}/tags?$top=10");
        var pages = 1;
        while (true)
        {
            Assert.Equal(25, page.Json["count"]!.GetValue<int>());
            seen.AddRange(page.Json["value"]!.AsArray().Select(v => v!["name"]!.GetValue<string>()));
            var next = page.Json["nextLink"]?.GetValue<string>();
            if (next is null)
            {
                break;
            }

            Assert.StartsWith("https://", next, StringComparison.Ordinal);
            Assert.Contains("api-version=2024-05-01", next, StringComparison.Ordinal);
            page = await Arm.SendAsync(HttpMethod.Get, next, apiVersion: null);
            pages++;
        }

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"t{i:D2}"), seen);
        var skipped = await Arm.GetAsync($"{path}/tags?$skip=20");
        Assert.Equal(5, skipped.Json["value"]!.AsArray().Count);
        Assert.Equal("ValidationError", (await Arm.GetAsync($"{path}/tags?$top=0")).ErrorCode);
    }

    [Theory]
    [InlineData("name eq 't03'", new[] { "t03" })]
    [InlineData("name eq 'T03'", new[] { "t03" })]
    [InlineData("displayName eq 'Alpha'", new[] { "t01" })]
    [InlineData("startswith(displayName,'be')", new[] { "t02", "t03" })]
    [InlineData("contains(displayName, 'ta')", new[] { "t02", "t03" })]
    [InlineData("endswith(name,'4')", new[] { "t04" })]
    [InlineData("name ne 't01' and not contains(displayName,'ta')", new[] { "t04" })]
    [InlineData("(name eq 't01' or name eq 't04')", new[] { "t01", "t04" })]
    [InlineData("substringof('lph', displayName)", new[] { "t01" })]
    public async Task Filters_support_eq_ne_startswith_contains_on_name_and_displayName(string filter, string[] expected)
    {
        var path = await Arm.CreateServiceAsync();
        var names = new[] { ("t01", "Alpha"), ("t02", "Beta"), ("t03", "Beta two"), ("t04", "Gamma") };
        foreach (var (name, display) in names)
        {
            await Arm.CreateAsync($"{path}/tags/{name}", new JsonObject { ["displayName"] = display });
        }

        var result = await Arm.GetAsync($"{path}/tags?$filter={Uri.EscapeDataString(filter)}");
        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal(expected, result.Json["value"]!.AsArray().Select(v => v!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Filters_on_properties_and_bad_filters()
    {
        var path = await Arm.CreateServiceAsync();
        await Arm.CreateAsync($"{path}/apis/a1", new JsonObject { ["path"] = "orders", ["displayName"] = "Orders" });
        await Arm.CreateAsync($"{path}/apis/a2", new JsonObject { ["path"] = "billing", ["displayName"] = "Billing", ["subscriptionRequired"] = false });
        var byPath = await Arm.GetAsync($"{path}/apis?$filter={Uri.EscapeDataString("path eq 'billing'")}");
        Assert.Equal(["a2"], byPath.Json["value"]!.AsArray().Select(v => v!["name"]!.GetValue<string>()));
        var byBool = await Arm.GetAsync($"{path}/apis?$filter={Uri.EscapeDataString("subscriptionRequired eq false")}");
        Assert.Equal(["a2"], byBool.Json["value"]!.AsArray().Select(v => v!["name"]!.GetValue<string>()));

        var unknownField = await Arm.GetAsync($"{path}/apis?$filter={Uri.EscapeDataString("color eq 'red'")}");
        Assert.Equal("ValidationError", unknownField.ErrorCode);
        Assert.Contains("color", unknownField.ErrorMessage, StringComparison.Ordinal);
        var broken = await Arm.GetAsync($"{path}/apis?$filter={Uri.EscapeDataString("name eq 'x")}");
        Assert.Equal("ValidationError", broken.ErrorCode);
    }

    [Fact]
    public async Task Concurrent_updates_with_the_same_ETag_lose_nothing()
    {
        var path = await Arm.CreateServiceAsync();
        var tag = $"{path}/tags/contended";
        var created = await Arm.CreateAsync(tag, new JsonObject { ["displayName"] = "start" });

        var writes = Enumerable.Range(0, 8).Select(i =>
            Arm.PutAsync(tag, new JsonObject { ["properties"] = new JsonObject { ["displayName"] = $"writer {i}" } }, ifMatch: created.ETag));
        var results = await Task.WhenAll(writes);

        Assert.Single(results, r => r.Status == HttpStatusCode.OK);
        Assert.All(results.Where(r => r.Status != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.PreconditionFailed, r.Status));
        var winner = results.Single(r => r.Status == HttpStatusCode.OK);
        var final = await Arm.GetAsync(tag);
        Assert.Equal(winner.Properties["displayName"]!.GetValue<string>(), final.Properties["displayName"]!.GetValue<string>());
        Assert.Equal(winner.ETag, final.ETag);
    }

    [Fact]
    public async Task If_None_Match_star_creates_only()
    {
        var path = await Arm.CreateServiceAsync();
        var headers = new Dictionary<string, string> { ["If-None-Match"] = "*" };
        var body = new JsonObject { ["properties"] = new JsonObject { ["displayName"] = "x" } };
        Assert.Equal(HttpStatusCode.Created, (await Arm.SendAsync(HttpMethod.Put, $"{path}/tags/once", body, headers: headers)).Status);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await Arm.SendAsync(HttpMethod.Put, $"{path}/tags/once", body.DeepClone(), headers: headers)).Status);
    }

    [Fact]
    public async Task Patch_answers_204_in_2019_12_01_and_200_with_the_entity_later()
    {
        var path = await Arm.CreateServiceAsync();
        await Arm.CreateAsync($"{path}/tags/v", new JsonObject { ["displayName"] = "v" });
        var old = await Arm.PatchAsync($"{path}/tags/v", new JsonObject { ["properties"] = new JsonObject { ["displayName"] = "old" } }, apiVersion: "2019-12-01");
        Assert.Equal(HttpStatusCode.NoContent, old.Status);
        Assert.NotNull(old.ETag);
        var current = await Arm.PatchAsync($"{path}/tags/v", new JsonObject { ["properties"] = new JsonObject { ["displayName"] = "new" } }, apiVersion: "2021-08-01");
        Assert.Equal(HttpStatusCode.OK, current.Status);
        Assert.Equal("new", current.Properties["displayName"]!.GetValue<string>());
    }

    [Fact]
    public async Task Head_answers_with_the_ETag_and_no_body()
    {
        var path = await Arm.CreateServiceAsync();
        var created = await Arm.CreateAsync($"{path}/tags/h", new JsonObject { ["displayName"] = "h" });
        var head = await Arm.SendAsync(HttpMethod.Head, $"{path}/tags/h");
        Assert.Equal(HttpStatusCode.OK, head.Status);
        Assert.Equal(created.ETag, head.ETag);
        Assert.Null(head.Body);
    }
}

public sealed class ArmConventionTestsOnSqlite(SqliteServer fixture) : ArmConventionTests(fixture), IClassFixture<SqliteServer>;

public sealed class ArmConventionTestsOnPostgres(PostgresServer fixture) : ArmConventionTests(fixture), IClassFixture<PostgresServer>;
