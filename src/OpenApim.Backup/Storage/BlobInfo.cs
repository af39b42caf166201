namespace OpenApim.Backup.Storage;

/// <summary>A downloaded backup blob: the SHA-256 of its bytes (computed while downloading) and its metadata.</summary>
internal sealed record BlobInfo(string Sha256, IReadOnlyDictionary<string, string> Metadata);
