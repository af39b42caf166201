using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenApim.Resources.Hosting;
using OpenApim.Resources.Store.Journal;

namespace OpenApim.Management.Changes;

/// <summary>
/// Applies the journal's retention every minute: records older than the retention age, or the oldest beyond the size limit,
/// are deleted, but never one a live reader (a gateway node that reported its position recently) has not applied yet.
/// Several nodes may try at once; they take turns (an advisory lock on PostgreSQL, the write lock on SQLite).
/// </summary>
internal sealed partial class JournalCompactor(IChangeJournal journal, Deployment deployment, TimeProvider time, ILogger<JournalCompactor> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), time);
        do
        {
            try
            {
                var result = await journal.CompactAsync(deployment.JournalRetention, stoppingToken);
                if (result.Deleted > 0)
                {
                    Compacted(log, result.Deleted, result.TrimmedThrough, result.Bytes);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                CompactionFailed(log, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(LogLevel.Information, "Compacted the change journal: {Deleted} record(s) up to sequence {Trimmed} deleted, {Bytes} bytes kept.")]
    private static partial void Compacted(ILogger logger, long deleted, long trimmed, long bytes);

    [LoggerMessage(LogLevel.Warning, "Compacting the change journal failed; retrying at the next tick.")]
    private static partial void CompactionFailed(ILogger logger, Exception e);
}
