using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenApim.Resources.Hosting;
using OpenApim.Resources.Store;

namespace OpenApim.Management.Services;

/// <summary>Purges soft-deleted services whose retention has ended, every few minutes (at most a tenth of the retention).</summary>
internal sealed partial class DeletedServicePurger(IDeletedServiceStore deleted, Deployment deployment, TimeProvider time, ILogger<DeletedServicePurger> log) : BackgroundService
{
    private static readonly TimeSpan LongestPause = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retention = deployment.SoftDeleteRetention;
        var pause = retention > TimeSpan.Zero && retention / 10 < LongestPause ? retention / 10 : LongestPause;
        using var timer = new PeriodicTimer(pause < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : pause, time);
        do
        {
            try
            {
                var purged = await deleted.PurgeDeletedBeforeAsync(time.GetUtcNow() - retention, stoppingToken);
                if (purged > 0)
                {
                    Purged(log, purged, retention);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                PurgeFailed(log, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(LogLevel.Information, "Purged {Count} soft-deleted service(s) older than {Retention}.")]
    private static partial void Purged(ILogger logger, int count, TimeSpan retention);

    [LoggerMessage(LogLevel.Warning, "Purging soft-deleted services failed; retrying at the next tick.")]
    private static partial void PurgeFailed(ILogger logger, Exception e);
}
