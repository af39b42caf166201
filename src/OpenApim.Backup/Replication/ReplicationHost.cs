using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenApim.Backup.Jobs;
using OpenApim.Backup.Storage;
using OpenApim.Resources.Kinds;
using OpenApim.Resources.Model;
using OpenApim.Resources.Store;
using OpenApim.Resources.Store.Journal;

namespace OpenApim.Backup.Replication;

/// <summary>
/// Runs a <see cref="StreamShipper"/> for every primary replication and a <see cref="StreamFollower"/> for every standby one,
/// of every service, every node alike: a stream's lease in storage decides which node ships it, and a follower's state,
/// checked in each apply transaction, keeps two nodes from applying a segment twice. Looks for new, changed and deleted
/// replications every few seconds; a shipper that stopped because the stream was promoted elsewhere stays stopped.
/// </summary>
internal sealed partial class ReplicationHost(
    IResourceStore store,
    IChangeJournal journal,
    JournalSignal signal,
    BlobTargets targets,
    JobOptions jobs,
    ReplicationBoard board,
    TimeProvider time,
    ILoggerFactory loggers) : BackgroundService
{
    private static readonly TimeSpan DiscoverEvery = TimeSpan.FromSeconds(2);
    private readonly ILogger _logger = loggers.CreateLogger<ReplicationHost>();
    private readonly Dictionary<string, Running> _running = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await DiscoverAsync(stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    LogDiscoveryFailed(_logger, e);
                }

                await Task.Delay(DiscoverEvery, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var key in _running.Keys.ToList())
            {
                await StopAsync(key);
            }
        }
    }

    private async Task DiscoverAsync(CancellationToken ct)
    {
        var wanted = new Dictionary<string, ReplicationConfig>(StringComparer.Ordinal);
        foreach (var service in (await store.GetEpochsAsync(ct)).Keys)
        {
            var page = await store.ListAsync(ListQuery.InService(KindCatalog.Replications, service) with { Top = 100 }, ct);
            foreach (var resource in page.Items)
            {
                var config = ReplicationConfig.From(resource);
                wanted[config.Key] = config;
            }
        }

        foreach (var (key, running) in _running.ToList())
        {
            if (!wanted.TryGetValue(key, out var config) || config != running.Config)
            {
                await StopAsync(key);
            }
        }

        foreach (var (key, config) in wanted)
        {
            if (!_running.ContainsKey(key))
            {
                Start(config);
            }
        }
    }

    private void Start(ReplicationConfig config)
    {
        var cts = new CancellationTokenSource();
        board.Start(config);
        Task task;
        try
        {
            var target = targets.Open(config.Storage, config.Service);
            task = config.Mode switch
            {
                ReplicationKinds.Primary => Task.Run(() => new StreamShipper(config, target, store, journal, signal, jobs, board, time, loggers.CreateLogger<StreamShipper>()).RunAsync(cts.Token)),
                ReplicationKinds.Standby => Task.Run(() => new StreamFollower(config, target, store, jobs, board, time, loggers.CreateLogger<StreamFollower>()).RunAsync(cts.Token)),
                _ => Task.CompletedTask,
            };
        }
        catch (Exception e) when (e is StorageException or InvalidOperationException)
        {
            // No credential for the account (yet): report it and try again at the next discovery.
            board.Set(config.Key, s => s with { State = "failing", Message = e.Message });
            task = Task.CompletedTask;
        }

        _running[config.Key] = new Running(config, cts, task);
    }

    private async Task StopAsync(string key)
    {
        var running = _running[key];
        _running.Remove(key);
        await running.Cancellation.CancelAsync();
        try
        {
            await running.Task;
        }
        catch (OperationCanceledException)
        {
        }

        running.Cancellation.Dispose();
        board.Remove(key);
    }

    private sealed record Running(ReplicationConfig Config, CancellationTokenSource Cancellation, Task Task);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not look up the replications to ship")]
    private static partial void LogDiscoveryFailed(ILogger logger, Exception e);
}
