using System.Globalization;

namespace OpenApim.Gateway.Policies;

/// <summary><c>set-status</c> on the response.</summary>
internal sealed class SetStatusStep(int code, string? reason) : SyncStep
{
    protected override GatewayResponse? Run(GatewayContext c)
    {
        c.ResponseHeaders.Add((":status", code.ToString(CultureInfo.InvariantCulture), reason ?? ""));
        return null;
    }
}
