namespace OpenApim.Backup.Archive;

/// <summary>
/// Bounds on what an archive may make the server read, so a crafted backup (a zip bomb, a giant line) is refused
/// as <c>BackupCorrupted</c> before memory or disk grow. Every entry is also held to the size its manifest declares.
/// </summary>
internal static class ArchiveLimits
{
    /// <summary>Entries in the zip: the manifest, service.json and one part per kind leave plenty of room.</summary>
    public const int MaxEntries = 256;

    /// <summary>manifest.json and service.json, uncompressed.</summary>
    public const long MaxDocumentBytes = 1 << 20;

    /// <summary>One NDJSON line (an entity): well above the largest body the management API accepts.</summary>
    public const int MaxRowBytes = 16 << 20;

    /// <summary>One part, uncompressed.</summary>
    public const long MaxPartBytes = 8L << 30;

    /// <summary>All parts together, uncompressed, as the manifest declares them.</summary>
    public const long MaxArchiveBytes = 32L << 30;
}
