using System.Net;

namespace OpenApim.Gateway.Policies;

/// <summary><c>ip-filter</c>.</summary>
internal sealed class IpFilterStep(bool allow, IPAddress[] addresses, (IPAddress From, IPAddress To)[] ranges) : SyncStep
{
    protected override GatewayResponse? Run(GatewayContext c)
    {
        var ip = c.Http.Connection.RemoteIpAddress;
        if (ip is { IsIPv4MappedToIPv6: true })
        {
            ip = ip.MapToIPv4();
        }

        var listed = ip is not null && (addresses.Any(a => a.Equals(ip)) || ranges.Any(r => InRange(ip, r.From, r.To)));
        return listed == allow ? null : GatewayResponse.Error(403, $"Forbidden: the caller IP address {ip} is not allowed.", "ip-filter");
    }

    private static bool InRange(IPAddress ip, IPAddress from, IPAddress to)
    {
        var value = ip.GetAddressBytes();
        var low = from.GetAddressBytes();
        var high = to.GetAddressBytes();
        return value.Length == low.Length && value.Length == high.Length
            && value.AsSpan().SequenceCompareTo(low) >= 0 && value.AsSpan().SequenceCompareTo(high) <= 0;
    }
}
