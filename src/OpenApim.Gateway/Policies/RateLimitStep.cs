using System.Globalization;

namespace OpenApim.Gateway.Policies;

/// <summary><c>rate-limit</c> (per subscription) and <c>rate-limit-by-key</c> (per counter key).</summary>
internal sealed class RateLimitStep(Counters.Partition counters, long calls, TimeSpan period, Func<GatewayContext, string>? key, string? retryAfterHeader, string? remainingHeader, string? totalHeader) : SyncStep
{
    protected override GatewayResponse? Run(GatewayContext c)
    {
        var subject = key?.Invoke(c) ?? c.Subscription?.Name ?? "anonymous:" + c.ClientIp;
        var (allowed, remaining, retry) = counters.Take(subject, calls, period);
        if (remainingHeader is not null)
        {
            c.ResponseHeaders.Add((remainingHeader, remaining.ToString(CultureInfo.InvariantCulture), "override"));
        }

        if (totalHeader is not null)
        {
            c.ResponseHeaders.Add((totalHeader, calls.ToString(CultureInfo.InvariantCulture), "override"));
        }

        if (allowed)
        {
            return null;
        }

        var seconds = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return GatewayResponse.Error(429, $"Rate limit is exceeded. Try again in {seconds} seconds.", key is null ? "rate-limit" : "rate-limit-by-key",
            (retryAfterHeader ?? "Retry-After", seconds));
    }
}
