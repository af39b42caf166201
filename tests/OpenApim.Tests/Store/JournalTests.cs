using System.Net;
using System.Text.Json.Nodes;
using OpenApim.Resources.Store.Journal;
using OpenApim.Tests.Infrastructure;
using static OpenApim.Tests.Identity.DirectoryClient;

namespace OpenApim.Tests.Store;

/// <summary>The change journal: every committed change once, in the same transaction, with its caller; gap-free sequence.</summary>
public abstract class JournalTests(ServerFixture fixture)
{
    private ArmClient Admin => fixture.Arm;

    private IChangeJournal Journal => fixture.Server.Service<IChangeJournal>();

    private static async Task<List<JsonObject>> ChangesAsync(ArmClient arm, string service, long from = 0)
    {
        var all = new List<JsonObject>();
        var page = await arm.GetAsync($"{service}/changes?from={from}&$top=1000");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        all.AddRange(page.Json["value"]!.AsArray().Select(v => v!.AsObject()));
        return all;
    }

    [Fact]
    public async Task Every_change_appears_once_in_order_with_its_caller_and_without_secrets()
    {
        var group = Names.Unique("rg-journal");
        var app = await Admin.CreateAppAsync();
        await Admin.AssignAsync($"/subscriptions/{ArmClient.Subscription}/resourceGroups/{group}", Contributor, app.ObjectId);
        using var arm = await fixture.Server.CreateArmClientAsync(app.AppId, app.Secret);
        var service = ArmClient.ServicePath(Names.Unique("journal"), group);
        Assert.Equal(HttpStatusCode.Created, (await arm.PutAsync(service, ArmClient.ServiceBody())).Status);
        var afterCreate = (await ChangesAsync(arm, service)).Max(c => c["sequence"]!.GetValue<long>());

        await arm.CreateAsync($"{service}/apis/orders", new JsonObject { ["path"] = "orders" });
        await arm.PatchAsync($"{service}/apis/orders", new JsonObject { ["properties"] = new JsonObject { ["displayName"] = "Orders v2" } });
        await arm.CreateAsync($"{service}/namedValues/token", new JsonObject { ["displayName"] = "token", ["value"] = "journal-secret-value", ["secret"] = true });
        await arm.CreateAsync($"{service}/subscriptions/s1", new JsonObject { ["displayName"] = "s1", ["scope"] = "/apis", ["primaryKey"] = "journal-primary-key" });
        await arm.PostAsync($"{service}/subscriptions/s1/regenerateSecondaryKey");
        await arm.DeleteAsync($"{service}/apis/orders");

        var changes = await ChangesAsync(arm, service, afterCreate);
        Assert.Equal(
            [("upsert", "apis/orders"), ("upsert", "apis/orders"), ("upsert", "namedValues/token"), ("upsert", "subscriptions/s1"), ("upsert", "subscriptions/s1"), ("delete", "apis/orders")],
            changes.Select(c => (c["operation"]!.GetValue<string>(), c["resourceId"]!.GetValue<string>()[(service.Length + 1)..])));
        var sequences = changes.Select(c => c["sequence"]!.GetValue<long>()).ToList();
        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal(sequences.Count, sequences.Distinct().Count());
        Assert.All(changes, c =>
        {
            Assert.Equal(app.AppId, c["caller"]!["appId"]!.GetValue<string>());
            Assert.Equal(app.ObjectId, c["caller"]!["objectId"]!.GetValue<string>());
            Assert.True(Guid.TryParse(c["caller"]!["requestId"]!.GetValue<string>(), out _));
            Assert.Equal("127.0.0.1", c["caller"]!["clientAddress"]!.GetValue<string>());
        });
        Assert.Equal("Orders v2", changes[1]["properties"]!["displayName"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(changes[1]["eTag"]!.GetValue<string>()));
        Assert.Null(changes[5]["eTag"]);

        var text = string.Join('\n', (await Journal.ReadAsync(null, 0, 10_000, CancellationToken.None)).Entries.Select(e => e.Body?.ToJsonString()));
        Assert.DoesNotContain("journal-secret-value", text, StringComparison.Ordinal);
        Assert.DoesNotContain("journal-primary-key", text, StringComparison.Ordinal);
        var feed = (await arm.GetAsync($"{service}/changes?from=0&$top=1000")).Body!.ToJsonString();
        Assert.DoesNotContain("journal-secret-value", feed, StringComparison.Ordinal);
        Assert.DoesNotContain("journal-primary-key", feed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Directory_changes_soft_delete_and_restore_are_journaled_as_one_record_each()
    {
        var before = await Journal.LastSequenceAsync(CancellationToken.None);
        var app = await Admin.CreateAppAsync();
        var assignment = await Admin.AssignAsync($"/subscriptions/{ArmClient.Subscription}/resourceGroups/rg-dir", Reader, app.ObjectId);
        var source = await Admin.CreateServiceAsync();
        await Admin.CreateAsync($"{source}/apis/a", new JsonObject { ["path"] = "a" });
        // The fixture's server backs up to its local storage account, container "backups".
        var blob = Names.Unique("j") + ".apimbackup";
        Assert.Equal(HttpStatusCode.OK, (await Admin.RunAsync($"{source}/backup", Azurite.StorageBody("backups", blob))).Final.Status);
        var target = await Admin.CreateServiceAsync();
        var marker = await Journal.LastSequenceAsync(CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, (await Admin.RunAsync($"{target}/restore", Azurite.StorageBody("backups", blob))).Final.Status);
        var restore = await ChangesAsync(Admin, target, marker);
        Assert.Equal(["restore"], restore.Select(c => c["operation"]!.GetValue<string>()));
        Assert.True(restore[0]["restore"]!["inserted"]!.GetValue<long>() > 0);

        await Admin.DeleteAsync(source);
        var name = source.Split('/')[^1];
        await Admin.DeleteAsync($"/subscriptions/{ArmClient.Subscription}/providers/Microsoft.ApiManagement/locations/westeurope/deletedservices/{name}", ifMatch: null);

        var entries = (await Journal.ReadAsync(null, before, 10_000, CancellationToken.None)).Entries;
        Assert.Contains(entries, e => e.Kind == "directory/application" && e.RelativeId == app.AppId && e.Operation == ChangeOperation.Upsert);
        Assert.Contains(entries, e => e.Kind == "directory/roleAssignment" && e.Operation == ChangeOperation.Upsert && assignment.EndsWith(e.RelativeId, StringComparison.OrdinalIgnoreCase));
        Assert.Single(entries, e => e.ServiceId == source && e.Operation == ChangeOperation.SoftDelete);
        Assert.Single(entries, e => e.ServiceId == source && e.Operation == ChangeOperation.Purge);
        Assert.Equal(entries.Select(e => e.Sequence), Enumerable.Range(0, entries.Count).Select(i => before + 1 + i));
    }

    [Fact]
    public async Task Concurrent_writers_leave_a_gap_free_sequence_that_a_tailing_reader_never_skips()
    {
        var services = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            services.Add(await Admin.CreateServiceAsync());
        }

        // Other test classes write to the same server while this runs, so the reader's goal is the position the journal
        // reached once this test's writes were answered: it must arrive there through every sequence, none skipped.
        var start = await Journal.LastSequenceAsync(CancellationToken.None);
        var end = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = new List<long>();
        var tail = Task.Run(async () =>
        {
            var position = start;
            while (true)
            {
                var batch = (await Journal.ReadAsync(null, position, 500, CancellationToken.None)).Entries;
                foreach (var entry in batch)
                {
                    Assert.Equal(position + 1, entry.Sequence);
                    position = entry.Sequence;
                    seen.Add(entry.Sequence);
                }

                if (end.Task.IsCompleted && position >= await end.Task)
                {
                    return position;
                }

                if (batch.Count == 0)
                {
                    await Task.Delay(5);
                }
            }
        });

        await Task.WhenAll(services.Select(async s =>
        {
            for (var n = 0; n < 25; n++)
            {
                Assert.Equal(HttpStatusCode.Created, (await Admin.PutAsync($"{s}/tags/t{n}", new JsonObject { ["properties"] = new JsonObject { ["displayName"] = $"t{n}" } })).Status);
            }
        }));
        var target = await Journal.LastSequenceAsync(CancellationToken.None);
        end.SetResult(target);
        var last = await tail.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(last >= target, $"the reader stopped at {last}, before {target}");
        Assert.True(seen.Count >= 100, $"saw {seen.Count} records for 100 writes");
    }

    [Fact]
    public async Task A_transaction_with_hundreds_of_changes_journals_each_once_with_consecutive_sequences()
    {
        // An import writes the API and every operation in one transaction: more records than one INSERT statement holds.
        var service = await Admin.CreateServiceAsync();
        var paths = new JsonObject();
        for (var n = 0; n < 450; n++)
        {
            paths[$"/items{n}"] = new JsonObject { ["get"] = new JsonObject { ["operationId"] = $"get{n}", ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "ok" } } } };
        }

        var document = new JsonObject { ["openapi"] = "3.0.1", ["info"] = new JsonObject { ["title"] = "many", ["version"] = "1" }, ["paths"] = paths };
        var before = await Journal.LastSequenceAsync(CancellationToken.None);
        var imported = await Admin.PutAsync($"{service}/apis/many", new JsonObject
        {
            ["properties"] = new JsonObject { ["format"] = "openapi+json", ["value"] = document.ToJsonString(), ["path"] = "many" },
        });
        Assert.True(imported.Status is HttpStatusCode.Created or HttpStatusCode.OK, imported.ToString());

        var records = (await Journal.ReadAsync(null, before, 10_000, CancellationToken.None)).Entries;
        var operations = records.Where(e => e.Kind == "apis/operations").ToList();
        Assert.Equal(450, operations.Select(e => e.RelativeId).Distinct().Count());
        Assert.Equal(450, operations.Count);
        Assert.Equal(Enumerable.Range(0, records.Count).Select(i => before + 1 + i), records.Select(e => e.Sequence));
        Assert.Equal(records[^1].Sequence, await Journal.LastSequenceAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Compaction_keeps_what_a_live_reader_still_needs_and_a_reader_it_passed_can_tell()
    {
        var service = await Admin.CreateServiceAsync();
        for (var n = 0; n < 5; n++)
        {
            await Admin.PutAsync($"{service}/tags/c{n}", new JsonObject { ["properties"] = new JsonObject { ["displayName"] = $"c{n}" } });
        }

        var last = await Journal.LastSequenceAsync(CancellationToken.None);
        var reader = Names.Unique("reader");
        await Journal.ReportPositionAsync(reader, last - 2, CancellationToken.None);

        // Everything is older than a zero age, but the reader has not read the last two records yet: they stay.
        var kept = await Journal.CompactAsync(new JournalRetention(TimeSpan.Zero, long.MaxValue, TimeSpan.FromHours(1)), CancellationToken.None);
        Assert.True(kept.TrimmedThrough <= last - 2 && kept.PinnedAt <= last - 2, $"trimmed through {kept.TrimmedThrough}, pinned at {kept.PinnedAt}, reader at {last - 2}");
        var tail = await Journal.ReadAsync(null, last - 2, 100, CancellationToken.None);
        Assert.Equal([last - 1, last], tail.Entries.Select(e => e.Sequence));
        Assert.Equal(kept.TrimmedThrough, tail.TrimmedThrough);

        // Once no reader is live (they stopped reporting), the records go but the newest (it anchors the sequence), and a
        // reader that comes back learns it fell behind.
        var all = await Journal.CompactAsync(new JournalRetention(TimeSpan.Zero, long.MaxValue, TimeSpan.Zero), CancellationToken.None);
        Assert.Equal(last - 1, all.TrimmedThrough);
        Assert.Equal(last, await Journal.LastSequenceAsync(CancellationToken.None));
        var behind = await Journal.ReadAsync(null, last - 2, 100, CancellationToken.None);
        Assert.True(behind.TrimmedThrough > last - 2);
        Assert.DoesNotContain(behind.Entries, e => e.Sequence <= all.TrimmedThrough);

        var gone = await Admin.GetAsync($"{service}/changes?from={last - 2}");
        Assert.Equal(HttpStatusCode.Gone, gone.Status);
        Assert.Equal("ChangesCompacted", gone.Json["error"]!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await Admin.GetAsync($"{service}/changes?from=0")).Status);
    }

    [Fact]
    public async Task Compaction_by_size_drops_the_oldest_records_first_and_accounts_for_what_it_freed()
    {
        var service = await Admin.CreateServiceAsync();
        for (var n = 0; n < 6; n++)
        {
            await Admin.CreateAsync($"{service}/namedValues/s{n}", new JsonObject { ["displayName"] = $"s{n}", ["value"] = new string('x', 2000) });
        }

        var last = await Journal.LastSequenceAsync(CancellationToken.None);
        var sizes = await Journal.CompactAsync(new JournalRetention(TimeSpan.FromDays(365), long.MaxValue, TimeSpan.Zero), CancellationToken.None);
        Assert.True(sizes.Bytes > 6 * 2000, $"{sizes.Bytes} bytes for six 2000-character records");

        // Keep about three of the six large records: the oldest go, the newest stay.
        var result = await Journal.CompactAsync(new JournalRetention(TimeSpan.FromDays(365), 3 * 2200, TimeSpan.Zero), CancellationToken.None);
        Assert.True(result.Bytes <= 3 * 2200, $"{result.Bytes} bytes left");
        Assert.True(result.TrimmedThrough < last && result.TrimmedThrough >= last - 3, $"trimmed through {result.TrimmedThrough}, last {last}");
        var left = (await Journal.ReadAsync(null, 0, 100, CancellationToken.None)).Entries;
        Assert.Equal(last, left[^1].Sequence);
        Assert.All(left, e => Assert.True(e.Sequence > result.TrimmedThrough));
    }
}

public sealed class JournalTestsOnSqlite(SqliteServer fixture) : JournalTests(fixture), IClassFixture<SqliteServer>;

public sealed class JournalTestsOnPostgres(PostgresServer fixture) : JournalTests(fixture), IClassFixture<PostgresServer>;
