namespace OpenApim.Backup;

/// <summary>A storage account served from the local-folder blob target.</summary>
public sealed record LocalAccount(string Name, string Key);

/// <summary>
/// A stand-in for a service's managed identity: when the service's identity (<c>system</c>, <c>system:{service}</c>
/// or a user-assigned client id) accesses <see cref="Account"/>, the backup engine uses <see cref="Key"/>.
/// </summary>
public sealed record IdentityGrant(string Identity, string Account, string Key);

/// <summary>Settings of the backup engine.</summary>
public sealed record BackupOptions
{
    /// <summary>Azurite's well-known development account, served by the local-folder target by default.</summary>
    public const string DevelopmentAccount = "devstoreaccount1";

    public const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public const string DefaultEndpointTemplate = "https://{account}.blob.core.windows.net";

    /// <summary>How long after creation a backup may be restored (Azure: 30 days).</summary>
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromDays(30);

    /// <summary>
    /// When set, every storage account is Azure Blob Storage at this address (<c>{account}</c> is replaced).
    /// When unset, accounts in <see cref="LocalAccounts"/> are local folders and any other is reached at <see cref="DefaultEndpointTemplate"/>.
    /// </summary>
    public string? EndpointTemplate { get; init; }

    /// <summary>Accounts served by the local-folder target (when no endpoint template is set).</summary>
    public IReadOnlyList<LocalAccount> LocalAccounts { get; init; } = [new(DevelopmentAccount, DevelopmentKey)];

    /// <summary>Root folder of the local-folder target: <c>{root}/{account}/{container}/{blob}</c>.</summary>
    public required string LocalRoot { get; init; }

    /// <summary>Folder for archives being written or verified.</summary>
    public required string WorkDirectory { get; init; }

    public IReadOnlyList<IdentityGrant> IdentityGrants { get; init; } = [];

    /// <summary>
    /// When a managed identity has no <see cref="IdentityGrants"/> entry for an account, use the real Azure managed
    /// identity of the host (Azure.Identity <c>ManagedIdentityCredential</c>) instead of failing.
    /// </summary>
    public bool UseAzureManagedIdentity { get; init; }

    /// <summary>How long storage may take to answer a metadata call, or stall a transfer, before the operation fails AccountUnreachable.</summary>
    public TimeSpan StorageTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>AES-256 key for secret values in archives; null writes them in clear (the archive is then a secret itself).</summary>
    public byte[]? EncryptionKey { get; init; }

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

    /// <summary>Reads a base64 AES-256 key.</summary>
    public static byte[] ParseKey(string base64)
    {
        var key = Convert.FromBase64String(base64);
        return key.Length == 32 ? key : throw new FormatException("OPENAPIM_BACKUP_ENCRYPTION_KEY must be 32 bytes, base64-encoded.");
    }

    private static string[] Split(string text) => text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
