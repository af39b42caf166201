namespace OpenApim.Gateway.Configuration;

/// <summary>Settings of the gateway.</summary>
public sealed record GatewayOptions
{
    /// <summary>How often the journal is read when no commit woke the gateway (commits on any node wake it at once).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Journal records read per query while catching up.</summary>
    public int JournalBatchSize { get; init; } = 5000;

    /// <summary>How long a backend may take to answer (API Management's forward-request default is 300 s).</summary>
    public TimeSpan BackendTimeout { get; init; } = TimeSpan.FromSeconds(300);
}
