using System.Net;
using System.Text.Json.Nodes;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Model;
using OpenApim.Tests.Identity;
using OpenApim.Tests.Infrastructure;
using static OpenApim.Tests.Identity.DirectoryClient;

namespace OpenApim.Tests.Hardening;

/// <summary>Review findings 7 and 8: backend header and query credentials are secrets; subscription keys are unique per service.</summary>
public abstract class SecretAndKeyTests(ServerFixture fixture)
{
    private ArmClient Admin => fixture.Arm;

    [Fact]
    public async Task Backend_header_and_query_credentials_are_never_returned()
    {
        var service = await Admin.CreateServiceAsync();
        var created = await Admin.CreateAsync($"{service}/backends/b1", new JsonObject
        {
            ["url"] = "https://backend.example", ["protocol"] = "http",
            ["credentials"] = new JsonObject
            {
                ["header"] = new JsonObject { ["x-api-key"] = new JsonArray("header-secret-1") },
                ["query"] = new JsonObject { ["code"] = new JsonArray("query-secret-2") },
            },
        });
        var reader = await Admin.CreateAppAsync();
        await Admin.AssignAsync(service, Reader, reader.ObjectId);
        using var readerClient = await fixture.Server.CreateArmClientAsync(reader.AppId, reader.Secret);

        foreach (var text in new[]
        {
            created.Body!.ToJsonString(),
            (await Admin.GetAsync($"{service}/backends/b1")).Body!.ToJsonString(),
            (await Admin.GetAsync($"{service}/backends")).Body!.ToJsonString(),
            (await readerClient.GetAsync($"{service}/backends/b1")).Body!.ToJsonString(),
        })
        {
            Assert.DoesNotContain("header-secret-1", text, StringComparison.Ordinal);
            Assert.DoesNotContain("query-secret-2", text, StringComparison.Ordinal);
        }

        // A PATCH that does not mention the credentials keeps them.
        Assert.Equal(HttpStatusCode.OK, (await Admin.PatchAsync($"{service}/backends/b1", new JsonObject { ["properties"] = new JsonObject { ["title"] = "t" } })).Status);
        var stored = await fixture.Server.Service<OpenApim.Resources.Store.IResourceStore>().GetAsync(
            new EntityAddress(ServiceRef.FromId(service), KindCatalog.Backends, ["b1"]), default);
        Assert.Equal("header-secret-1", stored!.Properties["credentials"]!["header"]!["x-api-key"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task A_key_another_subscription_holds_is_refused_on_create_update_and_patch()
    {
        var service = await Admin.CreateServiceAsync();
        var taken = "taken-" + Guid.NewGuid().ToString("N");
        await Admin.CreateAsync($"{service}/subscriptions/original", new JsonObject { ["displayName"] = "o", ["scope"] = "/apis", ["state"] = "active", ["secondaryKey"] = taken });

        var asPrimary = await Admin.PutAsync($"{service}/subscriptions/copy", new JsonObject
        {
            ["properties"] = new JsonObject { ["displayName"] = "c", ["scope"] = "/apis", ["primaryKey"] = taken },
        });
        Assert.Equal(HttpStatusCode.Conflict, asPrimary.Status);
        Assert.Equal("SubscriptionKeyConflict", asPrimary.ErrorCode);
        Assert.DoesNotContain(taken, asPrimary.Body!.ToJsonString(), StringComparison.Ordinal);

        await Admin.CreateAsync($"{service}/subscriptions/other", new JsonObject { ["displayName"] = "x", ["scope"] = "/apis" });
        var patched = await Admin.PatchAsync($"{service}/subscriptions/other", new JsonObject { ["properties"] = new JsonObject { ["secondaryKey"] = taken } });
        Assert.Equal(HttpStatusCode.Conflict, patched.Status);

        // Keys are unique per service, not per deployment; and a subscription keeps its own key on update.
        var elsewhere = await Admin.CreateServiceAsync();
        await Admin.CreateAsync($"{elsewhere}/subscriptions/same", new JsonObject { ["displayName"] = "s", ["scope"] = "/apis", ["primaryKey"] = taken });
        Assert.Equal(HttpStatusCode.OK, (await Admin.PatchAsync($"{service}/subscriptions/original", new JsonObject { ["properties"] = new JsonObject { ["state"] = "suspended" } })).Status);

        Assert.Equal(HttpStatusCode.NoContent, (await Admin.PostAsync($"{service}/subscriptions/other/regenerateSecondaryKey")).Status);
        var keys = await Admin.PostAsync($"{service}/subscriptions/other/listSecrets");
        Assert.NotEqual(taken, keys.Json["secondaryKey"]!.GetValue<string>());
    }
}

public sealed class SecretAndKeyTestsOnSqlite(SqliteServer fixture) : SecretAndKeyTests(fixture), IClassFixture<SqliteServer>;

public sealed class SecretAndKeyTestsOnPostgres(PostgresServer fixture) : SecretAndKeyTests(fixture), IClassFixture<PostgresServer>;
