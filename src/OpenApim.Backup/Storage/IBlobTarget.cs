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

    /// <summary>The blobs whose names start with <paramref name="prefix"/>, with their metadata, in name order.</summary>
    Task<IReadOnlyList<StoredBlob>> ListAsync(string prefix, CancellationToken ct);

    /// <summary>Creates the blob unless one of that name exists (then false): each name is written once, by one writer.</summary>
    Task<bool> CreateAsync(string blobName, ReadOnlyMemory<byte> content, IReadOnlyDictionary<string, string> metadata, CancellationToken ct);

    /// <summary>A whole small blob; fails <see cref="StorageProblem.StorageError"/> past <paramref name="maxBytes"/>.</summary>
    Task<byte[]> ReadAsync(string blobName, long maxBytes, CancellationToken ct);

    /// <summary>
    /// A seekable stream over the blob that reads the ranges asked for (a zip's directory and chosen entries, not the whole
    /// blob); failures while reading surface as <see cref="StorageException"/>.
    /// </summary>
    Task<Stream> OpenReadAsync(string blobName, CancellationToken ct);

    /// <summary>Deletes the blob when it exists.</summary>
    Task DeleteAsync(string blobName, CancellationToken ct);

    /// <summary>
    /// Takes (<paramref name="leaseId"/> null) or renews an exclusive lease on <paramref name="blobName"/> (created empty when
    /// missing) for <paramref name="duration"/> (15-60 s); the lease id, or null while another holder has it.
    /// </summary>
    Task<string?> LeaseAsync(string blobName, string? leaseId, TimeSpan duration, CancellationToken ct);
}
