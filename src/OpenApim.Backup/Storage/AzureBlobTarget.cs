using System.Net.Sockets;
using Azure.Core;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs;
using Azure.Storage;
using Azure;
using OpenApim.Backup.Archive;

namespace OpenApim.Backup.Storage;

/// <summary>
/// A container in Azure Blob Storage (or Azurite) through <c>Azure.Storage.Blobs</c>. Uploads stream
/// the file in blocks and commit the block list last, so an interrupted upload never leaves a blob.
/// </summary>
internal sealed class AzureBlobTarget : IBlobTarget
{
    private readonly BlobContainerClient _container;
    private readonly string _account;

    private AzureBlobTarget(BlobContainerClient container, string account)
    {
        _container = container;
        _account = account;
    }

    public static AzureBlobTarget WithKey(Uri endpoint, string account, string key, string container) =>
        new(new BlobServiceClient(endpoint, Credential(account, key), Options()).GetBlobContainerClient(container), account);

    public static AzureBlobTarget WithToken(Uri endpoint, string account, TokenCredential credential, string container) =>
        new(new BlobServiceClient(endpoint, credential, Options()).GetBlobContainerClient(container), account);

    public Task CheckContainerAsync(CancellationToken ct) => Call(async () =>
    {
        await _container.GetPropertiesAsync(cancellationToken: ct);
        return 0;
    }, null);

    public Task UploadAsync(string blobName, string localFile, IReadOnlyDictionary<string, string> metadata, CancellationToken ct) => Call(async () =>
    {
        var blob = _container.GetBlobClient(blobName);
        await blob.UploadAsync(localFile, new BlobUploadOptions
        {
            Metadata = metadata.ToDictionary(),
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/zip" },
            TransferOptions = new Azure.Storage.StorageTransferOptions
            {
                InitialTransferSize = 4 * 1024 * 1024,
                MaximumTransferSize = 4 * 1024 * 1024,
                MaximumConcurrency = 4,
            },
        }, ct);
        return 0;
    }, blobName);

    public Task<BlobInfo> DownloadAsync(string blobName, string localFile, CancellationToken ct) => Call(async () =>
    {
        var blob = _container.GetBlobClient(blobName);
        var properties = await blob.GetPropertiesAsync(cancellationToken: ct);
        await using var output = new HashingStream(File.Create(localFile));
        await blob.DownloadToAsync(output, new BlobDownloadToOptions
        {
            Conditions = new BlobRequestConditions { IfMatch = properties.Value.ETag },
        }, ct);
        return new BlobInfo(output.Sha256(), properties.Value.Metadata.AsReadOnly());
    }, blobName);

    private static StorageSharedKeyCredential Credential(string account, string key)
    {
        try
        {
            return new StorageSharedKeyCredential(account, key);
        }
        catch (FormatException e)
        {
            throw new StorageException(StorageProblem.AuthenticationFailed, $"Authentication failed for storage account '{account}': the access key is not a valid storage account key.", e);
        }
    }

    private static BlobClientOptions Options()
    {
        var options = new BlobClientOptions();
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(300);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(60);
        return options;
    }

    private async Task<T> Call<T>(Func<Task<T>> action, string? blobName)
    {
        try
        {
            return await action();
        }
        catch (RequestFailedException e)
        {
            throw Translate(e, blobName);
        }
        catch (AggregateException e) when (e.InnerExceptions.All(x => x is HttpRequestException or SocketException or RequestFailedException { Status: 0 }))
        {
            throw Unreachable(e);
        }
        catch (HttpRequestException e)
        {
            throw Unreachable(e);
        }
    }

    private StorageException Translate(RequestFailedException e, string? blobName) => (e.Status, e.ErrorCode) switch
    {
        (0, _) => Unreachable(e),
        (404, "ContainerNotFound") => new StorageException(StorageProblem.ContainerNotFound,
            $"The container '{_container.Name}' does not exist in storage account '{_account}'; create it first (backup does not create containers).", e),
        (404, "BlobNotFound") => new StorageException(StorageProblem.BlobNotFound,
            $"The backup '{blobName}' does not exist in container '{_container.Name}' of storage account '{_account}'.", e),
        (404, "ResourceNotFound") => new StorageException(StorageProblem.AccountNotFound, $"The storage account '{_account}' was not found.", e),
        (403, _) or (401, _) => new StorageException(StorageProblem.AuthenticationFailed,
            $"Authentication failed for storage account '{_account}' ({e.ErrorCode ?? e.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)}): check the access key or the identity's role on the account.", e),
        (412, _) => new StorageException(StorageProblem.StorageError, $"The backup '{blobName}' changed while it was being read; try again.", e),
        _ => new StorageException(StorageProblem.StorageError, $"Storage account '{_account}' answered {e.Status} {e.ErrorCode}.", e),
    };

    private StorageException Unreachable(Exception e) => new(StorageProblem.AccountUnreachable,
        $"The storage account '{_account}' is unreachable at {_container.Uri.GetLeftPart(UriPartial.Authority)}.", e);
}
