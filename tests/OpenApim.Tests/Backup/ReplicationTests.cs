using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs.Models;
using OpenApim.Resources.Store.Journal;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Backup;

/// <summary>
/// Continuous protection: a replication ships a base and chained segments to Azurite as changes commit, and a point-in-time
/// restore replays them into another service, reproducing the state at the chosen moment exactly.
/// </summary>
public abstract class ReplicationTests(BackupFixture fixture)
{
    private ArmClient Arm => fixture.Arm;

    private IChangeJournal Journal => fixture.Server.Service<IChangeJournal>();

    private static string Name(string servicePath) => servicePath.Split('/')[^1];

    private static JsonObject Replication(string container, int sealMs = 200) => new()
    {
        ["properties"] = new JsonObject
        {
            ["storageAccount"] = Azurite.Account,
            ["containerName"] = container,
            ["accessKey"] = Azurite.Key,
            ["sealIntervalMilliseconds"] = sealMs,
        },
    };

    /// <summary>A new service shipping to a new container as <c>r1</c>, its first base written.</summary>
    private async Task<(string Primary, string Container)> ShippingServiceAsync()
    {
        var primary = await Arm.CreateServiceAsync();
        var container = await Azurite.NewContainerAsync();
        Assert.Equal(HttpStatusCode.Created, (await Arm.PutAsync($"{primary}/replications/r1", Replication(container))).Status);
        await WaitShippedAsync(container, primary);
        return (primary, container);
    }

    /// <summary>A standby replication following <paramref name="primary"/>'s <c>r1</c>.</summary>
    private static JsonObject Following(string container, string primary)
    {
        var follow = Replication(container);
        follow["properties"]!["mode"] = "Standby";
        follow["properties"]!["source"] = $"{Name(primary)}/r1";
        return follow;
    }

    private static JsonObject PointInTimeBody(string container, string primary, JsonObject point)
    {
        var body = Azurite.StorageBody(container, "unused");
        body.Remove("backupName");
        body["replication"] = $"{Name(primary)}/r1";
        foreach (var (key, value) in point)
        {
            body[key] = value?.DeepClone();
        }

        return body;
    }

    private static async Task<List<string>> BlobsAsync(string container, string prefix)
    {
        var names = new List<string>();
        await foreach (var item in Azurite.Client.GetBlobContainerClient(container).GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, CancellationToken.None))
        {
            names.Add(item.Name);
        }

