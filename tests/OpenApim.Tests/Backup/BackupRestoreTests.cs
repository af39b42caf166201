using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OpenApim.Tests.Infrastructure;
using OpenApim.Tests.Management;

namespace OpenApim.Tests.Backup;

/// <summary>Backup and restore through the ARM API into Azurite, on both stores: the DR story end to end.</summary>
public abstract class BackupRestoreTests(BackupFixture fixture)
{
    private ArmClient Arm => fixture.Arm;

    [Fact]
    public async Task Restore_into_another_service_copies_every_entity_and_secret_and_keeps_the_targets_own_settings()
    {
        var source = await Arm.CreateServiceAsync();
        foreach (var c in EntityCase.All.Where(c => !c.Name.StartsWith("contentTypes", StringComparison.Ordinal)))
        {
            var path = await c.Arrange(Arm, source);
            var put = await Arm.PutAsync(path, new JsonObject { ["properties"] = c.Properties.DeepClone() });
            Assert.True(put.Status is HttpStatusCode.Created or HttpStatusCode.OK, $"{c.Name}: {put}");
        }

        await Arm.CreateAsync($"{source}/contentTypes/c-source-only", new JsonObject { ["name"] = "Source page" });
        await Arm.PatchAsync(source, new JsonObject { ["properties"] = new JsonObject { ["publisherName"] = "Primary Inc" } });

        var standby = ArmClient.ServicePath(Names.Unique("standby"), "rg-dr");
        var standbyBody = ArmClient.ServiceBody(location: "North Europe");
        var (pfx, thumbprint) = TestCertificates.Pfx("api.contoso.example", "pw");
        standbyBody["properties"]!["hostnameConfigurations"] = new JsonArray(new JsonObject
        {
            ["type"] = "Proxy", ["hostName"] = "api.contoso.example", ["encodedCertificate"] = pfx, ["certificatePassword"] = "pw",
        });
        standbyBody["properties"]!["customProperties"] = new JsonObject { ["Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls11"] = "False" };
        Assert.Equal(HttpStatusCode.Created, (await Arm.PutAsync(standby, standbyBody)).Status);
        await Arm.CreateAsync($"{standby}/contentTypes/c-standby-only", new JsonObject { ["name"] = "Standby page" });
        await Arm.CreateAsync($"{standby}/apis/standby-only", new JsonObject { ["path"] = "standby-only" });

        var container = await Azurite.NewContainerAsync();
        var (accepted, backup) = await Arm.RunAsync($"{source}/backup", Azurite.StorageBody(container, "primary.apimbackup"));
        Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
        Assert.Contains("/operationresults/", accepted.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, backup.Status);
        Assert.Equal(source.Split('/')[^1], backup.Json["name"]!.GetValue<string>());

        var (_, restore) = await Arm.RunAsync($"{standby}/restore", Azurite.StorageBody(container, "primary.apimbackup"));
        Assert.True(restore.Status == HttpStatusCode.OK, restore.ToString());
        Assert.Equal(standby.Split('/')[^1], restore.Json["name"]!.GetValue<string>());

        var expected = await ServiceDump.ReadAsync(Arm, source);
        var actual = await ServiceDump.ReadAsync(Arm, standby);
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (path, entity) in expected)
        {
            Assert.True(entity == actual[path], $"{path} differs:\n source: {entity}\nstandby: {actual[path]}");
        }

        Assert.Contains(expected.Keys, k => k.StartsWith("subscriptions/", StringComparison.Ordinal));
        Assert.Contains("primaryKey", expected.First(kv => kv.Key.StartsWith("subscriptions/", StringComparison.Ordinal)).Value, StringComparison.Ordinal);

