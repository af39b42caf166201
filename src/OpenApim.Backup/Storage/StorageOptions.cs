namespace OpenApim.Backup.Storage;

/// <summary>Where backups are written to and read from: Azure Blob Storage, or local folders that stand in for accounts.</summary>
public sealed record StorageOptions
{
    /// <summary>Azurite's well-known development account, served by the local-folder target by default.</summary>
    public const string DevelopmentAccount = "devstoreaccount1";

    public const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public const string DefaultEndpointTemplate = "https://{account}.blob.core.windows.net";

    /// <summary>
    /// When set, every storage account is Azure Blob Storage at this address (<c>{account}</c> is replaced).
    /// When unset, accounts in <see cref="LocalAccounts"/> are local folders and any other is reached at <see cref="DefaultEndpointTemplate"/>.
    /// </summary>
    public string? EndpointTemplate { get; init; }

    /// <summary>Accounts served by the local-folder target (when no endpoint template is set).</summary>
    public IReadOnlyList<LocalAccount> LocalAccounts { get; init; } = [new(DevelopmentAccount, DevelopmentKey)];

    /// <summary>Root folder of the local-folder target: <c>{root}/{account}/{container}/{blob}</c>.</summary>
    public required string LocalRoot { get; init; }

    public IReadOnlyList<IdentityGrant> IdentityGrants { get; init; } = [];

    /// <summary>
    /// When a managed identity has no <see cref="IdentityGrants"/> entry for an account, use the real Azure managed
    /// identity of the host (Azure.Identity <c>ManagedIdentityCredential</c>) instead of failing.
    /// </summary>
    public bool UseAzureManagedIdentity { get; init; }

    /// <summary>How long storage may take to answer a metadata call, or stall a transfer, before the operation fails AccountUnreachable.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Parses <c>name:key;name2:key2</c>.</summary>
    public static IReadOnlyList<LocalAccount> ParseAccounts(string text) => [.. Split(text).Select(entry =>
    {
        var colon = entry.IndexOf(':', StringComparison.Ordinal);
        return colon > 0
            ? new LocalAccount(entry[..colon].Trim(), entry[(colon + 1)..].Trim())
            : throw new FormatException($"OPENAPIM_STORAGE_ACCOUNTS entry '{entry}' must be name:key.");
    })];

    /// <summary>Parses <c>identity@account=key;...</c> (identity: <c>system</c>, <c>system:{service}</c> or a client id).</summary>
    public static IReadOnlyList<IdentityGrant> ParseGrants(string text) => [.. Split(text).Select(entry =>
    {
        var at = entry.IndexOf('@', StringComparison.Ordinal);
        var eq = entry.IndexOf('=', StringComparison.Ordinal);
        return at > 0 && eq > at
            ? new IdentityGrant(entry[..at].Trim(), entry[(at + 1)..eq].Trim(), entry[(eq + 1)..].Trim())
            : throw new FormatException($"OPENAPIM_MANAGED_IDENTITIES entry '{entry}' must be identity@account=key.");
    })];

    private static string[] Split(string text) => text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