        return names;
    }

    /// <summary>Waits until the stream's segments reach the journal's current end: every change so far is durable in storage.</summary>
    private async Task<List<string>> WaitShippedAsync(string container, string primary)
    {
        var end = await Journal.LastSequenceAsync(CancellationToken.None);
        var prefix = $"replications/{Name(primary).ToLowerInvariant()}/r1/";
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var blobs = await BlobsAsync(container, prefix);
            var segments = blobs.Where(b => b.Contains("/segments/", StringComparison.Ordinal)).ToList();
            var through = segments.Select(s => long.Parse(s.Split('/')[^1].Split('-')[2].Split('.')[0], System.Globalization.CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max();
            var bases = blobs.Where(b => b.Contains("/bases/", StringComparison.Ordinal)).ToList();
            var basePosition = bases.Select(b => long.Parse(b.Split('/')[^1].Split('-')[1].Split('.')[0], System.Globalization.CultureInfo.InvariantCulture)).DefaultIfEmpty(-1).Max();
            // Records of other services do not go into this stream: shipped means nothing of this service is left after the end.
            var pending = (await Journal.ReadAsync(Resources.Arm.ServiceRef.FromId(primary), Math.Max(through, basePosition), 10, CancellationToken.None)).Entries;
            if (basePosition >= 0 && pending.Count == 0 && Math.Max(through, basePosition) > 0)
            {
                return blobs;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the stream did not catch up with position {end}: {string.Join(", ", blobs)}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_point_in_time_restore_replays_the_stream_and_reproduces_the_state_before_a_bad_change()
    {
        var primary = await Arm.CreateServiceAsync();
        var container = await Azurite.NewContainerAsync();
        await Arm.CreateAsync($"{primary}/apis/orders", new JsonObject { ["path"] = "orders" });
        Assert.Equal(HttpStatusCode.Created, (await Arm.PutAsync($"{primary}/replications/r1", Replication(container))).Status);
        var shown = await Arm.GetAsync($"{primary}/replications/r1");
        Assert.Null(shown.Properties["accessKey"]);
        Assert.Equal($"replications/{Name(primary).ToLowerInvariant()}/r1", shown.Properties["streamPath"]!.GetValue<string>());
        await WaitShippedAsync(container, primary);

        // A change to the replication itself (an excluded kind, holding an account key) is never shipped.
        Assert.Equal(HttpStatusCode.OK, (await Arm.PatchAsync($"{primary}/replications/r1", new JsonObject { ["properties"] = new JsonObject { ["retentionDays"] = 3 } })).Status);

        // Changes after the base: they reach the standby only through segments.
        await Arm.CreateAsync($"{primary}/apis/orders/operations/get", new JsonObject { ["displayName"] = "Get", ["method"] = "GET", ["urlTemplate"] = "/{id}", ["templateParameters"] = new JsonArray(new JsonObject { ["name"] = "id", ["type"] = "string", ["required"] = true }) });
        await Arm.CreateAsync($"{primary}/namedValues/token", new JsonObject { ["displayName"] = "token", ["value"] = "before-the-mistake", ["secret"] = true });
        await Arm.CreateAsync($"{primary}/subscriptions/s1", new JsonObject { ["displayName"] = "s1", ["scope"] = "/apis", ["primaryKey"] = "replicated-primary-key-1" });
        var good = await ServiceDump.ReadAsync(Arm, primary);
        await WaitShippedAsync(container, primary);
        await Task.Delay(50);
        var goodMoment = DateTimeOffset.UtcNow;
        await Task.Delay(50);

        // The mistake, within the same second: the API goes, the secret and the key change.
        Assert.Equal(HttpStatusCode.OK, (await Arm.DeleteAsync($"{primary}/apis/orders")).Status);
        await Arm.PatchAsync($"{primary}/namedValues/token", new JsonObject { ["properties"] = new JsonObject { ["value"] = "after-the-mistake" } });
        await Arm.PostAsync($"{primary}/subscriptions/s1/regeneratePrimaryKey");
        var bad = await ServiceDump.ReadAsync(Arm, primary);
        var blobs = await WaitShippedAsync(container, primary);
        Assert.NotEqual(good, bad);

        var segments = blobs.Where(b => b.Contains("/segments/", StringComparison.Ordinal)).ToList();
        Assert.True(segments.Count >= 2, string.Join(", ", blobs));
        Assert.Equal(Enumerable.Range(0, segments.Count).Select(i => i.ToString("D10", System.Globalization.CultureInfo.InvariantCulture)), segments.Select(s => s.Split('/')[^1][..10]));
        var text = string.Concat(await Task.WhenAll(segments.Select(s => SegmentTextAsync(container, s))));
        Assert.Contains("\"op\":\"delete\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Azurite.Key, text, StringComparison.Ordinal);
        Assert.DoesNotContain("replications/r1", text, StringComparison.Ordinal);
        Assert.StartsWith("{\"format\":\"openapim-segment\"", text, StringComparison.Ordinal);

        // An idle service ships nothing.
        await Task.Delay(1500);
        Assert.Equal(segments, (await BlobsAsync(container, $"replications/{Name(primary).ToLowerInvariant()}/r1/segments/")));

        var standby = await Arm.CreateServiceAsync();
        await Arm.CreateAsync($"{standby}/apis/standby-only", new JsonObject { ["path"] = "standby-only" });
        var (accepted, restore) = await Arm.RunAsync($"{standby}/restore", PointInTimeBody(container, primary, new JsonObject { ["pointInTime"] = goodMoment.ToString("O") }));
        Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
        Assert.True(restore.Status == HttpStatusCode.OK, restore.ToString());
        Assert.Equal(good, await ServiceDump.ReadAsync(Arm, standby));

        // The latest point is the primary as it is now; so is the journal position the last segment ends at.
        var latest = await Arm.CreateServiceAsync();
        Assert.True((await Arm.RunAsync($"{latest}/restore", PointInTimeBody(container, primary, []))).Final.Status == HttpStatusCode.OK);
        Assert.Equal(bad, await ServiceDump.ReadAsync(Arm, latest));
        var through = long.Parse(segments[^1].Split('/')[^1].Split('-')[2].Split('.')[0], System.Globalization.CultureInfo.InvariantCulture);
        var byPosition = await Arm.CreateServiceAsync();
        var positioned = (await Arm.RunAsync($"{byPosition}/restore", PointInTimeBody(container, primary, new JsonObject { ["journalPosition"] = through }))).Final;
        Assert.True(positioned.Status == HttpStatusCode.OK, positioned.ToString());
        Assert.Equal(bad, await ServiceDump.ReadAsync(Arm, byPosition));

        // Before the first base there is nothing to go back to: said so, and nothing changes.
        var early = (await Arm.RunAsync($"{latest}/restore", PointInTimeBody(container, primary, new JsonObject { ["pointInTime"] = goodMoment.AddHours(-1).ToString("O") }))).Final;
        Assert.True(early.ErrorCode == "RestoreFailed", early.ToString());
        Assert.Equal("PointNotRecoverable", early.Json["error"]!["details"]![0]!["code"]!.GetValue<string>());
        Assert.Equal(bad, await ServiceDump.ReadAsync(Arm, latest));
    }

    [Fact]
    public async Task A_corrupted_or_missing_segment_stops_the_replay_with_its_reason_and_changes_nothing()
    {
        var (primary, container) = await ShippingServiceAsync();
        await Arm.CreateAsync($"{primary}/apis/a", new JsonObject { ["path"] = "a" });
        await WaitShippedAsync(container, primary);
        await Arm.CreateAsync($"{primary}/apis/b", new JsonObject { ["path"] = "b" });
        var blobs = await WaitShippedAsync(container, primary);
        await Arm.DeleteAsync($"{primary}/replications/r1");
        var segments = blobs.Where(b => b.Contains("/segments/", StringComparison.Ordinal)).ToList();
        Assert.True(segments.Count >= 2, string.Join(", ", blobs));

        var target = await Arm.CreateServiceAsync();
        await Arm.CreateAsync($"{target}/apis/keep", new JsonObject { ["path"] = "keep" });
        var before = await ServiceDump.ReadAsync(Arm, target);

        var original = await Azurite.DownloadAsync(container, segments[0]);
        var text = Encoding.UTF8.GetString(Gunzip(original)).Replace("\"path\":\"apis/a\"", "\"path\":\"apis/z\"", StringComparison.Ordinal);
        await Azurite.UploadAsync(container, segments[0], Gzip(Encoding.UTF8.GetBytes(text)));
        var edited = (await Arm.RunAsync($"{target}/restore", PointInTimeBody(container, primary, []))).Final;
        Assert.True(edited.ErrorCode == "RestoreFailed", edited.ToString());
        Assert.Equal("BackupCorrupted", edited.Json["error"]!["details"]![0]!["code"]!.GetValue<string>());
        Assert.Equal(before, await ServiceDump.ReadAsync(Arm, target));

        await Azurite.UploadAsync(container, segments[0], original);
        await Azurite.Client.GetBlobContainerClient(container).DeleteBlobAsync(segments[0]);
        var missing = (await Arm.RunAsync($"{target}/restore", PointInTimeBody(container, primary, []))).Final;
        Assert.True(missing.ErrorCode == "RestoreFailed", missing.ToString());
        Assert.Equal("ReplicationChainBroken", missing.Json["error"]!["details"]![0]!["code"]!.GetValue<string>());
        Assert.Equal(before, await ServiceDump.ReadAsync(Arm, target));
    }

    [Fact]
    public async Task An_undelete_reads_only_the_parts_it_needs_yet_refuses_a_base_that_is_not_an_archive_or_whose_part_was_altered()
    {
        var primary = await Arm.CreateServiceAsync();
        var container = await Azurite.NewContainerAsync();
        await Arm.CreateAsync($"{primary}/apis/orders", new JsonObject { ["path"] = "orders" });
        await Arm.CreateAsync($"{primary}/apis/orders/operations/get", new JsonObject { ["displayName"] = "get", ["method"] = "GET", ["urlTemplate"] = "/" });
        Assert.Equal(HttpStatusCode.Created, (await Arm.PutAsync($"{primary}/replications/r1", Replication(container))).Status);
        var blobs = await WaitShippedAsync(container, primary);
        await Arm.DeleteAsync($"{primary}/replications/r1");
        var moment = DateTimeOffset.UtcNow;
        Assert.Equal(HttpStatusCode.OK, (await Arm.DeleteAsync($"{primary}/apis/orders")).Status);
        var baseBlob = blobs.Single(b => b.Contains("/bases/", StringComparison.Ordinal));
        var original = await Azurite.DownloadAsync(container, baseBlob);
        var client = Azurite.Client.GetBlobContainerClient(container).GetBlobClient(baseBlob);
        var metadata = (await client.GetPropertiesAsync()).Value.Metadata;
        async Task ReplaceBaseAsync(byte[] content) => await client.UploadAsync(new BinaryData(content), new BlobUploadOptions { Metadata = metadata });
        var undelete = PointInTimeBody(container, primary, new JsonObject { ["pointInTime"] = moment.ToString("O"), ["entities"] = new JsonArray("apis/orders") });

        await ReplaceBaseAsync(Encoding.UTF8.GetBytes("not a zip at all"));
        var garbage = (await Arm.RunAsync($"{primary}/restore", undelete)).Final;
        Assert.True(garbage.ErrorCode == "RestoreFailed", garbage.ToString());
        Assert.Equal("BackupCorrupted", garbage.Json["error"]!["details"]![0]!["code"]!.GetValue<string>());

        // The operations part says something else than its checksum in the manifest.
        using (var edited = new MemoryStream())
        {
            edited.Write(original);
            using (var zip = new ZipArchive(edited, ZipArchiveMode.Update, leaveOpen: true))
            {
                var entry = zip.GetEntry("parts/apis.operations.ndjson")!;
                string rows;
                using (var reader = new StreamReader(entry.Open()))
                {
                    rows = await reader.ReadToEndAsync();
                }

                entry.Delete();
                await using var writer = new StreamWriter(zip.CreateEntry("parts/apis.operations.ndjson").Open());
                await writer.WriteAsync(rows.Replace("\"GET\"", "\"PUT\"", StringComparison.Ordinal));
            }

            await ReplaceBaseAsync(edited.ToArray());
        }

        var altered = (await Arm.RunAsync($"{primary}/restore", undelete)).Final;
        Assert.True(altered.ErrorCode == "RestoreFailed", altered.ToString());
        Assert.Equal("BackupCorrupted", altered.Json["error"]!["details"]![0]!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await Arm.GetAsync($"{primary}/apis/orders")).Status);

        await ReplaceBaseAsync(original);
        var restored = (await Arm.RunAsync($"{primary}/restore", undelete)).Final;
        Assert.True(restored.Status == HttpStatusCode.OK, restored.ToString());
        Assert.Equal("GET", (await Arm.GetAsync($"{primary}/apis/orders/operations/get")).Properties["method"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_standby_follows_the_stream_serves_the_primarys_keys_refuses_writes_and_after_promote_is_writable_and_fences_the_primary()
    {
        await using var backend = await EchoBackend.StartAsync();
        var primary = await Arm.CreateServiceAsync();
        var container = await Azurite.NewContainerAsync();
        await Arm.CreateAsync($"{primary}/apis/orders", new JsonObject { ["path"] = "orders", ["serviceUrl"] = backend.Url });
        await Arm.CreateAsync($"{primary}/apis/orders/operations/get", new JsonObject { ["displayName"] = "get", ["method"] = "GET", ["urlTemplate"] = "/{id}",
            ["templateParameters"] = new JsonArray(new JsonObject { ["name"] = "id", ["type"] = "string" }) });
        await Arm.CreateAsync($"{primary}/subscriptions/s1", new JsonObject { ["displayName"] = "s1", ["scope"] = "/apis", ["state"] = "active", ["primaryKey"] = "standby-key-1" });
        Assert.Equal(HttpStatusCode.Created, (await Arm.PutAsync($"{primary}/replications/r1", Replication(container))).Status);

        var standbyName = Names.Unique("standby");
        var standby = await Arm.CreateServiceAsync(standbyName);
        Assert.Equal(HttpStatusCode.Created, (await Arm.PutAsync($"{standby}/replications/follow", Following(container, primary))).Status);
        await EventuallyAsync(async () => await GatewayAsync(standbyName, "standby-key-1") == HttpStatusCode.OK, "the standby serves the primary's key");

        var refused = await Arm.PutAsync($"{standby}/apis/local", new JsonObject { ["properties"] = new JsonObject { ["path"] = "local", ["displayName"] = "local", ["protocols"] = new JsonArray("https") } });
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal("ServiceIsFollowingReplication", refused.ErrorCode);
        Assert.Contains("follow", refused.ToString(), StringComparison.Ordinal);
        var restoreOnTop = await Arm.PostAsync($"{standby}/restore", PointInTimeBody(container, primary, []));
        Assert.Equal("ServiceIsFollowingReplication", restoreOnTop.ErrorCode);
        var selfPromoted = Following(container, primary);
        selfPromoted["properties"]!["mode"] = "Promoted";
        Assert.Equal(HttpStatusCode.BadRequest, (await Arm.PutAsync($"{standby}/replications/follow", selfPromoted)).Status);

        // Changes on the primary reach the standby's gateway: a new key works, a suspended one stops working.
        await Arm.CreateAsync($"{primary}/subscriptions/s2", new JsonObject { ["displayName"] = "s2", ["scope"] = "/apis", ["state"] = "active", ["primaryKey"] = "standby-key-2" });
        await Arm.PatchAsync($"{primary}/subscriptions/s1", new JsonObject { ["properties"] = new JsonObject { ["state"] = "suspended" } });
        await EventuallyAsync(async () => await GatewayAsync(standbyName, "standby-key-2") == HttpStatusCode.OK && await GatewayAsync(standbyName, "standby-key-1") != HttpStatusCode.OK,
            "the standby enforces the primary's new and suspended keys");
        await WaitShippedAsync(container, primary);
        var expected = await ServiceDump.ReadAsync(Arm, primary);
        await EventuallyAsync(async () => (await ServiceDump.ReadAsync(Arm, standby)).SequenceEqual(expected), "the standby holds what the primary holds");

        var (accepted, promoted) = await Arm.RunAsync($"{standby}/promote", new JsonObject());
        Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
        Assert.True(promoted.Status == HttpStatusCode.OK, promoted.ToString());
        Assert.Equal(expected, await ServiceDump.ReadAsync(Arm, standby));
        Assert.Equal("Promoted", (await Arm.GetAsync($"{standby}/replications/follow")).Properties["mode"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Created, (await Arm.CreateAsync($"{standby}/apis/local", new JsonObject { ["path"] = "local" })).Status);

        // The old primary is fenced: its next change is not appended to the promoted stream.
        var segments = await BlobsAsync(container, $"replications/{Name(primary).ToLowerInvariant()}/r1/segments/");
        Assert.True(await Azurite.ExistsAsync(container, $"replications/{Name(primary).ToLowerInvariant()}/r1/generations/0000000002.json"));
        await Arm.CreateAsync($"{primary}/apis/after-failover", new JsonObject { ["path"] = "after-failover" });
        await Task.Delay(2000);
        Assert.Equal(segments, await BlobsAsync(container, $"replications/{Name(primary).ToLowerInvariant()}/r1/segments/"));
    }

    [Fact]
    public async Task A_standby_stops_at_a_corrupted_segment_says_why_and_keeps_the_last_good_state()
    {
        var (primary, container) = await ShippingServiceAsync();
        await Arm.CreateAsync($"{primary}/apis/good", new JsonObject { ["path"] = "good" });
        await WaitShippedAsync(container, primary);
        var goodSegments = await BlobsAsync(container, $"replications/{Name(primary).ToLowerInvariant()}/r1/segments/");
        await Arm.CreateAsync($"{primary}/apis/bad", new JsonObject { ["path"] = "bad" });
        var blobs = await WaitShippedAsync(container, primary);
        var corrupted = blobs.Where(b => b.Contains("/segments/", StringComparison.Ordinal)).Except(goodSegments).First();
        var bytes = await Azurite.DownloadAsync(container, corrupted);
        bytes[bytes.Length / 2] ^= 0x5A;
        await Azurite.UploadAsync(container, corrupted, bytes);

        var standby = await Arm.CreateServiceAsync();
        Assert.Equal(HttpStatusCode.Created, (await Arm.PutAsync($"{standby}/replications/follow", Following(container, primary))).Status);
        await EventuallyAsync(async () => (await Arm.GetAsync($"{standby}/replications/follow")).Properties["status"]?["state"]?.GetValue<string>() == "stopped",
            "the standby stops at the corrupted segment");
        var status = (await Arm.GetAsync($"{standby}/replications/follow")).Properties["status"]!;
        Assert.Contains("corrupted", status["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await Arm.GetAsync($"{standby}/apis/good")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Arm.GetAsync($"{standby}/apis/bad")).Status);

        // Promote anyway: at the last good point, saying why it stopped there.
        var promoted = (await Arm.RunAsync($"{standby}/promote", new JsonObject())).Final;
        Assert.True(promoted.Status == HttpStatusCode.OK, promoted.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await Arm.GetAsync($"{standby}/apis/bad")).Status);
        Assert.Equal(HttpStatusCode.Created, (await Arm.CreateAsync($"{standby}/apis/after", new JsonObject { ["path"] = "after" })).Status);
    }

    [Fact]
    public async Task Undelete_brings_back_an_API_with_its_operations_and_policy_as_it_was_and_leaves_everything_else()
    {
        var (primary, container) = await ShippingServiceAsync();
        await Arm.CreateAsync($"{primary}/apis/orders", new JsonObject { ["path"] = "orders" });
        await Arm.CreateAsync($"{primary}/apis/orders/operations/get", new JsonObject { ["displayName"] = "Get", ["method"] = "GET", ["urlTemplate"] = "/" });
        Assert.Equal(HttpStatusCode.Created, (await Arm.PutAsync($"{primary}/apis/orders/policies/policy", new JsonObject { ["properties"] = new JsonObject
        {
            ["format"] = "xml", ["value"] = "<policies><inbound><base /><set-header name=\"x-undeleted\" exists-action=\"override\"><value>yes</value></set-header></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>",
        } })).Status);
        await Arm.CreateAsync($"{primary}/apis/billing", new JsonObject { ["path"] = "billing" });
        var api = await ServiceDump.ReadAsync(Arm, primary, k => k.Path.StartsWith("apis", StringComparison.Ordinal));
        await WaitShippedAsync(container, primary);
        await Task.Delay(50);
        var beforeMistake = DateTimeOffset.UtcNow;
        await Task.Delay(50);

        Assert.Equal(HttpStatusCode.OK, (await Arm.DeleteAsync($"{primary}/apis/orders")).Status);
        await Arm.PatchAsync($"{primary}/apis/billing", new JsonObject { ["properties"] = new JsonObject { ["displayName"] = "Billing, changed after" } });
        await Arm.CreateAsync($"{primary}/apis/after", new JsonObject { ["path"] = "after" });
        await WaitShippedAsync(container, primary);
        var untouched = await ServiceDump.ReadAsync(Arm, primary, k => k.Path.StartsWith("apis", StringComparison.Ordinal));

        var body = PointInTimeBody(container, primary, new JsonObject { ["pointInTime"] = beforeMistake.ToString("O"), ["entities"] = new JsonArray("apis/orders") });
        var preview = (await Arm.RunAsync($"{primary}/previewRestore", body)).Final;
        Assert.True(preview.Status == HttpStatusCode.OK, preview.ToString());
        Assert.Equal(3, preview.Json["entities"]![0]!["rows"]!.GetValue<int>());
        Assert.False(preview.Json["entities"]![0]!["existsNow"]!.GetValue<bool>());

        var started = DateTime.UtcNow;
        var undeleted = (await Arm.RunAsync($"{primary}/restore", body)).Final;
        Assert.True(undeleted.Status == HttpStatusCode.OK, undeleted.ToString());
        var after = await ServiceDump.ReadAsync(Arm, primary, k => k.Path.StartsWith("apis", StringComparison.Ordinal));
        var expected = new SortedDictionary<string, string>(untouched.Where(kv => !kv.Key.StartsWith("apis/orders", StringComparison.Ordinal)).Concat(api.Where(kv => kv.Key.StartsWith("apis/orders", StringComparison.Ordinal)))
            .ToDictionary(), StringComparer.Ordinal);
        Assert.Equal(expected, after);
        Assert.Contains(after.Keys, k => k == "apis/orders/operations/get");
        Assert.Contains(after.Keys, k => k == "apis/orders/policies/policy");
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30));

        var missing = (await Arm.RunAsync($"{primary}/restore", PointInTimeBody(container, primary, new JsonObject { ["pointInTime"] = beforeMistake.ToString("O"), ["entities"] = new JsonArray("apis/after") }))).Final;
        Assert.Equal("EntityNotInBackup", missing.Json["error"]!["details"]![0]!["code"]!.GetValue<string>());
        var nested = await Arm.PostAsync($"{primary}/restore", PointInTimeBody(container, primary, new JsonObject { ["entities"] = new JsonArray("apis/orders/operations/get") }));
        Assert.Equal(HttpStatusCode.BadRequest, nested.Status);
    }

    [Fact]
    public async Task A_point_in_time_preview_names_what_it_previewed_and_exactly_that_restore_runs_next()
    {
        var (primary, container) = await ShippingServiceAsync();
        await Arm.CreateAsync($"{primary}/apis/kept", new JsonObject { ["path"] = "kept" });
        await WaitShippedAsync(container, primary);
        var target = await Arm.CreateServiceAsync();

        // A preview of "the latest point" is pinned to the journal position its replay reached.
        var (accepted, preview) = await Arm.RunAsync($"{target}/previewRestore", PointInTimeBody(container, primary, new JsonObject { ["restoreScope"] = "Configuration" }));
        Assert.True(preview.Status == HttpStatusCode.OK, preview.ToString());
        var status = await Arm.GetAsync(accepted.Headers.Location!.PathAndQuery + "&asyncResponse=true", apiVersion: null);
        var previewed = status.Json["properties"]!["previewed"]!.AsObject();
        Assert.Equal($"{Name(primary).ToLowerInvariant()}/r1", previewed["replication"]!.GetValue<string>());
        Assert.Equal("Configuration", previewed["restoreScope"]!.GetValue<string>());
        Assert.Equal(container, previewed["containerName"]!.GetValue<string>());
        Assert.True(previewed["journalPosition"]!.GetValue<long>() > 0);
        Assert.DoesNotContain("accessKey", previewed.ToJsonString(), StringComparison.Ordinal);

        // A change after the preview is not part of the restore the preview names.
        await Arm.CreateAsync($"{primary}/apis/later", new JsonObject { ["path"] = "later" });
        await WaitShippedAsync(container, primary);
        var body = Azurite.StorageBody(container, "unused");
        body.Remove("backupName");
        foreach (var (key, value) in previewed.Where(kv => kv.Key is not ("storageAccount" or "containerName")))
        {
            body[key] = value!.DeepClone();
        }

        var restored = (await Arm.RunAsync($"{target}/restore", body)).Final;
        Assert.True(restored.Status == HttpStatusCode.OK, restored.ToString());
        Assert.Equal(HttpStatusCode.OK, (await Arm.GetAsync($"{target}/apis/kept")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Arm.GetAsync($"{target}/apis/later")).Status);
    }

    [Fact]
    public async Task Segments_past_the_size_threshold_start_a_new_base_so_a_restore_replays_little()
    {
        var primary = await Arm.CreateServiceAsync();
        var container = await Azurite.NewContainerAsync();
        var replication = Replication(container);
        replication["properties"]!["baseSizeThresholdMegabytes"] = 1;
        Assert.Equal(HttpStatusCode.Created, (await Arm.PutAsync($"{primary}/replications/r1", replication)).Status);
        await WaitShippedAsync(container, primary);
        var prefix = $"replications/{Name(primary).ToLowerInvariant()}/r1/bases/";
        Assert.Single(await BlobsAsync(container, prefix));

        // Random values do not compress: about 1.2 MiB of segments, past the 1 MiB threshold.
        await Parallel.ForEachAsync(Enumerable.Range(0, 400), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            var value = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3000));
            await Arm.CreateAsync($"{primary}/namedValues/nv{i}", new JsonObject { ["displayName"] = $"nv{i}", ["value"] = value });
        });
        await EventuallyAsync(async () => (await BlobsAsync(container, prefix)).Count >= 2, "a second base was written");
        var status = (await Arm.GetAsync($"{primary}/replications/r1")).Properties["status"]!;
        Assert.True(status["basesWritten"]!.GetValue<long>() >= 2, status.ToJsonString());
        Assert.True(status["bytesShipped"]!.GetValue<long>() >= 1 << 20, status.ToJsonString());

        // The stream still restores exactly: the new base and the segments after it hold every value.
        await WaitShippedAsync(container, primary);
        var standby = await Arm.CreateServiceAsync();
        await Arm.RunAsync($"{standby}/restore", PointInTimeBody(container, primary, []));
        Assert.Equal(400, (await Arm.ListAllAsync($"{standby}/namedValues")).Count);
    }

    private async Task<HttpStatusCode> GatewayAsync(string service, string key)
    {
        await fixture.Server.App.Services.RefreshGatewayAsync();
        using var gateway = new HttpClient { BaseAddress = new Uri(fixture.Server.Endpoints["gatewayUrl"]!.GetValue<string>()) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/orders/42");
        request.Headers.Host = $"{service}.localhost";
        request.Headers.Add("Ocp-Apim-Subscription-Key", key);
        using var response = await gateway.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(100);
        }
    }

    [Theory]
    [InlineData("""{"replication":"../etc"}""", "replication")]
    [InlineData("""{"replication":"svc/r1/x"}""", "replication")]
    [InlineData("""{"replication":"svc/r1","pointInTime":"yesterday"}""", "pointInTime")]
    [InlineData("""{"replication":"svc/r1","journalPosition":-1}""", "journalPosition")]
    [InlineData("""{"replication":"svc/r1","journalPosition":5,"pointInTime":"2026-12-01T00:00:00Z"}""", "pointInTime")]
    [InlineData("""{"pointInTime":"2026-12-01T00:00:00Z","backupName":"b"}""", "replication")]
    public async Task Malformed_point_in_time_requests_are_rejected_at_once(string extension, string target)
    {
        var service = await Arm.CreateServiceAsync();
        var body = JsonNode.Parse(extension)!.AsObject();
        body["storageAccount"] = Azurite.Account;
        body["containerName"] = "ccc";
        body["accessKey"] = "k";
        var answer = await Arm.PostAsync($"{service}/restore", body);
        Assert.True(answer.Status == HttpStatusCode.BadRequest, answer.ToString());
        Assert.Contains(target, answer.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_replication_needs_a_credential_and_valid_storage_names()
    {
        var service = await Arm.CreateServiceAsync();
        var noKey = await Arm.PutAsync($"{service}/replications/r1", new JsonObject { ["properties"] = new JsonObject { ["storageAccount"] = "acct", ["containerName"] = "ccc" } });
        Assert.Equal(HttpStatusCode.BadRequest, noKey.Status);
        Assert.Contains("accessKey", noKey.ToString(), StringComparison.Ordinal);
        var badName = await Arm.PutAsync($"{service}/replications/r1", new JsonObject { ["properties"] = new JsonObject { ["storageAccount"] = "../x", ["containerName"] = "ccc", ["accessKey"] = "k" } });
        Assert.Equal(HttpStatusCode.BadRequest, badName.Status);
    }

    private static async Task<string> SegmentTextAsync(string container, string blob) => Encoding.UTF8.GetString(Gunzip(await Azurite.DownloadAsync(container, blob)));

    private static byte[] Gunzip(byte[] content)
    {
        using var input = new GZipStream(new MemoryStream(content), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    private static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(content);
        }

        return output.ToArray();
    }
}

public sealed class ReplicationTestsOnSqlite(SqliteBackupServer fixture) : ReplicationTests(fixture), IClassFixture<SqliteBackupServer>;

public sealed class ReplicationTestsOnPostgres(PostgresBackupServer fixture) : ReplicationTests(fixture), IClassFixture<PostgresBackupServer>;
