namespace OpenApim.Gateway.Policies;

/// <summary>One compiled policy. Returns null to go on, or the response that ends the pipeline.</summary>
internal interface IPolicyStep
{
    ValueTask<GatewayResponse?> RunAsync(GatewayContext context);
}
