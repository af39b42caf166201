namespace OpenApim.Gateway.Policies;

/// <summary>The policies that run for one operation (and product), section by section.</summary>
internal sealed record CompiledPipeline(IPolicyStep[] Inbound, IPolicyStep[] Backend, IPolicyStep[] Outbound, IPolicyStep[] OnError);
