using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OpenApim.Resources.Store.Sql;

/// <summary>
/// Relays other nodes' journal commits to this process's readers (PostgreSQL <c>LISTEN</c>); ends at once on SQLite. A lost
/// connection is logged every time and re-opened after a second; readers poll meanwhile, so a change is only late, never lost.
/// </summary>
internal sealed partial class JournalListener(SqlDialect dialect, TimeProvider time, ILogger<JournalListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await dialect.ListenForJournalAsync(stoppingToken);
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogListenFailed(logger, e);
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for other nodes' journal commits failed; the gateway polls until the connection is back")]
    private static partial void LogListenFailed(ILogger logger, Exception e);
}
