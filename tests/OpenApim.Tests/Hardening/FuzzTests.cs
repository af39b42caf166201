using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OpenApim.Tests.Identity;
using OpenApim.Tests.Infrastructure;
using OpenApim.Tests.Management;
using Xunit.Abstractions;

namespace OpenApim.Tests.Hardening;

/// <summary>
/// A seeded, bounded random-input pass over every ARM route (and the token endpoint): valid requests damaged one to
/// three ways (malformed JSON, wrong types, odd names, encodings, huge and deep values, odd queries and headers).
/// Whatever the input, the answer is never a 500 and every error carries the ARM envelope (OAuth's on the token
/// endpoint). The seed is fixed, so a failure reproduces; the counts are printed for the closing note.
/// </summary>
public abstract class FuzzTests(ServerFixture fixture, ITestOutputHelper output)
{
    private const int Seed = 20261201;
    private const int InputsPerRoute = 24;

    private static readonly JsonNode?[] Values =
    [
        null, true, false, 0, -1, 1.5, 1e308, long.MaxValue, "", " ", "x", new string('x', 100_000), "\u00e9\u6771\u4eac\ud83d\ude00", "a\u0000b", "<script>", "%2F..%2F",
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/x/providers/Microsoft.ApiManagement/service/other/users/u",
        new JsonArray(), new JsonArray(1, "a", null), new JsonObject(), new JsonObject { ["a"] = new JsonObject { ["b"] = 1 } }, Deep(40),
    ];

    private static readonly string[] Names =
    [
        "ok-name", "%2F", "a%252Fb", "..", "%2e%2e", "a%5Cb", new string('n', 300), "caf\u00e9", "%F0%9F%98%80", "a%20", "*", "a:b", "a?b", "%00", "CON", "-",
    ];

    private static readonly string[] Filters =
    [
        "name eq 'x'", "name eq", "(((", "not not not", "contains(name)", "name eq 'a' or", "displayName gt 5", "bogus eq 'x'", "name eq 'it''s'",
        "startswith(name, 'a') and endswith(displayName, 'b')", "substringof('a', name) eq true", string.Concat(Enumerable.Repeat("(", 60)), "name eq 1e999",
        "properties/path eq 'x'", new string('a', 5000), "name eq '\u0000'",
    ];

    private readonly Random _random = new(Seed);
    private readonly Dictionary<int, int> _statuses = [];
    private int _inputs;

    private ArmClient Arm => fixture.Arm;

