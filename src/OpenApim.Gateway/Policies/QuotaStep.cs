using Microsoft.AspNetCore.Http;

namespace OpenApim.Gateway.Policies;

/// <summary><c>quota</c>: calls (and bandwidth in KiB) per subscription per renewal period.</summary>
internal sealed class QuotaStep(Counters.Partition callCounters, Counters.Partition byteCounters, long? calls, long? kilobytes, TimeSpan period) : SyncStep
{
    protected override GatewayResponse? Run(GatewayContext c)
    {
        var subject = c.Subscription?.Name ?? "anonymous:" + c.ClientIp;
        if (calls is { } limit)
        {
            var (allowed, _, retry) = callCounters.Take(subject, limit, period);
            if (!allowed)
            {
                return GatewayResponse.Error(403, $"Out of call volume quota. Quota will be replenished in {retry:hh\\:mm\\:ss}.", "quota");
            }
        }

        if (kilobytes is { } kb)
        {
            // Bandwidth is known only after the response: refuse once the window is used up, count when the request ends.
            var (allowed, _, retry) = byteCounters.Take(subject, (kb * 1024) - 1, period, amount: 0);
            if (!allowed)
            {
                return GatewayResponse.Error(403, $"Out of bandwidth quota. Quota will be replenished in {retry:hh\\:mm\\:ss}.", "quota");
            }

            c.Http.Response.RegisterForDispose(new BandwidthCounter(byteCounters, subject, c.Http));
        }

        return null;
    }

    /// <summary>Adds the response's bytes to the bandwidth window when the request ends.</summary>
    private sealed class BandwidthCounter(Counters.Partition counters, string subject, HttpContext http) : IDisposable
    {
        public void Dispose() => counters.Add(subject, (http.Request.ContentLength ?? 0) + (http.Response.ContentLength ?? 0));
    }
}
