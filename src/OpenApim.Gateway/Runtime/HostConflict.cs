namespace OpenApim.Gateway.Runtime;

/// <summary>A host name two services claim (only data from before the management API refused this can have one).</summary>
internal sealed record HostConflict(string Host, string Kept, string Ignored);
