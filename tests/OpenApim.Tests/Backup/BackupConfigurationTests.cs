using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Backup;

/// <summary>Backup behaviour that depends on server settings: lifetime, endpoints, identities, encryption, the local-folder target.</summary>
public sealed class BackupConfigurationTests
{
    private static readonly string EncryptionKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    [Fact]
    public async Task An_expired_backup_fails_with_Azures_message()
    {
        var clock = new MovableClock();
        await using var server = await OpenApimInstance.StartAsync(StoreKind.Sqlite, s => s.AddSingleton<TimeProvider>(clock), [.. Azurite.ServerArgs, "--OPENAPIM_BACKUP_LIFETIME", "01:00:00"]);
        using var arm = await server.CreateArmClientAsync();
        var service = await arm.CreateServiceAsync();
        await arm.CreateAsync($"{service}/apis/keep", new JsonObject { ["path"] = "keep" });
        var container = await Azurite.NewContainerAsync();
        Assert.Equal(HttpStatusCode.OK, (await arm.RunAsync($"{service}/backup", Azurite.StorageBody(container, "old.apimbackup"))).Final.Status);
        var manifest = JsonNode.Parse(Azurite.Unzip(await Azurite.DownloadAsync(container, "old.apimbackup"))["manifest.json"])!;
        var created = DateTimeOffset.Parse(manifest["createdAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(created.AddHours(1), DateTimeOffset.Parse(manifest["expiresAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        var before = await ServiceDump.ReadAsync(arm, service);

        clock.Advance(TimeSpan.FromMinutes(59));
        var preview = (await arm.RunAsync($"{service}/previewRestore", Azurite.StorageBody(container, "old.apimbackup"))).Final;
        Assert.True(preview.Status == HttpStatusCode.OK, preview.ToString());
        clock.Advance(TimeSpan.FromMinutes(2));
        var restore = (await arm.RunAsync($"{service}/restore", Azurite.StorageBody(container, "old.apimbackup"))).Final;

        Assert.Equal(HttpStatusCode.BadRequest, restore.Status);
        Assert.Equal("RestoreFailed", restore.ErrorCode);
        Assert.Equal("Cannot restore: backup expired", restore.ErrorMessage);
        Assert.Equal("BackupExpired", restore.Json["error"]!["details"]![0]!["code"]!.GetValue<string>());
        Assert.Equal(before, await ServiceDump.ReadAsync(arm, service));
    }

    [Fact]
    public async Task An_unreachable_storage_account_is_named()
    {
        await using var server = await OpenApimInstance.StartAsync(StoreKind.Sqlite, null, "--OPENAPIM_BLOB_ENDPOINT_TEMPLATE", "http://127.0.0.1:1/{account}");
        using var arm = await server.CreateArmClientAsync();
        var service = await arm.CreateServiceAsync();
        var backup = (await arm.RunAsync($"{service}/backup", Azurite.StorageBody("backups", "x.apimbackup"))).Final;
        Assert.Equal("BackupFailed", backup.ErrorCode);
        Assert.Equal("AccountUnreachable", backup.Json["error"]!["details"]![0]!["code"]!.GetValue<string>());
        Assert.Contains("unreachable", backup.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Managed_identities_use_their_configured_stand_ins_and_must_be_enabled()
    {
        const string clientId = "6f7d1a0b-2c3d-4e5f-8a9b-0c1d2e3f4a5b";
        await using var server = await OpenApimInstance.StartAsync(StoreKind.Sqlite, null,
            [.. Azurite.ServerArgs, "--OPENAPIM_MANAGED_IDENTITIES", $"system@{Azurite.Account}={Azurite.Key};{clientId}@{Azurite.Account}={Azurite.Key}"]);
        using var arm = await server.CreateArmClientAsync();
        var service = await arm.CreateServiceAsync();
        var container = await Azurite.NewContainerAsync();
        var system = Azurite.StorageBody(container, "mi.apimbackup", key: null, accessType: "SystemAssignedManagedIdentity");

        var disabled = await arm.PostAsync($"{service}/backup", system);
        Assert.Equal(HttpStatusCode.BadRequest, disabled.Status);
        Assert.Equal("ManagedIdentityNotEnabled", disabled.ErrorCode);

        var identity = ArmClient.ServiceBody();
        identity["identity"] = new JsonObject
        {
            ["type"] = "SystemAssigned, UserAssigned",
            ["userAssignedIdentities"] = new JsonObject
            {
                [$"/subscriptions/{ArmClient.Subscription}/resourceGroups/rg1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/backup-id"] = new JsonObject { ["clientId"] = clientId },
            },
        };
        var updated = await arm.PutAsync(service, identity);
        Assert.True(Guid.TryParse(updated.Json["identity"]!["principalId"]!.GetValue<string>(), out _));

        Assert.Equal(HttpStatusCode.OK, (await arm.RunAsync($"{service}/backup", system)).Final.Status);
        var user = Azurite.StorageBody(container, "mi-user.apimbackup", key: null, accessType: "UserAssignedManagedIdentity");
        user["clientId"] = clientId;
        Assert.Equal(HttpStatusCode.OK, (await arm.RunAsync($"{service}/backup", user)).Final.Status);
        user["clientId"] = Guid.NewGuid().ToString();
        Assert.Equal("ManagedIdentityNotEnabled", (await arm.PostAsync($"{service}/backup", user)).ErrorCode);

        var restore = Azurite.StorageBody(container, "mi.apimbackup", key: null, accessType: "SystemAssignedManagedIdentity");
        Assert.Equal(HttpStatusCode.OK, (await arm.RunAsync($"{service}/restore", restore)).Final.Status);
    }

    [Fact]
    public async Task Encrypted_secrets_need_the_same_key_to_restore()
    {
        await using var encrypting = await OpenApimInstance.StartAsync(StoreKind.Sqlite, null, [.. Azurite.ServerArgs, "--OPENAPIM_BACKUP_ENCRYPTION_KEY", EncryptionKey]);
        using var arm = await encrypting.CreateArmClientAsync();
        var service = await arm.CreateServiceAsync();
        await arm.CreateAsync($"{service}/subscriptions/s1", new JsonObject { ["displayName"] = "s", ["scope"] = "/apis", ["primaryKey"] = "plain-primary-key", ["secondaryKey"] = "plain-secondary-key" });
        await arm.CreateAsync($"{service}/namedValues/nv", new JsonObject { ["displayName"] = "nv", ["value"] = "plain-secret-value", ["secret"] = true });
        await arm.CreateAsync($"{service}/namedValues/open", new JsonObject { ["displayName"] = "open", ["value"] = "plain-open-value" });
        var container = await Azurite.NewContainerAsync();
        Assert.Equal(HttpStatusCode.OK, (await arm.RunAsync($"{service}/backup", Azurite.StorageBody(container, "enc.apimbackup"))).Final.Status);

        var archive = Azurite.Unzip(await Azurite.DownloadAsync(container, "enc.apimbackup"));
        var text = string.Join('\n', archive.Values.Select(v => Encoding.UTF8.GetString(v)));
        Assert.DoesNotContain("plain-primary-key", text, StringComparison.Ordinal);
        Assert.DoesNotContain("plain-secret-value", text, StringComparison.Ordinal);
        Assert.Contains("plain-open-value", text, StringComparison.Ordinal);
        Assert.Contains("enc:v1:", text, StringComparison.Ordinal);
        Assert.Equal("AES-256-GCM", JsonNode.Parse(archive["manifest.json"])!["encryption"]!["algorithm"]!.GetValue<string>());

        var standby = await arm.CreateServiceAsync();
        Assert.Equal(HttpStatusCode.OK, (await arm.RunAsync($"{standby}/restore", Azurite.StorageBody(container, "enc.apimbackup"))).Final.Status);
        Assert.Equal("plain-primary-key", (await arm.PostAsync($"{standby}/subscriptions/s1/listSecrets")).Json["primaryKey"]!.GetValue<string>());
        Assert.Equal("plain-secret-value", (await arm.PostAsync($"{standby}/namedValues/nv/listValue")).Json["value"]!.GetValue<string>());

        await using var keyless = await OpenApimInstance.StartAsync(StoreKind.Sqlite, null, Azurite.ServerArgs);
        using var other = await keyless.CreateArmClientAsync();
        var target = await other.CreateServiceAsync();
        var refused = (await other.RunAsync($"{target}/restore", Azurite.StorageBody(container, "enc.apimbackup"))).Final;
        Assert.Equal("RestoreFailed", refused.ErrorCode);
        Assert.Equal("EncryptionKeyMissing", refused.Json["error"]!["details"]![0]!["code"]!.GetValue<string>());

        await using var wrongKey = await OpenApimInstance.StartAsync(StoreKind.Sqlite, null, [.. Azurite.ServerArgs, "--OPENAPIM_BACKUP_ENCRYPTION_KEY", Convert.ToBase64String(new byte[32])]);
        using var third = await wrongKey.CreateArmClientAsync();
        var target3 = await third.CreateServiceAsync();
        var mismatch = (await third.RunAsync($"{target3}/restore", Azurite.StorageBody(container, "enc.apimbackup"))).Final;
        Assert.Equal("EncryptionKeyMismatch", mismatch.Json["error"]!["details"]![0]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_embedded_local_folder_target_needs_no_emulator_and_keeps_Azures_rules()
    {
        await using var server = await OpenApimInstance.StartAsync(StoreKind.Sqlite);
        using var arm = await server.CreateArmClientAsync();
        var service = await arm.CreateServiceAsync();
        await arm.CreateAsync($"{service}/apis/a", new JsonObject { ["path"] = "a" });

        Assert.Equal(HttpStatusCode.OK, (await arm.RunAsync($"{service}/backup", Azurite.StorageBody("backups", "local.apimbackup"))).Final.Status);
        Assert.True(File.Exists(Path.Combine(server.DataDirectory, "storage", Azurite.Account, "backups", "local.apimbackup")));
        Assert.Equal("ContainerNotFound", (await arm.RunAsync($"{service}/backup", Azurite.StorageBody("other", "x.apimbackup"))).Final.Json["error"]!["details"]![0]!["code"]!.GetValue<string>());
        Assert.Equal("AuthenticationFailed", (await arm.RunAsync($"{service}/backup", Azurite.StorageBody("backups", "x.apimbackup", key: "d3Jvbmc="))).Final.Json["error"]!["details"]![0]!["code"]!.GetValue<string>());

        var standby = await arm.CreateServiceAsync();
        Assert.Equal(HttpStatusCode.OK, (await arm.RunAsync($"{standby}/restore", Azurite.StorageBody("backups", "local.apimbackup"))).Final.Status);
        Assert.Equal(HttpStatusCode.OK, (await arm.GetAsync($"{standby}/apis/a")).Status);
        Assert.Empty(Directory.GetFiles(Path.Combine(server.DataDirectory, "work")));
    }
}
