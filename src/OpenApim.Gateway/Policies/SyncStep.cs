namespace OpenApim.Gateway.Policies;

/// <summary>Runs synchronously; most policies do.</summary>
internal abstract class SyncStep : IPolicyStep
{
    public ValueTask<GatewayResponse?> RunAsync(GatewayContext context) => ValueTask.FromResult(Run(context));

    protected abstract GatewayResponse? Run(GatewayContext context);
}
