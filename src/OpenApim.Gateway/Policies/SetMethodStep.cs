namespace OpenApim.Gateway.Policies;

/// <summary><c>set-method</c>.</summary>
internal sealed class SetMethodStep(string method) : SyncStep
{
    protected override GatewayResponse? Run(GatewayContext c)
    {
        c.Method = method.ToUpperInvariant();
        return null;
    }
}
