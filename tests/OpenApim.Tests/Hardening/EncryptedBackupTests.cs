using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Hardening;

/// <summary>
/// Review findings 7 and 15: an encrypted backup keeps every secret (backend header and query credentials included)
/// out of the clear, and its manifest is sealed: stripping the encryption, moving the expiry or relabelling the format
/// is refused instead of restoring ciphertext as keys.
/// </summary>
public sealed class EncryptedBackupTests : IAsyncLifetime
{
    private static readonly string Key = Convert.ToBase64String(Enumerable.Range(7, 32).Select(i => (byte)i).ToArray());
    private OpenApimInstance _server = null!;
    private ArmClient _arm = null!;

    public async Task InitializeAsync()
    {
        _server = await OpenApimInstance.StartAsync(StoreKind.Sqlite, null, [.. Azurite.ServerArgs, "--OPENAPIM_BACKUP_ENCRYPTION_KEY", Key]);
        _arm = await _server.CreateArmClientAsync();
    }

    public async Task DisposeAsync()
    {
        _arm.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task No_secret_is_in_the_clear_and_the_backup_restores_with_the_key()
    {
        var (_, container, source) = await BackupAsync();
        var parts = Azurite.Unzip(await Azurite.DownloadAsync(container, "base.apimbackup"));
        var all = string.Join('\n', parts.Where(p => p.Key.StartsWith("parts/", StringComparison.Ordinal)).Select(p => Encoding.UTF8.GetString(p.Value)));
        foreach (var secret in new[] { "header-secret-1", "query-secret-2", "basic-secret-3", "nv-secret-4", "sub-key-5" })
        {
            Assert.DoesNotContain(secret, all, StringComparison.Ordinal);
        }

        var manifest = JsonNode.Parse(parts["manifest.json"])!;
        Assert.Equal("1.1", manifest["formatVersion"]!.GetValue<string>());
        Assert.Equal("HMAC-SHA256", manifest["authentication"]!["algorithm"]!.GetValue<string>());

        var target = await _arm.CreateServiceAsync();
        Assert.Equal(HttpStatusCode.OK, (await _arm.RunAsync($"{target}/restore", Azurite.StorageBody(container, "base.apimbackup"))).Final.Status);
        Assert.Equal(await ServiceDump.ReadAsync(_arm, source), await ServiceDump.ReadAsync(_arm, target));
    }

    [Theory]
    [InlineData("strip encryption")]
    [InlineData("extend expiry")]
    [InlineData("relabel as 1.0")]
    [InlineData("remove seal")]
    [InlineData("swap a part")]
    public async Task A_tampered_manifest_is_refused_and_nothing_changes(string tamper)
    {
        var (craft, container, _) = await BackupAsync();
        switch (tamper)
        {
            case "strip encryption":
                craft.EditManifest(m => { m["encryption"] = null; m.Remove("authentication"); });
                break;
            case "extend expiry":
                craft.EditManifest(m => m["expiresAt"] = "2099-01-01T00:00:00.0000000Z");
                break;
            case "relabel as 1.0":
                craft.EditManifest(m => { m["formatVersion"] = "1.0"; m.Remove("authentication"); });
                break;
            case "remove seal":
                craft.EditManifest(m => m.Remove("authentication"));
                break;
            case "swap a part":
                craft.Set("parts/tags.ndjson", """{"path":"tags/injected","created":"2026-01-01T00:00:00Z","updated":"2026-01-01T00:00:00Z","body":{"properties":{"displayName":"x"}}}""" + "\n").Rehash();
                break;
        }

        var target = await _arm.CreateServiceAsync();
        await _arm.CreateAsync($"{target}/apis/keep", new JsonObject { ["path"] = "keep" });
        var before = await ServiceDump.ReadAsync(_arm, target);
        var name = Names.Unique("tampered") + ".apimbackup";
        await Azurite.UploadAsync(container, name, craft.Build());

        var result = (await _arm.RunAsync($"{target}/restore", Azurite.StorageBody(container, name))).Final;

        Assert.True(result.Status == HttpStatusCode.BadRequest, $"{tamper}: {result}");
        Assert.Equal("BackupCorrupted", result.Json["error"]!["details"]![0]!["code"]!.GetValue<string>());
        Assert.Equal(before, await ServiceDump.ReadAsync(_arm, target));
    }

    private async Task<(ArchiveCraft Craft, string Container, string Source)> BackupAsync()
    {
        var source = await _arm.CreateServiceAsync();
        await _arm.CreateAsync($"{source}/backends/b1", new JsonObject
        {
            ["url"] = "https://backend.example", ["protocol"] = "http",
            ["credentials"] = new JsonObject
            {
                ["header"] = new JsonObject { ["x-api-key"] = new JsonArray("header-secret-1") },
                ["query"] = new JsonObject { ["code"] = new JsonArray("query-secret-2") },
                ["authorization"] = new JsonObject { ["scheme"] = "Basic", ["parameter"] = "basic-secret-3" },
            },
        });
        await _arm.CreateAsync($"{source}/namedValues/nv", new JsonObject { ["displayName"] = "nv", ["value"] = "nv-secret-4", ["secret"] = true });
        await _arm.CreateAsync($"{source}/subscriptions/s1", new JsonObject { ["displayName"] = "s", ["scope"] = "/apis", ["primaryKey"] = "sub-key-5" });
        await _arm.CreateAsync($"{source}/tags/t1", new JsonObject { ["displayName"] = "t1" });
        var container = await Azurite.NewContainerAsync();
        Assert.Equal(HttpStatusCode.OK, (await _arm.RunAsync($"{source}/backup", Azurite.StorageBody(container, "base.apimbackup"))).Final.Status);
        return (new ArchiveCraft(await Azurite.DownloadAsync(container, "base.apimbackup")), container, source);
    }
}
