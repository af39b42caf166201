namespace OpenApim.Identity;

/// <summary>Settings of the embedded issuer.</summary>
public sealed record IdentityOptions
{
    /// <summary>Folder for signing keys and the generated bootstrap credential.</summary>
    public required string DataDirectory { get; init; }

    public string? BootstrapClientId { get; init; }

    public string? BootstrapClientSecret { get; init; }

    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromHours(1);
}
