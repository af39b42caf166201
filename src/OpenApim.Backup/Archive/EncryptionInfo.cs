namespace OpenApim.Backup.Archive;

/// <summary>How secret values are protected inside the archive.</summary>
internal sealed record EncryptionInfo(string Algorithm, string KeyId);
