namespace OpenApim.Backup.Storage;

/// <summary>A blob in a listing: its name in the container, its size and its metadata.</summary>
internal sealed record StoredBlob(string Name, long Bytes, IReadOnlyDictionary<string, string> Metadata);
