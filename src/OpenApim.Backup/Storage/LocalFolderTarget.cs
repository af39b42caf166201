using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OpenApim.Backup.Archive;
using OpenApim.Resources.Hosting;

namespace OpenApim.Backup.Storage;

/// <summary>
/// The embedded default: storage accounts are folders (<c>{root}/{account}/{container}/{blob}</c>) with
/// keys from configuration, and the same error semantics as Azure: the container must exist, a wrong
/// key fails authentication. Uploads write a temporary file and rename it, so they are atomic.
/// </summary>
internal sealed class LocalFolderTarget(string root, string account, string container) : IBlobTarget
{
    private string ContainerPath => Path.Combine(root, account, container);

    /// <summary>Checks the key against the configured one in constant time.</summary>
    public static LocalFolderTarget Open(string root, LocalAccount configured, string? key, string container)
    {
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(configured.Key));
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(key ?? ""));
        if (!CryptographicOperations.FixedTimeEquals(expected, given))
        {
            throw new StorageException(StorageProblem.AuthenticationFailed, $"Authentication failed for storage account '{configured.Name}': the access key is wrong.");
        }

        return new LocalFolderTarget(root, configured.Name, container);
    }

    public Task CheckContainerAsync(CancellationToken ct) =>
        Directory.Exists(ContainerPath)
            ? Task.CompletedTask
            : throw new StorageException(StorageProblem.ContainerNotFound,
                $"The container '{container}' does not exist in storage account '{account}'; create it first (backup does not create containers).");

    public async Task UploadAsync(string blobName, string localFile, IReadOnlyDictionary<string, string> metadata, CancellationToken ct)
    {
        await CheckContainerAsync(ct);
        var target = BlobPath(blobName);
        CreateFolders(Path.GetDirectoryName(target)!);
        var temp = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.partial");
        await using (var source = File.OpenRead(localFile))
        await using (var copy = LocalFiles.CreateSecret(temp, FileMode.CreateNew))
        {
            await source.CopyToAsync(copy, ct);
        }

        await WriteMetadataAsync(target, temp, metadata, ct);
        File.Move(temp, target, overwrite: true);
    }

    public async Task<BlobInfo> DownloadAsync(string blobName, string localFile, CancellationToken ct)
    {
        await CheckContainerAsync(ct);
        var source = BlobPath(blobName);
        if (!File.Exists(source))
        {
            throw new StorageException(StorageProblem.BlobNotFound, $"The backup '{blobName}' does not exist in container '{container}' of storage account '{account}'.");
        }

        string sha256;
        await using (var input = File.OpenRead(source))
        await using (var output = new HashingStream(LocalFiles.CreateSecret(localFile)))
        {
            await input.CopyToAsync(output, ct);
            sha256 = output.Sha256();
        }

        var metadata = File.Exists(MetadataPath(source))
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(MetadataPath(source), ct)) ?? []
            : [];
        return new BlobInfo(sha256, metadata);
    }

    public async Task<IReadOnlyList<StoredBlob>> ListAsync(string prefix, CancellationToken ct)
    {
        await CheckContainerAsync(ct);
        var root = Path.GetFullPath(ContainerPath);
        var found = new List<StoredBlob>();
        // Only the folder the prefix names is walked (a stream's segments, not the whole container).
        var slash = prefix.LastIndexOf('/');
        var folder = slash > 0 ? Path.GetDirectoryName(BlobPath(prefix[..slash] + "/x"))! : root;
        if (!Directory.Exists(folder))
        {
            return found;
        }

        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            var name = Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
            if (Path.GetFileName(file).StartsWith('.') || !name.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var metadata = File.Exists(MetadataPath(file))
                ? JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(MetadataPath(file), ct)) ?? []
                : [];
            found.Add(new StoredBlob(name, new FileInfo(file).Length, metadata));
        }

        found.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return found;
    }

    public async Task<bool> CreateAsync(string blobName, ReadOnlyMemory<byte> content, IReadOnlyDictionary<string, string> metadata, CancellationToken ct)
    {
        await CheckContainerAsync(ct);
        var target = BlobPath(blobName);
        CreateFolders(Path.GetDirectoryName(target)!);
        var temp = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.partial");
        await using (var copy = LocalFiles.CreateSecret(temp, FileMode.CreateNew))
        {
            await copy.WriteAsync(content, ct);
        }

        try
        {
            // Only the writer whose rename succeeds owns the name; its metadata follows (a listing shows none until then).
            File.Move(temp, target, overwrite: false);
        }
        catch (IOException) when (File.Exists(target))
        {
            File.Delete(temp);
            return false;
        }

        await WriteMetadataAsync(target, temp, metadata, ct);
        return true;
    }

    public async Task<byte[]> ReadAsync(string blobName, long maxBytes, CancellationToken ct)
    {
        await CheckContainerAsync(ct);
        var source = BlobPath(blobName);
        if (!File.Exists(source))
        {
            throw new StorageException(StorageProblem.BlobNotFound, $"The blob '{blobName}' does not exist in container '{container}' of storage account '{account}'.");
        }

        var length = new FileInfo(source).Length;
        return length <= maxBytes
            ? await File.ReadAllBytesAsync(source, ct)
            : throw new StorageException(StorageProblem.StorageError, $"The blob '{blobName}' is larger ({length} bytes) than such a blob can be ({maxBytes}).");
    }

    public async Task<Stream> OpenReadAsync(string blobName, CancellationToken ct)
    {
        await CheckContainerAsync(ct);
        var source = BlobPath(blobName);
        return File.Exists(source)
            ? File.OpenRead(source)
            : throw new StorageException(StorageProblem.BlobNotFound, $"The blob '{blobName}' does not exist in container '{container}' of storage account '{account}'.");
    }

    public async Task DeleteAsync(string blobName, CancellationToken ct)
    {
        await CheckContainerAsync(ct);
        var path = BlobPath(blobName);
        File.Delete(path);
        File.Delete(MetadataPath(path));
    }

    public async Task<string?> LeaseAsync(string blobName, string? leaseId, TimeSpan duration, CancellationToken ct)
    {
        await CheckContainerAsync(ct);
        var path = BlobPath(blobName);
        CreateFolders(Path.GetDirectoryName(path)!);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                // The open file, shared with nobody, makes the read-compare-write one step across processes on this machine.
                await using var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                var held = file.Length == 0 ? null : await JsonSerializer.DeserializeAsync<LocalLease>(file, cancellationToken: ct);
                var now = DateTimeOffset.UtcNow;
                if (held is not null && held.Until > now && held.Id != leaseId)
                {
                    return null;
                }

                var lease = new LocalLease(leaseId ?? Guid.NewGuid().ToString(), now + duration);
                file.SetLength(0);
                await JsonSerializer.SerializeAsync(file, lease, cancellationToken: ct);
                return lease.Id;
            }
            catch (IOException) when (attempt < 50)
            {
                await Task.Delay(20, ct);
            }
        }
    }

    private sealed record LocalLease(string Id, DateTimeOffset Until);

    /// <summary>The blob's metadata file, written beside it and renamed into place.</summary>
    private static async Task WriteMetadataAsync(string target, string temp, IReadOnlyDictionary<string, string> metadata, CancellationToken ct)
    {
        await using (var meta = LocalFiles.CreateSecret(temp + ".meta", FileMode.CreateNew))
        {
            await JsonSerializer.SerializeAsync(meta, metadata, cancellationToken: ct);
        }

        File.Move(temp + ".meta", MetadataPath(target), overwrite: true);
    }

    /// <summary>The folders of a blob name ('a/b/c.zip'), owner-only like the account's folder.</summary>
    private void CreateFolders(string folder)
    {
        var root = Path.GetFullPath(ContainerPath);
        var missing = new Stack<string>();
        for (var f = Path.GetFullPath(folder); f.Length > root.Length && !Directory.Exists(f); f = Path.GetDirectoryName(f)!)
        {
            missing.Push(f);
        }

        while (missing.TryPop(out var f))
        {
            LocalFiles.CreatePrivateDirectory(f);
        }
    }

    private string BlobPath(string blobName)
    {
        var path = Path.GetFullPath(Path.Combine(ContainerPath, blobName));
        return path.StartsWith(Path.GetFullPath(ContainerPath) + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? path
            : throw new StorageException(StorageProblem.StorageError, $"The backup name '{blobName}' is not a valid blob name.");
    }

    private static string MetadataPath(string blobPath) => Path.Combine(Path.GetDirectoryName(blobPath)!, "." + Path.GetFileName(blobPath) + ".metadata.json");
}
