using Microsoft.Extensions.DependencyInjection;
using OpenApim.Gateway.Configuration;
using OpenApim.Gateway.Proxy;
using OpenApim.Gateway.Usage;

namespace OpenApim.Tests.Infrastructure;

/// <summary>
/// What in-process tests may do to a server's gateway that a client cannot: make its watcher load the store now
/// (and await it) instead of waiting for the next poll, and write the usage recorded so far.
/// </summary>
public static class GatewaySeams
{
    /// <summary>Runs one refresh of the gateway's configuration, serialised with the watcher's own, and awaits it.</summary>
    public static Task RefreshGatewayAsync(this IServiceProvider services, CancellationToken ct = default) =>
        services.GetRequiredService<ConfigWatcher>().RefreshAsync(ct);

    /// <summary>Waits until no gateway request is being served (a client can have a response before its usage is recorded), then writes the usage.</summary>
    public static async Task FlushUsageAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        var gateway = services.GetRequiredService<GatewayMiddleware>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        while (gateway.InFlight > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(5), deadline.Token);
        }

        await services.GetRequiredService<UsageRecorder>().FlushAsync(ct);
    }
}
