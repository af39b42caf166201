namespace OpenApim.Backup.Storage;

/// <summary>
/// One storage container, already authenticated: the seam between the backup engine and where
/// archives live (Azure Blob Storage or a local folder). Uploads are atomic: a blob either appears
/// complete or not at all.
/// </summary>
internal interface IBlobTarget
{
    /// <summary>Fails with <see cref="StorageProblem.ContainerNotFound"/> (or an access problem) unless the container exists.</summary>
    Task CheckContainerAsync(CancellationToken ct);

    /// <summary>Uploads a local file as the blob, replacing any previous blob atomically.</summary>
    Task UploadAsync(string blobName, string localFile, IReadOnlyDictionary<string, string> metadata, CancellationToken ct);

    /// <summary>Downloads the blob into a local file, hashing it on the way, and returns its properties.</summary>
    Task<BlobInfo> DownloadAsync(string blobName, string localFile, CancellationToken ct);
}
