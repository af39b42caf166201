namespace OpenApim.Gateway.Policies;

/// <summary>A policy that could not be compiled (e.g. stored before a rule existed): every request fails clearly.</summary>
internal sealed class BrokenStep(string why) : SyncStep
{
    protected override GatewayResponse? Run(GatewayContext c) => GatewayResponse.Error(500, $"The policy of this API cannot run: {why}", "policy");
}
