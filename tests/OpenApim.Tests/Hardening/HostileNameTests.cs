using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OpenApim.Tests.Infrastructure;
using OpenApim.Tests.Management;

namespace OpenApim.Tests.Hardening;

/// <summary>
/// Review finding 1: names that contain '/' (encoded once or twice), '\', '%', dot segments or control
/// characters are refused with 400 on every path that takes a name, so no row can be stored under a
/// path that a backup, the gateway or an <c>id</c> would read differently.
/// </summary>
public abstract class HostileNameTests(ServerFixture fixture)
{
    /// <summary>Names as they appear on the wire (already percent-encoded where they are).</summary>
    public static readonly string[] WireNames =
    [
        "evil%2Fx", "evil%2fx", "evil%252Fx", "..%2F..%2Fstandby", "a%5Cb", "a\\b", "%2e%2e", "%2E", "a%25b", "a%00b", "a%0Ab", "%20",
    ];

    /// <summary>Kestrel itself answers a bare 400 to a NUL in the path, before any application code (docs/differences-from-azure.md).</summary>
    private const string KestrelRefuses = "a%00b";

    private ArmClient Arm => fixture.Arm;

    public static IEnumerable<object[]> Kinds => EntityCase.All.Select(c => new object[] { c.Name });

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Every_kind_refuses_hostile_names_and_later_backups_still_restore(string kind)
    {
        var c = EntityCase.Get(kind);
        var service = await Arm.CreateServiceAsync();
        var valid = await c.Arrange(Arm, service);
        var parent = valid[..valid.LastIndexOf('/')];
        var body = Encoding.UTF8.GetBytes(new JsonObject { ["properties"] = c.Properties.DeepClone() }.ToJsonString());

        foreach (var name in WireNames)
        {
            var put = await SendAsync("PUT", $"{parent}/{name}", body);
            Assert.True(put.Status == 400, $"{kind} PUT '{name}': {put}");
            if (name != KestrelRefuses)
            {
                Assert.True(put.Json?["error"]?["code"] is not null, $"{kind} PUT '{name}': {put}");
                Assert.Contains("name", put.Json!["error"]!["message"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
            }
            Assert.Equal(400, (await SendAsync("GET", $"{parent}/{name}")).Status);
            Assert.Equal(400, (await SendAsync("DELETE", $"{parent}/{name}", headers: [("If-Match", "*")])).Status);
        }

        await AssertBackupRestoresAsync(service);
    }

    [Fact]
    public async Task A_name_that_spells_a_child_path_cannot_overwrite_the_child()
    {
        var service = await Arm.CreateServiceAsync();
        await Arm.CreateAsync($"{service}/apis/orders", new JsonObject { ["path"] = "orders" });
        var operation = await Arm.CreateAsync($"{service}/apis/orders/operations/get-order", new JsonObject { ["displayName"] = "Get", ["method"] = "GET", ["urlTemplate"] = "/orders" });
        var body = Encoding.UTF8.GetBytes(new JsonObject { ["properties"] = new JsonObject { ["path"] = "smuggled" } }.ToJsonString());

        var put = await SendAsync("PUT", $"{service}/apis/orders%2Foperations%2Fget-order", body);

        Assert.Equal(400, put.Status);
        var after = await Arm.GetAsync($"{service}/apis/orders/operations/get-order");
        Assert.Equal(operation.ETag, after.ETag);
        Assert.Equal("GET", after.Properties["method"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_dot_dot_name_cannot_produce_an_id_of_another_service()
    {
        var service = await Arm.CreateServiceAsync();
        var standby = await Arm.CreateServiceAsync();
        var body = Encoding.UTF8.GetBytes(new JsonObject { ["properties"] = new JsonObject { ["path"] = "x" } }.ToJsonString());

        var put = await SendAsync("PUT", $"{service}/apis/..%2F..%2F{standby.Split('/')[^1]}", body);

        Assert.Equal(400, put.Status);
        Assert.Equal(HttpStatusCode.OK, (await Arm.GetAsync(standby)).Status);
    }

    [Fact]
    public async Task Hostile_parent_names_are_refused_too()
    {
        var service = await Arm.CreateServiceAsync();
        var body = Encoding.UTF8.GetBytes(new JsonObject { ["properties"] = new JsonObject { ["displayName"] = "Op", ["method"] = "GET", ["urlTemplate"] = "/x" } }.ToJsonString());
        foreach (var name in WireNames)
        {
            var put = await SendAsync("PUT", $"{service}/apis/{name}/operations/op", body);
            Assert.True(put.Status == 400, $"parent '{name}': {put}");
        }
    }

    [Fact]
    public async Task Services_role_assignments_and_applications_refuse_hostile_names()
    {
        var service = await Arm.CreateServiceAsync();
        var serviceBody = Encoding.UTF8.GetBytes(ArmClient.ServiceBody().ToJsonString());
        var assignment = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["roleDefinitionId"] = "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7",
                ["principalId"] = Guid.NewGuid().ToString(),
            },
        }.ToJsonString());
        var app = Encoding.UTF8.GetBytes(new JsonObject { ["properties"] = new JsonObject { ["displayName"] = "x" } }.ToJsonString());
        foreach (var name in WireNames)
        {
            var parent = service[..service.LastIndexOf('/')];
            Assert.Equal(400, (await SendAsync("PUT", $"{parent}/{name}", serviceBody)).Status);
            Assert.Equal(400, (await SendAsync("PUT", $"{service}/providers/Microsoft.Authorization/roleAssignments/{name}", assignment, apiVersion: "2022-04-01")).Status);
            Assert.Equal(400, (await SendAsync("PUT", $"/providers/OpenApim.Identity/applications/{name}", app, apiVersion: "2026-01-01")).Status);
            Assert.Equal(400, (await SendAsync("GET", $"/providers/OpenApim.Identity/applications/{name}", apiVersion: "2026-01-01")).Status);
        }
    }

    [Fact]
    public async Task Unicode_names_round_trip_and_restore()
    {
        var service = await Arm.CreateServiceAsync();
        var created = await Arm.CreateAsync($"{service}/tags/caf\u00e9-\u6771\u4eac", new JsonObject { ["displayName"] = "unicode" });
        Assert.Equal($"caf\u00e9-\u6771\u4eac", created.Json["name"]!.GetValue<string>());
        await AssertBackupRestoresAsync(service);
    }

    private async Task AssertBackupRestoresAsync(string service)
    {
        // The local-folder account of the embedded defaults: backups reach it without Azurite.
        var body = new JsonObject
        {
            ["storageAccount"] = "devstoreaccount1", ["containerName"] = "backups", ["backupName"] = Names.Unique("names") + ".apimbackup",
            ["accessKey"] = Azurite.Key,
        };
        var backup = (await Arm.RunAsync($"{service}/backup", body)).Final;
        Assert.True(backup.Status == HttpStatusCode.OK, backup.ToString());
        var target = await Arm.CreateServiceAsync();
        var restore = (await Arm.RunAsync($"{target}/restore", body)).Final;
        Assert.True(restore.Status == HttpStatusCode.OK, restore.ToString());
        Assert.Equal(await ServiceDump.ReadAsync(Arm, service), await ServiceDump.ReadAsync(Arm, target));
    }

    private Task<RawResponse> SendAsync(string method, string path, byte[]? body = null, string apiVersion = ArmClient.Version, (string, string)[]? headers = null)
    {
        var token = Arm.Http.DefaultRequestHeaders.Authorization!.ToString();
        List<(string, string)> all = [("Authorization", token), .. headers ?? []];
        if (body is not null)
        {
            all.Add(("Content-Type", "application/json"));
        }

        return RawHttp.SendAsync(new Uri(fixture.Server.ManagementUrl), $"{method} {path}?api-version={apiVersion} HTTP/1.1", all, body, fixture.Server.Certificate);
    }
}

public sealed class HostileNameTestsOnSqlite(SqliteServer fixture) : HostileNameTests(fixture), IClassFixture<SqliteServer>;

public sealed class HostileNameTestsOnPostgres(PostgresServer fixture) : HostileNameTests(fixture), IClassFixture<PostgresServer>;
