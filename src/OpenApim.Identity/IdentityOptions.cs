namespace OpenApim.Identity;

/// <summary>Settings of the embedded issuer and of the issuers it trusts besides itself.</summary>
public sealed record IdentityOptions
{
    /// <summary>Folder for signing keys and the generated bootstrap credential.</summary>
    public required string DataDirectory { get; init; }

    public string? BootstrapClientId { get; init; }

    public string? BootstrapClientSecret { get; init; }

    /// <summary>The console's bootstrap administrator (a person): user name and password, or null to generate them.</summary>
    public string? BootstrapUserName { get; init; }

    public string? BootstrapUserPassword { get; init; }

    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>External OpenID Connect issuers whose tokens the management API accepts.</summary>
    public IReadOnlyList<TrustedIssuer> TrustedIssuers { get; init; } = [];

    /// <summary>Failed client authentications allowed per client id and source address within <see cref="FailureWindow"/>.</summary>
    public int FailureLimit { get; init; } = 10;

    public TimeSpan FailureWindow { get; init; } = TimeSpan.FromMinutes(5);
}
