using Microsoft.Extensions.DependencyInjection;
using OpenApim.Gateway.Configuration;
using OpenApim.Gateway.Usage;
using OpenApim.Resources.Arm;
using OpenApim.Resources.Usage;

namespace OpenApim.Tests.Infrastructure;

/// <summary>
/// What in-process tests may do to a server's gateway that a client cannot: make its watcher load the store now
/// (and await it) instead of waiting for the next poll, and write the usage it has recorded.
/// </summary>
public static class GatewaySeams
{
    /// <summary>Runs one refresh of the gateway's configuration, serialised with the watcher's own, and awaits it.</summary>
    public static Task RefreshGatewayAsync(this IServiceProvider services, CancellationToken ct = default) =>
        services.GetRequiredService<ConfigWatcher>().RefreshAsync(ct);

    /// <summary>
    /// Writes the usage recorded so far, again until the store holds at least <paramref name="calls"/> calls of the service:
    /// a request's usage is recorded when the gateway finishes with it, which can be just after its client has the response.
    /// </summary>
    public static async Task FlushUsageAsync(this IServiceProvider services, string servicePath, long calls, CancellationToken ct = default)
    {
        var recorder = services.GetRequiredService<UsageRecorder>();
        var usage = services.GetRequiredService<IUsageStore>();
        var key = ServiceRef.FromId(servicePath).Key;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            await recorder.FlushAsync(deadline.Token);
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60;
            if ((await usage.QueryAsync(key, now - 60, now + 60, deadline.Token)).Sum(r => r.Total) >= calls)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), deadline.Token);
        }
    }
}
