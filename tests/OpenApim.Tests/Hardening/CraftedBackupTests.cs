using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OpenApim.Tests.Backup;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Hardening;

/// <summary>
/// Review findings 4 and 11: crafted or damaged archives (a zip bomb, content the API would refuse, duplicate rows)
/// are refused with a clear error before the target changes, never a 500 and never by exhausting memory.
/// </summary>
public abstract class CraftedBackupTests(BackupFixture fixture)
{
    private ArmClient Arm => fixture.Arm;

    [Fact]
    public async Task A_zip_bomb_in_service_json_is_refused_as_corrupted()
    {
        var (craft, target, container) = await BackupAsync();
        craft.Stream("service.json", s => Zeros(s, 256L << 20));
        var result = await RestoreCraftedAsync(craft, target, container, "previewRestore");
        AssertRefused(result, "BackupCorrupted", "service.json");

        // Declared as huge in the manifest too: refused by the document limit before anything is read.
        craft.EditManifest(m => Part(m, "service.json")["bytes"] = 256L << 20);
        AssertRefused(await RestoreCraftedAsync(craft, target, container, "restore"), "BackupCorrupted", "service.json");
    }

    [Fact]
    public async Task A_part_larger_than_declared_or_with_a_giant_row_is_refused()
    {
        var (craft, target, container) = await BackupAsync();
        var apis = craft.Text("parts/apis.ndjson");
        craft.Stream("parts/apis.ndjson", s =>
        {
            s.Write(Encoding.UTF8.GetBytes(apis));
            Zeros(s, 64L << 20);
        });
        AssertRefused(await RestoreCraftedAsync(craft, target, container, "restore"), "BackupCorrupted", "parts/apis.ndjson");

        var giant = new ArchiveCraft(await Azurite.DownloadAsync(container, "base.apimbackup"))
            .Set("parts/tags.ndjson", Row("tags/t", $"{{\"displayName\":\"{new string('x', 20 << 20)}\"}}"))
            .Rehash();
        AssertRefused(await RestoreCraftedAsync(giant, target, container, "restore"), "BackupCorrupted", "longer than");
    }

    [Fact]
    public async Task Content_the_api_would_refuse_is_refused_with_every_problem_and_changes_nothing()
    {
        var (craft, target, container) = await BackupAsync();
        var before = await ServiceDump.ReadAsync(Arm, target);
        craft.Set("service.json", """{"properties":{"publisherEmail":"a@b.example","publisherName":12345}}""");
        var api = JsonNode.Parse(craft.Text("parts/apis.ndjson").Split('\n')[0])!;
        api["body"]!["properties"]!["path"] = 42;
        craft.Set("parts/apis.ndjson", api.ToJsonString() + "\n").Rehash();

        var result = await RestoreCraftedAsync(craft, target, container, "restore");

        Assert.Equal(HttpStatusCode.BadRequest, result.Status);
        Assert.Equal("RestoreFailed", result.ErrorCode);
        var targets = result.Json["error"]!["details"]!.AsArray().Select(d => d!["target"]!.GetValue<string>()).ToList();
        Assert.Contains("service.json.properties.publisherName", targets);
        Assert.Contains(targets, t => t.EndsWith(".properties.path", StringComparison.Ordinal));
        Assert.Equal(before, await ServiceDump.ReadAsync(Arm, target));
        Assert.Equal(HttpStatusCode.OK, (await Arm.PatchAsync(target, new JsonObject { ["properties"] = new JsonObject { ["publisherName"] = "still fine" } })).Status);
    }

