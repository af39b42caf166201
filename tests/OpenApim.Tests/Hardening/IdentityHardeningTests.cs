using System.Net;
using System.Text.Json.Nodes;
using OpenApim.Tests.Identity;
using OpenApim.Tests.Infrastructure;
using static OpenApim.Tests.Identity.DirectoryClient;

namespace OpenApim.Tests.Hardening;

/// <summary>Review findings 5, 6 and 12: lockout by made-up ids, rotation of the bootstrap administrator, what the Operator role may do.</summary>
public sealed class IdentityHardeningTests
{
    [Fact]
    public async Task Made_up_client_ids_lock_out_only_made_up_ids_not_registered_clients()
    {
        await using var server = await OpenApimInstance.StartAsync(StoreKind.Sqlite, null, "--OPENAPIM_AUTH_FAILURE_LIMIT=10");
        using var admin = await server.CreateArmClientAsync();
        var app = await admin.CreateAppAsync();

        for (var i = 0; i < 12; i++)
        {
            await server.RequestTokenAsync(Guid.NewGuid().ToString(), "guess");
        }

        Assert.Equal((HttpStatusCode)429, (await server.RequestTokenAsync(Guid.NewGuid().ToString(), "guess")).Status);
        Assert.Equal(HttpStatusCode.OK, (await server.RequestTokenAsync(server.ClientId, server.ClientSecret)).Status);
        Assert.Equal(HttpStatusCode.OK, (await server.RequestTokenAsync(app.AppId, app.Secret)).Status);

        // A registered client is still locked out by failures against its own id.
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await server.RequestTokenAsync(app.AppId, "wrong" + i)).Status);
        }

        Assert.Equal((HttpStatusCode)429, (await server.RequestTokenAsync(app.AppId, app.Secret)).Status);
        Assert.Equal(HttpStatusCode.OK, (await server.RequestTokenAsync(server.ClientId, server.ClientSecret)).Status);
    }

    [Fact]
    public async Task Restarting_with_a_new_bootstrap_id_takes_the_old_ones_secret_and_owner_role_away()
    {
        var data = OpenApimInstance.NewDataDirectory();
        try
        {
            string oldId, oldSecret, oldObjectId;
            await using (var first = await OpenApimInstance.StartInAsync(data, ownsData: false, StoreKind.Sqlite, null, bootstrap: null))
            {
                (oldId, oldSecret) = (first.ClientId, first.ClientSecret);
                using var admin = await first.CreateArmClientAsync();
                oldObjectId = (await admin.GetAsync(AppPath(oldId), IdentityVersion)).Properties["objectId"]!.GetValue<string>();
            }

            var newId = Guid.NewGuid().ToString();
            var newSecret = "rotated-" + Guid.NewGuid().ToString("N");
            await using var second = await OpenApimInstance.StartInAsync(data, ownsData: false, StoreKind.Sqlite, null, (newId, newSecret));
            using var current = await second.CreateArmClientAsync();

            var (status, _) = await second.RequestTokenAsync(oldId, oldSecret);
            Assert.Equal(HttpStatusCode.Unauthorized, status);
            var old = await current.GetAsync(AppPath(oldId), IdentityVersion);
            Assert.False(old.Properties["bootstrap"]!.GetValue<bool>());
            Assert.Empty(old.Properties["passwordCredentials"]!.AsArray());
            var assignments = await current.GetAsync($"/providers/Microsoft.Authorization/roleAssignments?$filter=principalId eq '{oldObjectId}'", AuthorizationVersion);
            Assert.Empty(assignments.Json["value"]!.AsArray());
            Assert.Equal(HttpStatusCode.OK, (await current.DeleteAsync(AppPath(oldId), apiVersion: IdentityVersion)).Status);

            var me = await current.GetAsync(AppPath(newId), IdentityVersion);
            Assert.True(me.Properties["bootstrap"]!.GetValue<bool>());
            Assert.Equal(HttpStatusCode.Conflict, (await current.DeleteAsync(AppPath(newId), apiVersion: IdentityVersion)).Status);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task The_operator_role_may_preview_back_up_and_restore_but_not_change_apis_delete_or_read_secrets()
    {
        await using var server = await OpenApimInstance.StartAsync(StoreKind.Sqlite);
        using var admin = await server.CreateArmClientAsync();
        var service = await admin.CreateServiceAsync();
        await admin.CreateAsync($"{service}/subscriptions/s1", new JsonObject { ["displayName"] = "s", ["scope"] = "/apis" });
        var app = await admin.CreateAppAsync();
        await admin.AssignAsync(service, ServiceOperator, app.ObjectId);
        using var operatorClient = await server.CreateArmClientAsync(app.AppId, app.Secret);
        var storage = new JsonObject
        {
            ["storageAccount"] = "devstoreaccount1", ["containerName"] = "backups", ["backupName"] = Names.Unique("op") + ".apimbackup", ["accessKey"] = Azurite.Key,
        };

        Assert.Equal(HttpStatusCode.OK, (await operatorClient.RunAsync($"{service}/backup", storage)).Final.Status);
        var preview = (await operatorClient.RunAsync($"{service}/previewRestore", storage)).Final;
        Assert.True(preview.Status == HttpStatusCode.OK, preview.ToString());
        Assert.True(preview.Json["validateOnly"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.RunAsync($"{service}/restore", storage)).Final.Status);
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.GetAsync($"{service}/operations")).Status);
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.PatchAsync(service, new JsonObject { ["tags"] = new JsonObject { ["dr"] = "yes" } })).Status);

        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.PutAsync($"{service}/apis/x", new JsonObject { ["properties"] = new JsonObject { ["path"] = "x" } })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.PostAsync($"{service}/subscriptions/s1/listSecrets")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.DeleteAsync(service)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.GetAsync(ArmClient.ServicePath(Names.Unique("other")))).Status);
    }
}
