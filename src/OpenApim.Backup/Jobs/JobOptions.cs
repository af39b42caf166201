namespace OpenApim.Backup.Jobs;

/// <summary>Settings of the backup and restore jobs.</summary>
public sealed record JobOptions
{
    /// <summary>How long after creation a backup may be restored (Azure: 30 days).</summary>
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Folder for archives being written or verified.</summary>
    public required string WorkDirectory { get; init; }

    /// <summary>AES-256 key for secret values in archives; null writes them in clear (the archive is then a secret itself).</summary>
    public byte[]? EncryptionKey { get; init; }

    /// <summary>The settings archives are written with.</summary>
    internal Archive.SnapshotArchive.ArchiveSettings Archives => new(EncryptionKey, Lifetime);

    /// <summary>Reads a base64 AES-256 key.</summary>
    public static byte[] ParseKey(string base64)
    {
        var key = Convert.FromBase64String(base64);
        return key.Length == 32 ? key : throw new FormatException("OPENAPIM_BACKUP_ENCRYPTION_KEY must be 32 bytes, base64-encoded.");
    }
}