    [Theory]
    [InlineData("duplicate row")]
    [InlineData("hostile name")]
    [InlineData("shared key")]
    [InlineData("orphan")]
    [InlineData("dangling reference")]
    [InlineData("broken policy")]
    [InlineData("duplicate row in another part")]
    [InlineData("key shared across parts")]
    [InlineData("duplicate row in another batch")]
    [InlineData("key shared across batches")]
    public async Task Structurally_wrong_archives_are_refused_not_answered_with_500(string damage)
    {
        var (craft, target, container) = await BackupAsync();
        var before = await ServiceDump.ReadAsync(Arm, target);
        switch (damage)
        {
            case "duplicate row":
                var line = craft.Text("parts/apis.ndjson").Split('\n')[0];
                craft.Set("parts/apis.ndjson", craft.Text("parts/apis.ndjson") + line + "\n");
                break;
            case "hostile name":
                craft.Set("parts/tags.ndjson", Row("tags/a\\..\\b", """{"displayName":"x"}"""));
                break;
            case "shared key":
                craft.Set("parts/subscriptions.ndjson",
                    Row("subscriptions/one", """{"scope":"/apis","displayName":"1","state":"active","primaryKey":"same-key","secondaryKey":"k1"}""")
                    + Row("subscriptions/two", """{"scope":"/apis","displayName":"2","state":"active","primaryKey":"k2","secondaryKey":"same-key"}"""));
                break;
            case "orphan":
                craft.Set("parts/apis.operations.ndjson", Row("apis/missing/operations/op", """{"displayName":"o","method":"GET","urlTemplate":"/"}"""));
                break;
            case "dangling reference":
                craft.Set("parts/subscriptions.ndjson", Row("subscriptions/s", """{"scope":"/products/nope","displayName":"s","state":"active","primaryKey":"p","secondaryKey":"q"}"""));
                break;
            case "broken policy":
                craft.Set("parts/policies.ndjson", Row("policies/policy", """{"value":"<policies><inbound><send-request mode=\"new\" /></inbound></policies>","format":"xml"}"""));
                break;
            case "duplicate row in another part":
                // Parts are checked on several threads, each with a validator of its own: the duplicate is only seen when they are combined.
                craft.Set("parts/apis.again.ndjson", craft.Text("parts/apis.ndjson").Split('\n')[0] + "\n");
                craft.EditManifest(m => m["parts"]!.AsArray().Add(new JsonObject { ["path"] = "parts/apis.again.ndjson", ["kind"] = "apis", ["scope"] = "configuration" }));
                break;
            case "key shared across parts":
                craft.Set("parts/subscriptions.ndjson", Row("subscriptions/one", """{"scope":"/apis","displayName":"1","state":"active","primaryKey":"same-key","secondaryKey":"k1"}"""));
                craft.Set("parts/subscriptions.more.ndjson", Row("subscriptions/two", """{"scope":"/apis","displayName":"2","state":"active","primaryKey":"k2","secondaryKey":"same-key"}"""));
                craft.EditManifest(m => m["parts"]!.AsArray().Add(new JsonObject { ["path"] = "parts/subscriptions.more.ndjson", ["kind"] = "subscriptions", ["scope"] = "configuration" }));
                break;
            case "duplicate row in another batch":
                // A part's rows are checked in batches of 512 on several threads: the first and last rows are in different batches.
                craft.Set("parts/subscriptions.ndjson", ManySubscriptions(1100)
                    + Row("subscriptions/s3", """{"scope":"/apis","displayName":"again","state":"active","primaryKey":"other-1","secondaryKey":"other-2"}"""));
                break;
            case "key shared across batches":
                craft.Set("parts/subscriptions.ndjson", ManySubscriptions(1100)
                    + Row("subscriptions/late", """{"scope":"/apis","displayName":"late","state":"active","primaryKey":"other-1","secondaryKey":"p5"}"""));
                break;
        }

        var result = await RestoreCraftedAsync(craft.Rehash(), target, container, "restore");

        Assert.True(result.Status == HttpStatusCode.BadRequest, $"{damage}: {result}");
        Assert.Equal("RestoreFailed", result.ErrorCode);
        var details = result.Json["error"]!["details"]!.ToJsonString();
        if (damage.Contains("part", StringComparison.Ordinal) || damage.Contains("batch", StringComparison.Ordinal))
        {
            Assert.Contains(damage.StartsWith("duplicate", StringComparison.Ordinal) ? "appears more than once" : "unique per service", details, StringComparison.Ordinal);
        }

        Assert.Equal(before, await ServiceDump.ReadAsync(Arm, target));
    }

    private static string Row(string path, string properties) =>
        "{\"path\":" + JsonValue.Create(path).ToJsonString() + ",\"created\":\"2026-01-01T00:00:00Z\",\"updated\":\"2026-01-01T00:00:00Z\",\"body\":{\"properties\":" + properties + "}}\n";

    private static string ManySubscriptions(int count) => string.Concat(Enumerable.Range(0, count).Select(i =>
        Row($"subscriptions/s{i}", $$"""{"scope":"/apis","displayName":"{{i}}","state":"active","primaryKey":"p{{i}}","secondaryKey":"q{{i}}"}""")));

    private static JsonObject Part(JsonObject manifest, string path) =>
        manifest["parts"]!.AsArray().OfType<JsonObject>().Single(p => p["path"]!.GetValue<string>() == path);

    private static void Zeros(Stream s, long count)
    {
        var block = new byte[1 << 20];
        for (long written = 0; written < count; written += block.Length)
        {
            s.Write(block);
        }
    }

    private static void AssertRefused(ArmResult result, string problem, string mention)
    {
        Assert.True(result.Status == HttpStatusCode.BadRequest, result.ToString());
        Assert.Equal("RestoreFailed", result.ErrorCode);
        Assert.Equal(problem, result.Json["error"]!["details"]![0]!["code"]!.GetValue<string>());
        Assert.Contains(mention, result.ErrorMessage, StringComparison.Ordinal);
    }

    /// <summary>A source with a few entities backed up to a new container as base.apimbackup, and a target to restore into.</summary>
    private async Task<(ArchiveCraft Craft, string Target, string Container)> BackupAsync()
    {
        var source = await Arm.CreateServiceAsync();
        await Arm.CreateAsync($"{source}/apis/orders", new JsonObject { ["path"] = "orders", ["displayName"] = "Orders" });
        await Arm.CreateAsync($"{source}/tags/t1", new JsonObject { ["displayName"] = "t1" });
        await Arm.CreateAsync($"{source}/subscriptions/s1", new JsonObject { ["displayName"] = "s", ["scope"] = "/apis" });
        var target = await Arm.CreateServiceAsync();
        await Arm.CreateAsync($"{target}/apis/keep", new JsonObject { ["path"] = "keep" });
        var container = await Azurite.NewContainerAsync();
        var backup = (await Arm.RunAsync($"{source}/backup", Azurite.StorageBody(container, "base.apimbackup"))).Final;
        Assert.True(backup.Status == HttpStatusCode.OK, backup.ToString());
        return (new ArchiveCraft(await Azurite.DownloadAsync(container, "base.apimbackup")), target, container);
    }

    private async Task<ArmResult> RestoreCraftedAsync(ArchiveCraft craft, string target, string container, string action)
    {
        var name = Names.Unique("crafted") + ".apimbackup";
        await Azurite.UploadAsync(container, name, craft.Build());
        return (await Arm.RunAsync($"{target}/{action}", Azurite.StorageBody(container, name))).Final;
    }
}

public sealed class CraftedBackupTestsOnSqlite(SqliteBackupServer fixture) : CraftedBackupTests(fixture), IClassFixture<SqliteBackupServer>;

public sealed class CraftedBackupTestsOnPostgres(PostgresBackupServer fixture) : CraftedBackupTests(fixture), IClassFixture<PostgresBackupServer>;