    [Fact]
    public async Task Random_inputs_on_every_route_never_answer_500_and_always_carry_the_error_envelope()
    {
        var service = await Arm.CreateServiceAsync();
        var routes = await RoutesAsync(service);
        var failures = new List<string>();
        foreach (var route in routes)
        {
            for (var i = 0; i < InputsPerRoute; i++)
            {
                var request = Mutate(route);
                var response = await SendAsync(request);
                _inputs++;
                _statuses[response.Status] = _statuses.GetValueOrDefault(response.Status) + 1;
                if (Problem(request, response) is { } problem)
                {
                    failures.Add($"{request.Method} {Shorten(request.Target)} [{request.Description}] -> {problem}: {Shorten(response.Body)}");
                }
            }
        }

        var summary = $"fuzz ({fixture.Store}): {_inputs} inputs over {routes.Count} routes; statuses " +
            string.Join(", ", _statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}x{s.Value}")) + $"; {failures.Count} failures";
        output.WriteLine(summary);
        Console.WriteLine(summary);
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(40)));

        // The service survived the onslaught and still round-trips.
        Assert.Equal(HttpStatusCode.OK, (await Arm.GetAsync(service)).Status);
    }

    private static JsonNode Deep(int depth)
    {
        JsonNode node = 1;
        for (var i = 0; i < depth; i++)
        {
            node = new JsonObject { ["d"] = node };
        }

        return node;
    }

    private static string? Problem(FuzzRequest request, RawResponse response)
    {
        if (response.Status == 0)
        {
            return "no HTTP answer";
        }

        if (response.Status >= 500 && response.Status != 501)
        {
            return $"status {response.Status}";
        }

        if (response.Status < 400 || (response.Status == 400 && response.Body.Length == 0 && request.KestrelMayRefuse))
        {
            return null;
        }

        var json = response.Json;
        var ok = request.OAuth
            ? json?["error"] is JsonValue
            : json?["error"]?["code"] is JsonValue && json["error"]!["message"] is JsonValue;
        return ok ? null : $"status {response.Status} without the {(request.OAuth ? "OAuth" : "ARM")} error body";
    }

    private async Task<List<FuzzRoute>> RoutesAsync(string service)
    {
        var routes = new List<FuzzRoute>
        {
            new("PUT", service, ArmClient.ServiceBody()),
            new("PATCH", service, new JsonObject { ["properties"] = new JsonObject { ["publisherName"] = "x" }, ["tags"] = new JsonObject { ["a"] = "b" } }),
            new("GET", $"/subscriptions/{ArmClient.Subscription}/providers/Microsoft.ApiManagement/service", null),
            new("GET", service[..service.LastIndexOf('/')], null),
            new("POST", $"/subscriptions/{ArmClient.Subscription}/providers/Microsoft.ApiManagement/checkNameAvailability", new JsonObject { ["name"] = "abc", ["type"] = "Microsoft.ApiManagement/service" }),
            new("POST", $"{service}/backup", Azurite.StorageBody("backups", "fuzz.apimbackup")),
            new("POST", $"{service}/previewRestore", Azurite.StorageBody("backups", "fuzz.apimbackup")),
            new("GET", $"{service}/operationresults/{Guid.NewGuid():N}", null),
            new("GET", $"{service}/operations", null),
            new("GET", $"{service}/reports/byApi?$filter={Uri.EscapeDataString("timestamp ge datetime'2026-01-01T00:00:00Z' and timestamp le datetime'2026-02-01T00:00:00Z'")}", null),
            new("PUT", $"{service}/providers/Microsoft.Authorization/roleAssignments/{Guid.NewGuid()}", DirectoryClient.Assignment(DirectoryClient.Reader, Guid.NewGuid().ToString()), "2022-04-01"),
            new("GET", $"{service}/providers/Microsoft.Authorization/roleAssignments", null, "2022-04-01"),
            new("PUT", $"/providers/OpenApim.Identity/applications/{Guid.NewGuid()}", new JsonObject { ["properties"] = new JsonObject { ["displayName"] = "fuzz" } }, "2026-01-01"),
            new("POST", $"/providers/OpenApim.Identity/applications/{Guid.NewGuid()}/addPassword", new JsonObject { ["displayName"] = "p", ["endDateTime"] = "2027-01-01T00:00:00Z" }, "2026-01-01"),
            new("POST", $"/{fixture.Server.TenantId}/oauth2/v2.0/token", null, null, OAuth: true),
        };

        foreach (var c in EntityCase.All)
        {
            var path = await c.Arrange(Arm, service);
            var body = new JsonObject { ["properties"] = c.Properties.DeepClone() };
            routes.Add(new("PUT", path, body));
            routes.Add(new("GET", path[..path.LastIndexOf('/')], null));
            if (c.Patch is { } patch)
            {
                routes.Add(new("PATCH", path, new JsonObject { ["properties"] = patch.DeepClone() }));
            }
        }

        routes.Add(new("POST", $"{service}/subscriptions/fuzz-sub/listSecrets", null));
        return routes;
    }

    private FuzzRequest Mutate(FuzzRoute route)
    {
        var target = route.Path;
        var body = route.Body?.DeepClone();
        byte[]? raw = null;
        var contentType = "application/json";
        var headers = new List<(string, string)>();
        var notes = new List<string>();
        var kestrel = false;
        var version = route.ApiVersion ?? ArmClient.Version;
        var query = route.OAuth ? "" : $"api-version={version}";

        if (route.OAuth)
        {
            var fields = new List<string> { "grant_type=client_credentials", $"client_id={Pick(["", Guid.NewGuid().ToString(), fixture.Server.ClientId, new string('a', 200)])}" };
            fields.Add($"client_secret={Uri.EscapeDataString(Pick(["", "wrong", new string('s', 20000)]))}");
            fields.Add($"scope={Uri.EscapeDataString(Pick([fixture.Server.ManagementUrl + "/.default", "", "https://evil.example/.default", "a b"]))}");
            if (_random.Next(3) == 0)
            {
                fields.AddRange(Enumerable.Range(0, _random.Next(50, 2000)).Select(i => $"x{i}=y"));
            }

            raw = Encoding.UTF8.GetBytes(string.Join('&', fields.OrderBy(_ => _random.Next())));
            contentType = Pick(["application/x-www-form-urlencoded", "application/json", "text/plain", "multipart/form-data; boundary=z"]);
            return new FuzzRequest(route.Method, target, raw, contentType, headers, "token form", OAuth: true, KestrelMayRefuse: false);
        }

        for (var m = 0; m < 1 + _random.Next(3); m++)
        {
            switch (_random.Next(12))
            {
                case 0 when body is JsonObject o:
                    var (holder, key) = RandomMember(o);
                    holder[key] = Pick(Values)?.DeepClone();
                    notes.Add($"{key}=value");
                    break;
                case 1 when body is JsonObject o:
                    var (parent, removed) = RandomMember(o);
                    parent.Remove(removed);
                    notes.Add($"-{removed}");
                    break;
                case 2:
                    raw = Encoding.UTF8.GetBytes((body ?? new JsonObject()).ToJsonString().Insert(1, "\"properties\":{},"));
                    notes.Add("duplicate key");
                    break;
                case 3:
                    var text = (body ?? new JsonObject()).ToJsonString();
                    raw = Encoding.UTF8.GetBytes(text[.._random.Next(text.Length)]);
                    notes.Add("truncated");
                    break;
                case 4:
                    raw = [.. Encoding.UTF8.GetBytes("{\"properties\":{\"x\":\""), (byte)_random.Next(0x80, 0x100), (byte)_random.Next(0, 0x100), .. "\"}}"u8];
                    notes.Add("bad utf-8");
                    break;
                case 5:
                    raw = Encoding.Unicode.GetBytes((body ?? new JsonObject()).ToJsonString());
                    notes.Add("utf-16");
                    break;
                case 6:
                    raw = Encoding.UTF8.GetBytes(Pick(["[]", "1", "\"s\"", "null", "{", "}", "{\"properties\":[]}", "{\"properties\":\"\\ud800\"}", new string('[', 100) + new string(']', 100)]));
                    notes.Add("other json");
                    break;
                case 7:
                    var segments = target.Split('?')[0].Split('/');
                    segments[^1] = Pick(Names);
                    target = string.Join('/', segments) + (target.Contains('?', StringComparison.Ordinal) ? target[target.IndexOf('?', StringComparison.Ordinal)..] : "");
                    kestrel = true;
                    notes.Add("name");
                    break;
                case 8:
                    query += $"&$filter={Uri.EscapeDataString(Pick(Filters))}&$top={Pick(["-1", "0", "abc", "99999999999", "5"])}&$skip={Pick(["-5", "x", "3"])}";
                    notes.Add("query");
                    break;
                case 9:
                    query = query.Replace($"api-version={version}", $"api-version={Pick(["", "2015-01-01", "latest", "2024-05-01-preview", "2021-08-01", "%00"])}", StringComparison.Ordinal);
                    kestrel = true;
                    notes.Add("api-version");
                    break;
                case 10:
                    headers.Add(("If-Match", Pick(["*", "\"garbage\"", "W/\"x\"", "", new string('e', 5000)])));
                    headers.Add(("If-None-Match", Pick(["*", "\"x\""])));
                    notes.Add("conditions");
                    break;
                case 11:
                    contentType = Pick(["text/plain", "application/xml", "", "application/json; charset=utf-16", "application/merge-patch+json", "*/*"]);
                    notes.Add("content type");
                    break;
            }
        }

        raw ??= body is null ? null : Encoding.UTF8.GetBytes(body.ToJsonString());
        var separator = target.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return new FuzzRequest(route.Method, $"{target}{separator}{query}", raw, contentType, headers, string.Join(", ", notes), OAuth: false, kestrel);
    }

    private (JsonObject Holder, string Key) RandomMember(JsonObject root)
    {
        var holder = root["properties"] as JsonObject is { Count: > 0 } p && _random.Next(4) > 0 ? p : root;
        var nested = holder.Where(kv => kv.Value is JsonObject { Count: > 0 }).ToList();
        if (nested.Count > 0 && _random.Next(3) == 0)
        {
            holder = (JsonObject)nested[_random.Next(nested.Count)].Value!;
        }

        var keys = holder.Select(kv => kv.Key).Append("unknownField").ToList();
        return (holder, keys[_random.Next(keys.Count)]);
    }

    private T Pick<T>(IReadOnlyList<T> options) => options[_random.Next(options.Count)];

    private Task<RawResponse> SendAsync(FuzzRequest request)
    {
        var headers = new List<(string, string)>(request.Headers);
        if (!request.OAuth)
        {
            headers.Add(("Authorization", Arm.Http.DefaultRequestHeaders.Authorization!.ToString()));
        }

        if (request.Body is not null && request.ContentType.Length > 0)
        {
            headers.Add(("Content-Type", request.ContentType));
        }

        return RawHttp.SendAsync(new Uri(fixture.Server.ManagementUrl), $"{request.Method} {request.Target} HTTP/1.1", headers, request.Body, fixture.Server.Certificate);
    }

    private static string Shorten(string s) => s.Length > 160 ? s[..160] + "..." : s;

    private sealed record FuzzRoute(string Method, string Path, JsonNode? Body, string? ApiVersion = null, bool OAuth = false);

    private sealed record FuzzRequest(string Method, string Target, byte[]? Body, string ContentType, List<(string, string)> Headers, string Description, bool OAuth, bool KestrelMayRefuse);
}

public sealed class FuzzTestsOnSqlite(SqliteServer fixture, ITestOutputHelper output) : FuzzTests(fixture, output), IClassFixture<SqliteServer>;

public sealed class FuzzTestsOnPostgres(PostgresServer fixture, ITestOutputHelper output) : FuzzTests(fixture, output), IClassFixture<PostgresServer>;
