using OpenApim.Backup.Jobs;
using OpenApim.Backup.Storage;

namespace OpenApim.Backup.Catalog;

/// <summary>
/// Opens the catalog of a container named the way a backup request names it (account, key, container), resolving the
/// account exactly as this server's backups do: a configured local-folder account, or Azure Blob Storage at the
/// configured endpoint template. Verification decrypts with the server's configured backup key.
/// </summary>
public sealed class ContainerCatalogs
{
    private readonly StorageOptions _storage;
    private readonly JobOptions _jobs;
    private readonly TimeProvider _time;

    internal ContainerCatalogs(StorageOptions storage, JobOptions jobs, TimeProvider time) => (_storage, _jobs, _time) = (storage, jobs, time);

    /// <summary>
    /// The embedded development account (a local folder with Azurite's well-known, public key) when the server runs on
    /// its defaults, so a first-time user can connect without looking the key up; null when storage is configured.
    /// </summary>
    public (string Account, string Key)? DevelopmentAccount =>
        BlobTargets.LocalAccount(_storage, StorageOptions.DevelopmentAccount) is { } local && local.Key == StorageOptions.DevelopmentKey
            ? (local.Name, local.Key)
            : null;

    /// <summary>True for a name Azure Storage accepts as an account.</summary>
    public static bool IsAccountName(string? name) => Requests.StorageRequest.IsAccountName(name);

    /// <summary>True for a name Azure Storage accepts as a container.</summary>
    public static bool IsContainerName(string? name) => Requests.StorageRequest.IsContainerName(name);

    public BackupCatalog Open(string account, string key, string container)
    {
        if (!IsAccountName(account) || !IsContainerName(container))
        {
            throw new CatalogException("InvalidStorageName", "The storage account must be 3-24 lower-case letters and digits, the container 3-63 lower-case letters, digits and single hyphens.");
        }

        try
        {
            IBlobTarget target = BlobTargets.LocalAccount(_storage, account) is { } local
                ? LocalFolderTarget.Open(_storage.LocalRoot, local, key, container)
                : AzureBlobTarget.WithKey(BlobTargets.Endpoint(_storage, account), account, key, container, _storage.Timeout);
            return BackupCatalog.Over(target, _jobs.EncryptionKey, _time);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new CatalogException("InvalidAccessKey", "The storage account key is not a valid base64 key.", e);
        }
        catch (StorageException e)
        {
            throw new CatalogException(e.Problem.ToString(), e.Message, e);
        }
    }
}
