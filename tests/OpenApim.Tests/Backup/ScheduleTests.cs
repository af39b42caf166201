using System.Net;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.DependencyInjection;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Backup;

/// <summary>
/// Backup schedules on a clock the test moves: two server nodes on one PostgreSQL database run each slot exactly once, as an
/// ordinary backup operation; retention deletes only the schedule's own oldest backups (by the creation time in their
/// metadata, never the newest, never a manual one); slots missed meanwhile run once; a failing run retries with back-off
/// and says so; the newest good backup's age is in the status and the metrics.
/// </summary>
public sealed class ScheduleTests : IAsyncLifetime
{
    private readonly MovableClock _clock = new();
    private readonly (string Id, string Secret) _bootstrap = ("7b6a4c2e-1d3f-4a5b-9c8d-000000000044", "schedules-" + Guid.NewGuid().ToString("N"));
    private PostgresDatabase _database = null!;
    private OpenApimInstance _a = null!;
    private OpenApimInstance _b = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresDatabase.CreateAsync();
        string[] args = ["--postgres", _database.ConnectionString, .. Azurite.ServerArgs];
        var dataA = OpenApimInstance.NewDataDirectory();
        _a = await OpenApimInstance.StartInAsync(dataA, ownsData: true, StoreKind.Sqlite, s => s.AddSingleton<TimeProvider>(_clock), _bootstrap, args);
        var dataB = OpenApimInstance.NewDataDirectory();
        ServerProcess.CopyKeys(dataA, dataB);

