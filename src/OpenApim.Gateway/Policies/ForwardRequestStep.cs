namespace OpenApim.Gateway.Policies;

/// <summary><c>forward-request</c>: the backend timeout.</summary>
internal sealed class ForwardRequestStep(TimeSpan? timeout) : SyncStep
{
    protected override GatewayResponse? Run(GatewayContext c)
    {
        c.Timeout = timeout ?? c.Timeout;
        return null;
    }
}