        var after = await Arm.GetAsync(standby);
        Assert.Equal("North Europe", after.Json["location"]!.GetValue<string>());
        Assert.Equal("Primary Inc", after.Properties["publisherName"]!.GetValue<string>());
        Assert.Equal(thumbprint, after.Properties["hostnameConfigurations"]![0]!["certificate"]!["thumbprint"]!.GetValue<string>());
        Assert.Equal("False", after.Properties["customProperties"]!["Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls11"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await Arm.GetAsync($"{standby}/contentTypes/c-standby-only")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Arm.GetAsync($"{standby}/contentTypes/c-source-only")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Arm.GetAsync($"{standby}/apis/standby-only")).Status);
    }

    [Fact]
    public async Task Backup_restore_backup_again_gives_identical_content_apart_from_the_manifest()
    {
        var source = await Arm.CreateServiceAsync();
        await Arm.CreateAsync($"{source}/apis/orders", new JsonObject { ["path"] = "orders", ["displayName"] = "Orders" });
        await Arm.CreateAsync($"{source}/apis/orders/operations/get", new JsonObject { ["displayName"] = "Get", ["method"] = "GET", ["urlTemplate"] = "/" });
        await Arm.CreateAsync($"{source}/users/ada", new JsonObject { ["email"] = "ada@example.com", ["firstName"] = "Ada", ["lastName"] = "L", ["password"] = "pw-1234" });
        await Arm.CreateAsync($"{source}/subscriptions/s1", new JsonObject { ["displayName"] = "s", ["scope"] = "/apis/orders", ["ownerId"] = "/users/ada" });
        await Arm.CreateAsync($"{source}/namedValues/nv", new JsonObject { ["displayName"] = "nv", ["value"] = "secret value", ["secret"] = true });
        var standby = await Arm.CreateServiceAsync();
        var container = await Azurite.NewContainerAsync();

        Assert.Equal(HttpStatusCode.OK, (await Arm.RunAsync($"{source}/backup", Azurite.StorageBody(container, "a.apimbackup"))).Final.Status);
        Assert.Equal(HttpStatusCode.OK, (await Arm.RunAsync($"{standby}/restore", Azurite.StorageBody(container, "a.apimbackup"))).Final.Status);
        Assert.Equal(HttpStatusCode.OK, (await Arm.RunAsync($"{standby}/backup", Azurite.StorageBody(container, "b.apimbackup"))).Final.Status);

        var first = Azurite.Unzip(await Azurite.DownloadAsync(container, "a.apimbackup"));
        var second = Azurite.Unzip(await Azurite.DownloadAsync(container, "b.apimbackup"));
        Assert.Equal(first.Keys.Order(), second.Keys.Order());
        foreach (var (name, content) in first.Where(e => e.Key != "manifest.json"))
        {
            Assert.True(content.AsSpan().SequenceEqual(second[name]), $"{name} differs");
        }

        var manifest = JsonNode.Parse(first["manifest.json"])!;
        Assert.Equal("openapim-backup", manifest["format"]!.GetValue<string>());
        Assert.Equal("1.1", manifest["formatVersion"]!.GetValue<string>());
        Assert.Equal(1, manifest["counts"]!["apis/operations"]!.GetValue<int>());
        Assert.All(manifest["parts"]!.AsArray(), p => Assert.Matches("^[0-9a-f]{64}$", p!["sha256"]!.GetValue<string>()));
        Assert.DoesNotContain(Encoding.UTF8.GetString(first["parts/users.ndjson"]), "pw-1234", StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_restore_into_a_service_of_another_sku_fails_with_Azures_message_and_changes_nothing()
    {
        var source = await Arm.CreateServiceAsync();
        var target = await Arm.CreateServiceAsync(sku: "Basic");
        await Arm.CreateAsync($"{target}/apis/keep", new JsonObject { ["path"] = "keep" });
        var before = await ServiceDump.ReadAsync(Arm, target);
        var container = await Azurite.NewContainerAsync();
        await Arm.RunAsync($"{source}/backup", Azurite.StorageBody(container, "dev.apimbackup"));

        var (_, restore) = await Arm.RunAsync($"{target}/restore", Azurite.StorageBody(container, "dev.apimbackup"));

        Assert.Equal(HttpStatusCode.BadRequest, restore.Status);
        Assert.Equal("RestoreFailed", restore.ErrorCode);
        Assert.Equal("Cannot restore: current SKU is 'Basic', backup SKU is 'Developer'", restore.ErrorMessage);
        Assert.Equal(before, await ServiceDump.ReadAsync(Arm, target));
    }

    [Fact]
    public async Task Storage_problems_are_named_and_change_nothing()
    {
        var service = await Arm.CreateServiceAsync();
        await Arm.CreateAsync($"{service}/apis/keep", new JsonObject { ["path"] = "keep" });
        var before = await ServiceDump.ReadAsync(Arm, service);
        var container = await Azurite.NewContainerAsync();

        var noContainer = (await Arm.RunAsync($"{service}/backup", Azurite.StorageBody("no-such-container", "x.apimbackup"))).Final;
        Assert.Equal("BackupFailed", noContainer.ErrorCode);
        Assert.Equal("ContainerNotFound", noContainer.Json["error"]!["details"]![0]!["code"]!.GetValue<string>());
        Assert.Contains("no-such-container", noContainer.ErrorMessage, StringComparison.Ordinal);

        var wrongKey = (await Arm.RunAsync($"{service}/backup", Azurite.StorageBody(container, "x.apimbackup", key: Convert.ToBase64String(new byte[64])))).Final;
        Assert.Equal("BackupFailed", wrongKey.ErrorCode);
        Assert.Equal("AuthenticationFailed", wrongKey.Json["error"]!["details"]![0]!["code"]!.GetValue<string>());
        Assert.False(await Azurite.ExistsAsync(container, "x.apimbackup"));

        var noBlob = (await Arm.RunAsync($"{service}/restore", Azurite.StorageBody(container, "missing.apimbackup"))).Final;
        Assert.Equal("RestoreFailed", noBlob.ErrorCode);
        Assert.Equal("BlobNotFound", noBlob.Json["error"]!["details"]![0]!["code"]!.GetValue<string>());

        var restoreNoContainer = (await Arm.RunAsync($"{service}/restore", Azurite.StorageBody("no-such-container", "x.apimbackup"))).Final;
        Assert.Equal("ContainerNotFound", restoreNoContainer.Json["error"]!["details"]![0]!["code"]!.GetValue<string>());

        Assert.Equal(before, await ServiceDump.ReadAsync(Arm, service));
    }

    [Fact]
    public async Task A_corrupted_backup_is_refused_before_anything_changes()
    {
        var source = await Arm.CreateServiceAsync();
        await Arm.CreateAsync($"{source}/apis/a", new JsonObject { ["path"] = "a" });
        var target = await Arm.CreateServiceAsync();
        await Arm.CreateAsync($"{target}/apis/keep", new JsonObject { ["path"] = "keep" });
        var before = await ServiceDump.ReadAsync(Arm, target);
        var container = await Azurite.NewContainerAsync();
        await Arm.RunAsync($"{source}/backup", Azurite.StorageBody(container, "good.apimbackup"));
        var bytes = await Azurite.DownloadAsync(container, "good.apimbackup");

        // A byte of the APIs part's compressed content (not of a header field nobody reads, such as a local header's timestamp).
        var flipped = (byte[])bytes.Clone();
        var entryName = Encoding.ASCII.GetBytes("parts/apis.ndjson");
        var nameAt = bytes.AsSpan().IndexOf(entryName);
        var extraLength = BitConverter.ToUInt16(bytes, nameAt - 30 + 28);
        flipped[nameAt + entryName.Length + extraLength + 1] ^= 0xFF;
        await Azurite.UploadAsync(container, "flipped.apimbackup", flipped);
        await Azurite.UploadAsync(container, "truncated.apimbackup", bytes[..(bytes.Length / 2)]);
        await Azurite.UploadAsync(container, "garbage.apimbackup", Encoding.UTF8.GetBytes("not a backup"));

        foreach (var blob in new[] { "flipped.apimbackup", "truncated.apimbackup", "garbage.apimbackup" })
        {
            var restore = (await Arm.RunAsync($"{target}/restore", Azurite.StorageBody(container, blob))).Final;
            Assert.True(restore.ErrorCode == "RestoreFailed", $"{blob}: {restore}");
            Assert.Equal("BackupCorrupted", restore.Json["error"]!["details"]![0]!["code"]!.GetValue<string>());
        }

        Assert.Equal(before, await ServiceDump.ReadAsync(Arm, target));
    }

    [Theory]
    [InlineData("2024-05-01", """{"containerName":"c","backupName":"b","accessKey":"k"}""", "storageAccount")]
    [InlineData("2024-05-01", """{"storageAccount":"acct","backupName":"b","accessKey":"k"}""", "containerName")]
    [InlineData("2024-05-01", """{"storageAccount":"acct","containerName":"ccc"}""", "backupName")]
    [InlineData("2024-05-01", """{"storageAccount":"acct","containerName":"ccc","backupName":"b"}""", "accessKey")]
    [InlineData("2019-12-01", """{"storageAccount":"acct","containerName":"ccc","backupName":"b"}""", "accessKey")]
    [InlineData("2019-12-01", """{"storageAccount":"acct","containerName":"ccc","backupName":"b","accessKey":"k","accessType":"AccessKey"}""", "accessType")]
    [InlineData("2024-05-01", """{"storageAccount":"acct","containerName":"ccc","backupName":"b","accessType":"Magic"}""", "accessType")]
    [InlineData("2024-05-01", """{"storageAccount":"acct","containerName":"ccc","backupName":"b","accessType":"UserAssignedManagedIdentity"}""", "clientId")]
    [InlineData("2024-05-01", """{"storageAccount":"Not_An_Account","containerName":"ccc","backupName":"b","accessKey":"k"}""", "storageAccount")]
    [InlineData("2024-05-01", """{"storageAccount":"acct","containerName":"UPPER","backupName":"b","accessKey":"k"}""", "containerName")]
    public async Task Malformed_requests_are_rejected_at_once(string version, string body, string target)
    {
        var service = await Arm.CreateServiceAsync();
        foreach (var action in new[] { "backup", "restore" })
        {
            var result = await Arm.PostAsync($"{service}/{action}", JsonNode.Parse(body), version);
            Assert.Equal(HttpStatusCode.BadRequest, result.Status);
            Assert.Equal("ValidationError", result.ErrorCode);
            Assert.Contains(result.Json["error"]!["details"]!.AsArray(), d => d!["target"]!.GetValue<string>() == target);
        }

        Assert.DoesNotContain((await Arm.GetAsync($"{service}/operations")).Json["value"]!.AsArray(),
            o => o!["kind"]!.GetValue<string>() is "backup" or "restore");
    }

    [Fact]
    public async Task Accepted_operations_follow_the_requested_api_version_and_keep_no_key()
    {
        var service = await Arm.CreateServiceAsync();
        var container = await Azurite.NewContainerAsync();
        var (accepted, final) = await Arm.RunAsync($"{service}/backup", Azurite.StorageBody(container, "v.apimbackup"), "2019-12-01");
        Assert.Contains("api-version=2019-12-01", accepted.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal("1", accepted.Headers.GetValues("Retry-After").Single());
        Assert.Equal(HttpStatusCode.OK, final.Status);

        var ops = await Arm.GetAsync($"{service}/operations");
        var backup = ops.Json["value"]!.AsArray().First(o => o!["kind"]!.GetValue<string>() == "backup")!;
        Assert.Equal("Succeeded", backup["status"]!.GetValue<string>());
        Assert.Equal("v.apimbackup", backup["properties"]!["backupName"]!.GetValue<string>());
        Assert.DoesNotContain(Azurite.Key, ops.Body!.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Azurite.Key, await File.ReadAllTextAsync(Path.Combine(fixture.Server.DataDirectory, "endpoints.json")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task While_a_restore_runs_writes_to_the_service_get_409_and_reads_see_the_old_state()
    {
        var source = await Arm.CreateServiceAsync();
        await Arm.CreateAsync($"{source}/apis/new", new JsonObject { ["path"] = "new" });
        var target = await Arm.CreateServiceAsync();
        await Arm.CreateAsync($"{target}/apis/old", new JsonObject { ["path"] = "old" });
        var container = await Azurite.NewContainerAsync();
        await Arm.RunAsync($"{source}/backup", Azurite.StorageBody(container, "s.apimbackup"));

        fixture.Gate.Hold();
        try
        {
            var accepted = await Arm.PostAsync($"{target}/restore", Azurite.StorageBody(container, "s.apimbackup"));
            Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
            await fixture.Gate.Entered;

            var write = await Arm.PutAsync($"{target}/apis/during", new JsonObject { ["properties"] = new JsonObject { ["path"] = "during" } });
            Assert.Equal(HttpStatusCode.Conflict, write.Status);
            Assert.Contains("restore", write.ErrorMessage, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Conflict, (await Arm.PostAsync($"{target}/backup", Azurite.StorageBody(container, "x.apimbackup"))).Status);
            Assert.Equal(HttpStatusCode.Conflict, (await Arm.PatchAsync(target, new JsonObject { ["sku"] = new JsonObject { ["capacity"] = 1 } })).Status);
            Assert.Equal(HttpStatusCode.Conflict, (await Arm.DeleteAsync(target, ifMatch: null)).Status);
            Assert.Equal(HttpStatusCode.OK, (await Arm.GetAsync($"{target}/apis/old")).Status);
            Assert.Equal(HttpStatusCode.Accepted, (await Arm.SendAsync(HttpMethod.Get, accepted.Headers.Location!.ToString(), apiVersion: null)).Status);

            fixture.Gate.Release();
            Assert.Equal(HttpStatusCode.OK, (await Arm.WaitAsync(accepted.Headers.Location!.ToString())).Status);
        }
        finally
        {
            fixture.Gate.Release();
        }

        Assert.Equal(HttpStatusCode.NotFound, (await Arm.GetAsync($"{target}/apis/old")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Arm.GetAsync($"{target}/apis/new")).Status);
        Assert.Equal(HttpStatusCode.Created, (await Arm.PutAsync($"{target}/apis/after", new JsonObject { ["properties"] = new JsonObject { ["path"] = "after" } })).Status);
    }

    [Fact]
    public async Task While_a_backup_runs_entity_writes_go_on_and_service_changes_get_409()
    {
        var service = await Arm.CreateServiceAsync();
        var container = await Azurite.NewContainerAsync();
        fixture.Gate.Hold();
        try
        {
            var accepted = await Arm.PostAsync($"{service}/backup", Azurite.StorageBody(container, "b.apimbackup"));
            await fixture.Gate.Entered;
            Assert.Equal(HttpStatusCode.Created, (await Arm.PutAsync($"{service}/apis/during", new JsonObject { ["properties"] = new JsonObject { ["path"] = "during" } })).Status);
            var second = await Arm.PostAsync($"{service}/backup", Azurite.StorageBody(container, "c.apimbackup"));
            Assert.Equal(HttpStatusCode.Conflict, second.Status);
            Assert.Contains("backup", second.ErrorMessage, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Conflict, (await Arm.PatchAsync(service, new JsonObject { ["properties"] = new JsonObject { ["publisherName"] = "x" } })).Status);
            fixture.Gate.Release();
            Assert.Equal(HttpStatusCode.OK, (await Arm.WaitAsync(accepted.Headers.Location!.ToString())).Status);
        }
        finally
        {
            fixture.Gate.Release();
        }

        Assert.Equal(HttpStatusCode.OK, (await Arm.PatchAsync(service, new JsonObject { ["properties"] = new JsonObject { ["publisherName"] = "x" } })).Status);
    }

    [Fact]
    public async Task Preview_restore_reports_the_changes_and_changes_nothing()
    {
        var source = await Arm.CreateServiceAsync();
        await Arm.CreateAsync($"{source}/apis/same", new JsonObject { ["path"] = "same" });
        await Arm.CreateAsync($"{source}/apis/changed", new JsonObject { ["path"] = "changed", ["displayName"] = "New name" });
        await Arm.CreateAsync($"{source}/apis/added", new JsonObject { ["path"] = "added" });
        var container = await Azurite.NewContainerAsync();
        await Arm.RunAsync($"{source}/backup", Azurite.StorageBody(container, "p.apimbackup"));

        var target = await Arm.CreateServiceAsync();
        var copy = (await Arm.GetAsync($"{source}/apis/same")).Properties;
        await Arm.CreateAsync($"{target}/apis/same", copy);
        await Arm.CreateAsync($"{target}/apis/changed", new JsonObject { ["path"] = "changed", ["displayName"] = "Old name" });
        await Arm.CreateAsync($"{target}/apis/removed", new JsonObject { ["path"] = "removed" });
        var before = await ServiceDump.ReadAsync(Arm, target);

        var (_, preview) = await Arm.RunAsync($"{target}/previewRestore", Azurite.StorageBody(container, "p.apimbackup"));

        Assert.True(preview.Status == HttpStatusCode.OK, preview.ToString());
        var apis = preview.Json["changes"]!["apis"]!;
        Assert.Equal(1, apis["create"]!.GetValue<int>());
        Assert.Equal(1, apis["update"]!.GetValue<int>());
        Assert.Equal(1, apis["delete"]!.GetValue<int>());
        Assert.Equal(1, apis["unchanged"]!.GetValue<int>());
        // Each change is named, so a reader can drill down from the counts to the entities.
        Assert.Equal(["apis/added"], apis["entities"]!["create"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal(["apis/changed"], apis["entities"]!["update"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal(["apis/removed"], apis["entities"]!["delete"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.True(preview.Json["validateOnly"]!.GetValue<bool>());
        Assert.Equal(before, await ServiceDump.ReadAsync(Arm, target));

        var expired = await Arm.RunAsync($"{target}/previewRestore", Azurite.StorageBody(container, "nope.apimbackup"));
        Assert.Equal("RestoreFailed", expired.Final.ErrorCode);
    }

    [Fact]
    public async Task A_configuration_only_restore_keeps_the_targets_users_subscriptions_and_keys()
    {
        var source = await Arm.CreateServiceAsync();
        await Arm.CreateAsync($"{source}/apis/orders", new JsonObject { ["path"] = "orders" });
        await Arm.CreateAsync($"{source}/users/dev-user", new JsonObject { ["email"] = "dev@example.com", ["firstName"] = "D", ["lastName"] = "U" });
        await Arm.CreateAsync($"{source}/subscriptions/dev-sub", new JsonObject { ["displayName"] = "d", ["scope"] = "/apis" });
        var container = await Azurite.NewContainerAsync();
        await Arm.RunAsync($"{source}/backup", Azurite.StorageBody(container, "cfg.apimbackup"));

        var target = await Arm.CreateServiceAsync();
        await Arm.CreateAsync($"{target}/users/prod-user", new JsonObject { ["email"] = "prod@example.com", ["firstName"] = "P", ["lastName"] = "U" });
        await Arm.CreateAsync($"{target}/subscriptions/prod-sub", new JsonObject { ["displayName"] = "p", ["scope"] = "/apis" });
        var keys = await Arm.PostAsync($"{target}/subscriptions/prod-sub/listSecrets");

        var body = Azurite.StorageBody(container, "cfg.apimbackup");
        body["restoreScope"] = "Configuration";
        Assert.Equal(HttpStatusCode.OK, (await Arm.RunAsync($"{target}/restore", body)).Final.Status);

        Assert.Equal(HttpStatusCode.OK, (await Arm.GetAsync($"{target}/apis/orders")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Arm.GetAsync($"{target}/users/prod-user")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Arm.GetAsync($"{target}/users/dev-user")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Arm.GetAsync($"{target}/subscriptions/dev-sub")).Status);
        Assert.Equal(keys.Body!.ToJsonString(), (await Arm.PostAsync($"{target}/subscriptions/prod-sub/listSecrets")).Body!.ToJsonString());

        var bad = Azurite.StorageBody(container, "cfg.apimbackup");
        bad["restoreScope"] = "Everything";
        Assert.Equal("ValidationError", (await Arm.PostAsync($"{target}/restore", bad)).ErrorCode);
    }
}

public sealed class BackupRestoreTestsOnSqlite(SqliteBackupServer fixture) : BackupRestoreTests(fixture), IClassFixture<SqliteBackupServer>;

public sealed class BackupRestoreTestsOnPostgres(PostgresBackupServer fixture) : BackupRestoreTests(fixture), IClassFixture<PostgresBackupServer>;
