using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenApim.Backup.Storage;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Model;
using OpenApim.Resources.Operations;
using OpenApim.Resources.Store;
using OpenApim.Resources.Store.Journal;

namespace OpenApim.Backup.Schedules;

/// <summary>
/// Runs backup schedules on every node: once a second it finds the schedules that are due (a cron slot passed, changes while
/// "also after changes" allows one, or a retry after a failure), claims the run in the schedule itself (a write checked
/// against the version it read, under the service's row lock, so with several nodes exactly one wins), starts an ordinary
/// backup operation, and when it ends records the outcome and applies retention. A slot missed while no node ran runs once.
/// </summary>
internal sealed partial class ScheduleHost : BackgroundService
{
    private const string Starting = "starting";
    private static readonly TimeSpan TickEvery = TimeSpan.FromSeconds(1);
    private readonly IResourceStore store;
    private readonly IOperationStore operations;
    private readonly IChangeJournal journal;
    private readonly BlobTargets targets;
    private readonly TimeProvider time;
    private readonly ILogger<ScheduleHost> logger;
    private readonly IServiceAction _backup;

    public ScheduleHost(
        IResourceStore store, IOperationStore operations, IChangeJournal journal, IEnumerable<IServiceAction> actions, BlobTargets targets, IMeterFactory meters, TimeProvider time,
        ILogger<ScheduleHost> logger)
    {
        (this.store, this.operations, this.journal, this.targets, this.time, this.logger) = (store, operations, journal, targets, time, logger);
        _backup = actions.First(a => a.Name == OperationKinds.Backup);
        meters.Create(Telemetry.BackupMetrics.Name).CreateObservableGauge("openapim.backup.newest_good.age",
            () => NewestGood.Select(kv => new Measurement<double>(Math.Max(0, (time.GetUtcNow() - kv.Value).TotalSeconds),
                new KeyValuePair<string, object?>("openapim.service.name", _names.GetValueOrDefault(kv.Key.Service, kv.Key.Service)),
                new KeyValuePair<string, object?>("openapim.service.id", kv.Key.Service), new KeyValuePair<string, object?>("openapim.schedule.name", kv.Key.Schedule))),
            "s", "Age of the newest good backup each schedule made (alert when it grows past the schedule's interval).");
    }

    /// <summary>The newest good backup of each schedule this node has seen, for the metrics: (service, schedule) → time.</summary>
    public ConcurrentDictionary<(string Service, string Schedule), DateTimeOffset> NewestGood { get; } = new();