        _b = await OpenApimInstance.StartInAsync(dataB, ownsData: true, StoreKind.Sqlite, s => s.AddSingleton<TimeProvider>(_clock), _bootstrap, args);
    }

    public async Task DisposeAsync()
    {
        await _b.DisposeAsync();
        await _a.DisposeAsync();
        await _database.DisposeAsync();
    }

    private static JsonObject Schedule(string container, string cron = "0 * * * *", int? retentionCount = 2) => new()
    {
        ["properties"] = new JsonObject
        {
            ["cron"] = cron,
            ["storageAccount"] = Azurite.Account,
            ["containerName"] = container,
            ["accessKey"] = Azurite.Key,
            ["retentionCount"] = retentionCount,
        },
    };

    [Fact]
    public async Task Two_nodes_run_each_slot_once_keep_the_newest_backups_of_the_schedule_and_retry_failures()
    {
        // A token issued now stays valid on the system clock the token checks use, however far the server clock moves.
        using var arm = await _a.CreateArmClientAsync(_bootstrap.Id, _bootstrap.Secret);
        var service = await arm.CreateServiceAsync();
        var container = await Azurite.NewContainerAsync();
        Assert.Equal(HttpStatusCode.Created, (await arm.PutAsync($"{service}/backupSchedules/hourly", Schedule(container))).Status);
        var shown = await arm.GetAsync($"{service}/backupSchedules/hourly");
        Assert.Null(shown.Properties["accessKey"]);
        Assert.Equal("scheduled", shown.Properties["status"]!["state"]!.GetValue<string>());
        var manual = (await arm.RunAsync($"{service}/backup", Azurite.StorageBody(container, "manual.apimbackup"))).Final;
        Assert.Equal(HttpStatusCode.OK, manual.Status);

        await Task.Delay(2500);
        Assert.Equal(0, await RunsAsync(arm, service));

        var seen = new List<string>();
        for (var hour = 1; hour <= 3; hour++)
        {
            AdvanceToNextHour();
            await EventuallyAsync(async () => await RunsAsync(arm, service) == hour && await IdleAsync(arm, service), $"run {hour} ends");
            seen.Add((await arm.GetAsync($"{service}/backupSchedules/hourly")).Properties["status"]!["newestGoodBackup"]!.GetValue<string>());
        }

        // Retention keeps the schedule's two newest (found by its metadata); the manual backup is not the schedule's to delete.
        await EventuallyAsync(async () => (await ScheduledBlobsAsync(container)).Count == 2, "retention deletes the oldest run");
        Assert.Equal(seen.Skip(1).Order(StringComparer.Ordinal), (await ScheduledBlobsAsync(container)).Order(StringComparer.Ordinal));
        Assert.True(await Azurite.ExistsAsync(container, "manual.apimbackup"));

        // Five slots pass while nothing runs them: one run, not five.
        _clock.Advance(TimeSpan.FromHours(5));
        await EventuallyAsync(async () => await RunsAsync(arm, service) == 4 && await IdleAsync(arm, service), "the missed slots run once");
        await Task.Delay(2500);
        Assert.Equal(4, await RunsAsync(arm, service));

        // Every run is one ordinary backup operation, whichever node ran it: four, plus the manual one.
        var operations = (await arm.GetAsync($"{service}/operations")).Json["value"]!.AsArray();
        Assert.Equal(5, operations.Count(o => o!["kind"]!.GetValue<string>() == "backup" && o["status"]!.GetValue<string>() == "Succeeded"));

        var status = (await arm.GetAsync($"{service}/backupSchedules/hourly")).Properties["status"]!;
        Assert.InRange(status["newestGoodBackupAgeSeconds"]!.GetValue<double>(), 0, 60);
        using var http = _a.CreateHttpClient();
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("openapim_backup_newest_good_age_seconds", metrics, StringComparison.Ordinal);

        // A schedule writing to a container that does not exist fails, says why, and retries after a minute.
        Assert.Equal(HttpStatusCode.Created, (await arm.PutAsync($"{service}/backupSchedules/broken", Schedule("no-such-container-" + Guid.NewGuid().ToString("N")[..8]))).Status);
        AdvanceToNextHour();
        await EventuallyAsync(async () => (await arm.GetAsync($"{service}/backupSchedules/broken")).Properties["status"]!["consecutiveFailures"]!.GetValue<long>() == 1, "the broken run fails");
        var failing = (await arm.GetAsync($"{service}/backupSchedules/broken")).Properties["status"]!;
        Assert.Equal("retrying", failing["state"]!.GetValue<string>());
        Assert.Contains("ContainerNotFound", failing["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
        _clock.Advance(TimeSpan.FromMinutes(1.5));
        await EventuallyAsync(async () => (await arm.GetAsync($"{service}/backupSchedules/broken")).Properties["status"]!["consecutiveFailures"]!.GetValue<long>() == 2, "the retry runs");
    }

    [Fact]
    public async Task Retention_by_age_deletes_the_schedules_backups_older_than_its_days_by_their_manifests_creation_time()
    {
        using var arm = await _a.CreateArmClientAsync(_bootstrap.Id, _bootstrap.Secret);
        var service = await arm.CreateServiceAsync();
        var container = await Azurite.NewContainerAsync();
        var body = Schedule(container, retentionCount: null);
        body["properties"]!["retentionDays"] = 1;
        Assert.Equal(HttpStatusCode.Created, (await arm.PutAsync($"{service}/backupSchedules/hourly", body)).Status);

        AdvanceToNextHour();
        await EventuallyAsync(async () => await RunsAsync(arm, service) == 1 && await IdleAsync(arm, service), "the first run ends");
        var first = Assert.Single(await ScheduledBlobsAsync(container));

        // A day and two hours later (the missed slots run once): the first backup is past the day and goes; the new one stays.
        _clock.Advance(TimeSpan.FromHours(26));
        await EventuallyAsync(async () => await RunsAsync(arm, service) == 2 && await IdleAsync(arm, service), "the second run ends");
        await EventuallyAsync(async () => !(await ScheduledBlobsAsync(container)).Contains(first), "retention deletes the day-old backup");
        var kept = Assert.Single(await ScheduledBlobsAsync(container));
        Assert.NotEqual(first, kept);
        Assert.Equal(kept, (await arm.GetAsync($"{service}/backupSchedules/hourly")).Properties["status"]!["newestGoodBackup"]!.GetValue<string>());
    }

    [Fact]
    public async Task Also_after_changes_backs_up_once_per_change_window_and_never_for_its_own_state()
    {
        using var arm = await _a.CreateArmClientAsync(_bootstrap.Id, _bootstrap.Secret);
        var service = await arm.CreateServiceAsync();
        var container = await Azurite.NewContainerAsync();
        var body = Schedule(container, cron: "0 0 1 1 *", retentionCount: null);
        body["properties"]!["afterChangesMinutes"] = 1;
        Assert.Equal(HttpStatusCode.Created, (await arm.PutAsync($"{service}/backupSchedules/changes", body)).Status);
        async Task<long> Runs() => (await arm.GetAsync($"{service}/backupSchedules/changes")).Properties["status"]!["runs"]!.GetValue<long>();
        async Task<bool> Idle() => (await arm.GetAsync($"{service}/backupSchedules/changes")).Properties["status"]!["state"]!.GetValue<string>() == "scheduled";

        // The service was never backed up: its content counts as changes, once.
        await EventuallyAsync(async () => await Runs() == 1 && await Idle(), "the first run ends");

        // Only the schedule's own state moved since: no run, however long it waits.
        _clock.Advance(TimeSpan.FromMinutes(3));
        await Task.Delay(3000);
        Assert.Equal(1, await Runs());

        // A real change: one run once the window allows it, then quiet again.
        await arm.CreateAsync($"{service}/namedValues/changed", new JsonObject { ["displayName"] = "changed", ["value"] = "v" });
        _clock.Advance(TimeSpan.FromMinutes(1.5));
        await EventuallyAsync(async () => await Runs() == 2 && await Idle(), "the change is backed up");
        _clock.Advance(TimeSpan.FromMinutes(3));
        await Task.Delay(3000);
        Assert.Equal(2, await Runs());
    }

    [Theory]
    [InlineData("cron", "every hour")]
    [InlineData("cron", "*/5 * * * * *")]
    [InlineData("timeZone", "Mars/Olympus_Mons")]
    [InlineData("namePattern", "backup-without-a-time.zip")]
    public async Task A_schedule_with_a_bad_setting_is_refused_with_the_property_named(string property, string value)
    {
        using var arm = await _a.CreateArmClientAsync(_bootstrap.Id, _bootstrap.Secret);
        var service = await arm.CreateServiceAsync();
        var body = Schedule("some-container");
        body["properties"]![property] = value;
        var refused = await arm.PutAsync($"{service}/backupSchedules/bad", body);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains(property, refused.ToString(), StringComparison.Ordinal);
    }

    private void AdvanceToNextHour()
    {
        var now = _clock.GetUtcNow();
        var next = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(1);
        _clock.Advance(next - now + TimeSpan.FromSeconds(30));
    }

    private static async Task<long> RunsAsync(ArmClient arm, string service) =>
        (await arm.GetAsync($"{service}/backupSchedules/hourly")).Properties["status"]!["runs"]!.GetValue<long>();

    private static async Task<bool> IdleAsync(ArmClient arm, string service) =>
        (await arm.GetAsync($"{service}/backupSchedules/hourly")).Properties["status"]!["state"]!.GetValue<string>() == "scheduled";

    private static async Task<List<string>> ScheduledBlobsAsync(string container)
    {
        var names = new List<string>();
        await foreach (var blob in Azurite.Client.GetBlobContainerClient(container).GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, null, CancellationToken.None))
        {
            if (blob.Metadata.ContainsKey("openapim_schedule"))
            {
                names.Add(blob.Name);
            }
        }

        return names;
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(200);
        }
    }
}
