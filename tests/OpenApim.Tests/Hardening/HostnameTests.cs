using System.Net;
using System.Text.Json.Nodes;
using OpenApim.Tests.Identity;
using OpenApim.Tests.Infrastructure;
using static OpenApim.Tests.Identity.DirectoryClient;

namespace OpenApim.Tests.Hardening;

/// <summary>
/// Review finding 3: a host name served by one service cannot be claimed by another (default
/// <c>{service}.localhost</c> names included), so write access to one service never hijacks another's traffic.
/// </summary>
public abstract class HostnameTests(ServerFixture fixture)
{
    private ArmClient Admin => fixture.Arm;

    [Fact]
    public async Task Another_services_default_host_cannot_be_claimed_and_the_owner_is_named_to_those_who_may_read_it()
    {
        var victim = await Admin.CreateServiceAsync();
        var victimName = victim.Split('/')[^1];
        var attacker = await Admin.CreateServiceAsync(resourceGroup: "rg-attacker");

        var asOwner = await Admin.PatchAsync(attacker, Hosts($"{victimName}.localhost"));
        Assert.Equal(HttpStatusCode.Conflict, asOwner.Status);
        Assert.Equal("HostnameAlreadyInUse", asOwner.ErrorCode);
        Assert.Contains($"'{victimName}.localhost'", asOwner.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains(victim, asOwner.ErrorMessage, StringComparison.OrdinalIgnoreCase);

        var operatorApp = await Admin.CreateAppAsync();
        await Admin.AssignAsync(attacker, ServiceOperator, operatorApp.ObjectId);
        using var operatorClient = await fixture.Server.CreateArmClientAsync(operatorApp.AppId, operatorApp.Secret);
        var asOperator = await operatorClient.PatchAsync(attacker, Hosts($"{victimName.ToUpperInvariant()}.LOCALHOST"));
        Assert.Equal(HttpStatusCode.Conflict, asOperator.Status);
        Assert.DoesNotContain(victimName, asOperator.ErrorMessage!.Replace($"'{victimName.ToUpperInvariant()}.LOCALHOST'", "", StringComparison.OrdinalIgnoreCase), StringComparison.OrdinalIgnoreCase);

        var put = ArmClient.ServiceBody();
        put["properties"]!["hostnameConfigurations"] = Hosts($"{victimName}.localhost")["properties"]!["hostnameConfigurations"]!.DeepClone();
        Assert.Equal(HttpStatusCode.Conflict, (await Admin.PutAsync(attacker, put, ifMatch: "*")).Status);
        Assert.Null((await Admin.GetAsync(attacker)).Properties["hostnameConfigurations"]);
    }

    [Fact]
    public async Task A_custom_host_belongs_to_one_service_and_is_free_again_when_released()
    {
        var host = $"{Names.Unique("api")}.contoso.example";
        var first = await Admin.CreateServiceAsync();
        var second = await Admin.CreateServiceAsync();
        Assert.Equal(HttpStatusCode.OK, (await Admin.PatchAsync(first, Hosts(host))).Status);
        Assert.Equal(HttpStatusCode.OK, (await Admin.PatchAsync(first, Hosts(host, "portal-" + host))).Status);

        var clash = await Admin.PatchAsync(second, Hosts(host.ToUpperInvariant()));
        Assert.Equal(HttpStatusCode.Conflict, clash.Status);
        Assert.Contains(first, clash.ErrorMessage, StringComparison.OrdinalIgnoreCase);

        Assert.Equal(HttpStatusCode.OK, (await Admin.PatchAsync(first, new JsonObject { ["properties"] = new JsonObject { ["hostnameConfigurations"] = new JsonArray() } })).Status);
        Assert.Equal(HttpStatusCode.OK, (await Admin.PatchAsync(second, Hosts(host))).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await Admin.PatchAsync(first, Hosts(host))).Status);

        Assert.Equal(HttpStatusCode.OK, (await Admin.DeleteAsync(second)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Admin.PatchAsync(first, Hosts(host))).Status);
    }

    [Fact]
    public async Task A_service_cannot_be_created_whose_default_host_another_service_claims()
    {
        var name = Names.Unique("later");
        var claimer = await Admin.CreateServiceAsync();
        Assert.Equal(HttpStatusCode.OK, (await Admin.PatchAsync(claimer, Hosts($"{name}.localhost"))).Status);

        var created = await Admin.PutAsync(ArmClient.ServicePath(name), ArmClient.ServiceBody());

        Assert.Equal(HttpStatusCode.Conflict, created.Status);
        Assert.Equal("HostnameAlreadyInUse", created.ErrorCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.GetAsync(ArmClient.ServicePath(name))).Status);
    }

    [Fact]
    public async Task Host_names_must_be_dns_names()
    {
        var service = await Admin.CreateServiceAsync();
        foreach (var host in new[] { "evil/../x", "a b.example", "-x.example", "x..example", "http://x.example", "x.example:443", "x_y.example\n", new string('a', 64) + ".example" })
        {
            var result = await Admin.PatchAsync(service, Hosts(host));
            Assert.True(result.Status == HttpStatusCode.BadRequest, $"{host}: {result}");
            Assert.Equal("ValidationError", result.ErrorCode);
        }
    }

    [Fact]
    public async Task Concurrent_claims_of_one_host_leave_exactly_one_owner()
    {
        var host = $"{Names.Unique("race")}.contoso.example";
        var services = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            services.Add(await Admin.CreateServiceAsync());
        }

        var results = await Task.WhenAll(services.Select(s => Admin.PatchAsync(s, Hosts(host))));

        Assert.Equal(1, results.Count(r => r.Status == HttpStatusCode.OK));
        Assert.Equal(5, results.Count(r => r.Status == HttpStatusCode.Conflict));
        var owners = 0;
        foreach (var s in services)
        {
            owners += (await Admin.GetAsync(s)).Properties["hostnameConfigurations"] is JsonArray { Count: > 0 } ? 1 : 0;
        }

        Assert.Equal(1, owners);
    }

    private static JsonObject Hosts(params string[] hosts) => new()
    {
        ["properties"] = new JsonObject
        {
            ["hostnameConfigurations"] = new JsonArray([.. hosts.Select((h, i) => (JsonNode)new JsonObject { ["type"] = i == 0 ? "Proxy" : "Portal", ["hostName"] = h })]),
        },
    };
}

public sealed class HostnameTestsOnSqlite(SqliteServer fixture) : HostnameTests(fixture), IClassFixture<SqliteServer>;

public sealed class HostnameTestsOnPostgres(PostgresServer fixture) : HostnameTests(fixture), IClassFixture<PostgresServer>;
