namespace OpenApim.Gateway.Configuration;

/// <summary>Settings of the gateway.</summary>
public sealed record GatewayOptions
{
    /// <summary>How often the store is asked whether any service changed.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a backend may take to answer (API Management's forward-request default is 300 s).</summary>
    public TimeSpan BackendTimeout { get; init; } = TimeSpan.FromSeconds(300);
}