    /// <summary>The service names of the keys in <see cref="NewestGood"/> (its keys are service keys: names repeat across resource groups).</summary>
    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await TickAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogTickFailed(logger, e);
            }

            try
            {
                await Task.Delay(TickEvery, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    internal async Task TickAsync(CancellationToken ct)
    {
        var seen = new HashSet<(string, string)>();
        foreach (var service in (await store.GetEpochsAsync(ct)).Keys)
        {
            var page = await store.ListAsync(ListQuery.InService(KindCatalog.BackupSchedules, service) with { Top = 1000 }, ct);
            foreach (var resource in page.Items)
            {
                if (BackupSchedule.From(resource) is not { } schedule)
                {
                    continue;
                }

                var key = (schedule.Service.Key, schedule.Name.ToLowerInvariant());
                seen.Add(key);
                _names[schedule.Service.Key] = schedule.Service.Name;
                if (schedule.State.NewestGoodAt is { } good)
                {
                    NewestGood[key] = good;
                }

                if (schedule.State.Running is { } running)
                {
                    await FinishAsync(schedule, running, ct);
                }
                else if (schedule.Enabled && await DueAsync(schedule, ct) is { } due)
                {
                    await StartAsync(schedule, due.Slot, due.Reason, ct);
                }
            }
        }

        // A schedule deleted (or its service) leaves no series behind.
        foreach (var gone in NewestGood.Keys.Where(k => !seen.Contains(k)).ToList())
        {
            NewestGood.TryRemove(gone, out _);
        }
    }

    private async Task<(DateTimeOffset? Slot, string Reason)?> DueAsync(BackupSchedule schedule, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (schedule.DueSlot(now) is { } slot)
        {
            return (slot, "schedule");
        }

        var state = schedule.State;
        if (state.LastResult == "Failed" && state.NextRetryAt is { } retry && retry <= now && state.Failures < BackupSchedule.MaxAttempts)
        {
            return (null, "retry");
        }

        if (schedule.AfterChanges is { } every && (state.LastRunAt is null || now - state.LastRunAt >= every)
            && await ChangedSinceAsync(schedule.Service, state.LastPosition, ct))
        {
            return (null, "changes");
        }

        return null;
    }

    /// <summary>
    /// Whether the service changed after the position. Writes to kinds a backup leaves out (the schedules' own state, the
    /// replications' positions) are not changes: counting them, a schedule would trigger itself.
    /// </summary>
    private async Task<bool> ChangedSinceAsync(ServiceRef service, long position, CancellationToken ct)
    {
        const int Batch = 500;
        for (var pages = 0; pages < 20; pages++)
        {
            var tail = await journal.ReadAsync(service, position, Batch, ct);
            if (tail.Entries.Any(e => KindCatalog.Find(e.Kind) is not { Backup: BackupScope.Excluded }))
            {
                return true;
            }

            if (tail.Entries.Count < Batch)
            {
                return false;
            }

            position = tail.Entries[^1].Sequence;
        }

        return true;
    }

    private async Task StartAsync(BackupSchedule schedule, DateTimeOffset? slot, string reason, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var name = schedule.BackupName(now);
        var position = await journal.LastSequenceAsync(ct);
        var claimed = await UpdateAsync(schedule, s => s with
        {
            LastSlot = slot ?? s.LastSlot, LastRunAt = now, Running = Starting, RunningBackup = name, LastPosition = position, Runs = s.Runs + 1,
        }, ct);
        if (!claimed)
        {
            return; // another node claimed this run
        }

        var body = (JsonObject)schedule.Storage.DeepClone();
        body["backupName"] = name;
        bool StillStarting(ScheduleState s) => s.Running == Starting && s.RunningBackup == name;
        try
        {
            var operation = await _backup.StartAsync(new ServiceActionRequest(schedule.Service, body, "2024-05-01", new Dictionary<string, string>()) { Schedule = schedule.Id }, ct);
            LogStarted(logger, schedule.Service.Name, schedule.Name, name, reason, operation.Id);
            await UpdateAsync(schedule.Service, schedule.Name, StillStarting, s => s with { Running = operation.Id }, ct);
        }
        catch (ArmException e)
        {
            await FailedAsync(schedule.Service, schedule.Name, StillStarting, $"{e.Code}: {e.Message}", ct);
        }
    }

    /// <summary>When the run's operation has ended: its outcome into the state, and retention after a good one.</summary>
    private async Task FinishAsync(BackupSchedule schedule, string running, CancellationToken ct)
    {
        bool StillRunning(ScheduleState s) => s.Running == running && s.RunningBackup == schedule.State.RunningBackup;
        if (running == Starting)
        {
            // The node that claimed the run died before the backup started: after a minute, count it as failed (and retry).
            if (time.GetUtcNow() - schedule.State.LastRunAt > TimeSpan.FromMinutes(1))
            {
                await FailedAsync(schedule.Service, schedule.Name, StillRunning, "Interrupted: the node running the schedule stopped before the backup started.", ct);
            }

            return;
        }

        var operation = await operations.GetAsync(running, ct);
        if (operation is { Status: OperationStatus.Running })
        {
            return;
        }

        if (operation is not { Status: OperationStatus.Succeeded })
        {
            var error = operation?.Error is { } e
                ? $"{e["code"]}{(e["details"]?[0]?["code"] is { } detail ? $" ({detail})" : "")}: {e["message"]}"
                : "the backup operation is gone";
            await FailedAsync(schedule.Service, schedule.Name, StillRunning, error, ct);
            return;
        }

        var createdAt = operation.Result?["summary"]?["createdAt"]?.GetValue<string>() is { } created ? DateTimeOffset.Parse(created, System.Globalization.CultureInfo.InvariantCulture) : time.GetUtcNow();
        var recorded = await UpdateAsync(schedule.Service, schedule.Name, StillRunning, s => s with
        {
            Running = null, LastResult = "Succeeded", LastError = null, Failures = 0, NextRetryAt = null, NewestGoodAt = createdAt, NewestGoodBackup = s.RunningBackup, RunningBackup = null,
        }, ct);
        if (recorded)
        {
            NewestGood[(schedule.Service.Key, schedule.Name.ToLowerInvariant())] = createdAt;
            await ScheduleRetention.ApplyAsync(targets, schedule, time.GetUtcNow(), logger, ct);
        }
    }

    private Task<bool> FailedAsync(ServiceRef service, string name, Func<ScheduleState, bool> expected, string error, CancellationToken ct) => UpdateAsync(service, name, expected, s =>
    {
        var failures = s.Failures + 1;
        LogFailed(logger, service.Name, name, failures, error);
        return s with
        {
            Running = null, RunningBackup = null, LastResult = "Failed", LastError = error, Failures = failures,
            NextRetryAt = failures < BackupSchedule.MaxAttempts ? time.GetUtcNow() + TimeSpan.FromMinutes(Math.Pow(2, failures - 1)) : null,
        };
    }, ct);

    /// <summary>Claims a run: changes the state only if the schedule is still the version read (false: another node moved it first).</summary>
    private Task<bool> UpdateAsync(BackupSchedule schedule, Func<ScheduleState, ScheduleState> change, CancellationToken ct) =>
        UpdateAsync(schedule.Service, schedule.Name, null, change, ct, schedule.ETag);

    /// <summary>
    /// Changes the state if it still is what this node expects (the run it started or saw end), so two nodes that saw the same
    /// ending record it once; false when the state moved on.
    /// </summary>
    private async Task<bool> UpdateAsync(
        ServiceRef service, string name, Func<ScheduleState, bool>? still, Func<ScheduleState, ScheduleState> change, CancellationToken ct, string? expected = null)
    {
        var address = EntityAddress.FromRelativeId(service, KindCatalog.BackupSchedules, $"backupSchedules/{name}");
        try
        {
            return await store.WriteAsync(service, WriteScope.Entity, async writer =>
            {
                var row = await writer.GetAsync(address, ct);
                if (row is null || (expected is not null && row.ETag != expected) || row.Body["properties"] is not JsonObject properties)
                {
                    return false;
                }

                var state = ScheduleState.FromJson(properties["state"]);
                if (still is not null && !still(state))
                {
                    return false;
                }

                properties["state"] = change(state).ToJson();
                await writer.PutAsync(new ResourceRow(address, row.Body), row.ETag, ct);
                return true;
            }, ct);
        }
        catch (ArmException e) when (e.Status is System.Net.HttpStatusCode.Conflict or System.Net.HttpStatusCode.PreconditionFailed)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not look up or run the backup schedules")]
    private static partial void LogTickFailed(ILogger logger, Exception e);

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule {Service}/{Schedule}: backing up to {Backup} ({Reason}), operation {Operation}")]
    private static partial void LogStarted(ILogger logger, string service, string schedule, string backup, string reason, string operation);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule {Service}/{Schedule}: run failed ({Failures} in a row): {Error}")]
    private static partial void LogFailed(ILogger logger, string service, string schedule, int failures, string error);
}
