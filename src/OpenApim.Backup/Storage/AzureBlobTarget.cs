using System.Net.Sockets;
using Azure;
using Azure.Core;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using OpenApim.Backup.Archive;
using OpenApim.Resources.Hosting;

namespace OpenApim.Backup.Storage;

/// <summary>
/// A container in Azure Blob Storage (or Azurite) through <c>Azure.Storage.Blobs</c>. Uploads stream
/// the file in blocks and commit the block list last, so an interrupted upload never leaves a blob.
/// Storage that stops answering fails the call with <see cref="StorageProblem.AccountUnreachable"/> after the
/// storage timeout: a metadata call must complete within it, a transfer may not stall longer than it.
/// </summary>
internal sealed class AzureBlobTarget : IBlobTarget
{
    private readonly BlobContainerClient _container;
    private readonly string _account;
    private readonly TimeSpan _timeout;

    private AzureBlobTarget(BlobContainerClient container, string account, TimeSpan timeout)
    {
        _container = container;
        _account = account;
        _timeout = timeout;
    }

    public static AzureBlobTarget WithKey(Uri endpoint, string account, string key, string container, TimeSpan timeout, HttpClient? http = null) =>
        new(new BlobServiceClient(endpoint, Credential(account, key), Options(timeout, http)).GetBlobContainerClient(container), account, timeout);

    public static AzureBlobTarget WithToken(Uri endpoint, string account, TokenCredential credential, string container, TimeSpan timeout) =>
        new(new BlobServiceClient(endpoint, credential, Options(timeout)).GetBlobContainerClient(container), account, timeout);

    public Task CheckContainerAsync(CancellationToken ct) => Call(async deadline =>
    {
        await _container.GetPropertiesAsync(cancellationToken: deadline);
        return 0;
    }, null, whole: true, ct);

    public Task UploadAsync(string blobName, string localFile, IReadOnlyDictionary<string, string> metadata, CancellationToken ct) => Call(async token =>
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
        }, token);
        return 0;
    }, blobName, whole: false, ct);

    public async Task<BlobInfo> DownloadAsync(string blobName, string localFile, CancellationToken ct)
    {
        var blob = _container.GetBlobClient(blobName);
        var properties = await Call(deadline => blob.GetPropertiesAsync(cancellationToken: deadline), blobName, whole: true, ct);
        return await Call(async token =>
        {
            await using var output = new HashingStream(LocalFiles.CreateSecret(localFile));
            await blob.DownloadToAsync(output, new BlobDownloadToOptions
            {
                Conditions = new BlobRequestConditions { IfMatch = properties.Value.ETag },
            }, token);
            return new BlobInfo(output.Sha256(), properties.Value.Metadata.AsReadOnly());
        }, blobName, whole: false, ct);
    }

    public Task<IReadOnlyList<StoredBlob>> ListAsync(string prefix, CancellationToken ct) => Call<IReadOnlyList<StoredBlob>>(async token =>
    {
        var found = new List<StoredBlob>();
        await foreach (var item in _container.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata, Prefix = prefix }, token))
        {
            found.Add(new StoredBlob(item.Name, item.Properties.ContentLength ?? 0, item.Metadata.AsReadOnly()));
        }

        return found;
    }, null, whole: false, ct);

    public Task<bool> CreateAsync(string blobName, ReadOnlyMemory<byte> content, IReadOnlyDictionary<string, string> metadata, CancellationToken ct) => Call(async token =>
    {
        try
        {
            await _container.GetBlobClient(blobName).UploadAsync(BinaryData.FromBytes(content), new BlobUploadOptions
            {
                Metadata = metadata.ToDictionary(),
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            }, token);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }, blobName, whole: true, ct);

    public Task<byte[]> ReadAsync(string blobName, long maxBytes, CancellationToken ct) => Call(async token =>
    {
        // One round trip (a replay reads hundreds of segments): at most one byte past the limit is asked for, so a blob larger
        // than such a blob can be is refused without reading it whole.
        var limit = maxBytes < long.MaxValue ? new HttpRange(0, maxBytes + 1) : default;
        Response<BlobDownloadResult> result;
        try
        {
            result = await _container.GetBlobClient(blobName).DownloadContentAsync(new BlobDownloadOptions { Range = limit }, token);
        }
        catch (RequestFailedException e) when (e.Status == 416)
        {
            return []; // an empty blob has no range to read
        }

        var content = result.Value.Content.ToArray();
        return content.LongLength <= maxBytes
            ? content
            : throw new StorageException(StorageProblem.StorageError, $"The blob '{blobName}' is larger ({result.Value.Details.ContentRange ?? $"{content.LongLength}+"} bytes) than such a blob can be ({maxBytes}).");
    }, blobName, whole: true, ct);

    public Task<Stream> OpenReadAsync(string blobName, CancellationToken ct) => Call<Stream>(async token =>
    {
        // The SDK's stream downloads a range per buffer as it is read; a blob changed meanwhile fails the read (412).
        var stream = await _container.GetBlobClient(blobName).OpenReadAsync(new BlobOpenReadOptions(allowModifications: false) { BufferSize = 4 << 20 }, token);
        return new RangedReadStream(stream, e => e switch
        {
            RequestFailedException failed => Translate(failed, blobName),
            HttpRequestException or IOException or SocketException or AggregateException => Unreachable(e),
            _ => null,
        });
    }, blobName, whole: true, ct);

    public Task DeleteAsync(string blobName, CancellationToken ct) => Call(async token =>
    {
        await _container.GetBlobClient(blobName).DeleteIfExistsAsync(cancellationToken: token);
        return 0;
    }, blobName, whole: true, ct);

    public Task<string?> LeaseAsync(string blobName, string? leaseId, TimeSpan duration, CancellationToken ct) => Call(async token =>
    {
        var blob = _container.GetBlobClient(blobName);
        if (leaseId is not null)
        {
            try
            {
                await blob.GetBlobLeaseClient(leaseId).RenewAsync(cancellationToken: token);
                return leaseId;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Lost (it expired and someone else took it, or the blob was replaced): try to take it again below.
            }
        }

        try
        {
            await blob.UploadAsync(BinaryData.Empty, new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, token);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // It exists (and may be leased): that is the normal case.
        }

        try
        {
            var id = leaseId ?? Guid.NewGuid().ToString();
            return (string?)(await blob.GetBlobLeaseClient(id).AcquireAsync(duration, cancellationToken: token)).Value.LeaseId;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return null;
        }
    }, blobName, whole: true, ct);

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

    /// <summary>The SDK's options; <paramref name="http"/> replaces its transport (the CLI's, which trusts --ca-file).</summary>
    private static BlobClientOptions Options(TimeSpan timeout, HttpClient? http = null)
    {
        var options = new BlobClientOptions();
        if (http is not null)
        {
            options.Transport = new Azure.Core.Pipeline.HttpClientTransport(http);
        }

        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(300);
        options.Retry.NetworkTimeout = timeout;
        return options;
    }

    /// <summary>
    /// Runs one storage call, translating failures. With <paramref name="whole"/> the call (retries included) must end
    /// within the storage timeout; otherwise only each network read or write is bounded (the SDK's network timeout).
    /// </summary>
    private async Task<T> Call<T>(Func<CancellationToken, Task<T>> action, string? blobName, bool whole, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (whole)
        {
            deadline.CancelAfter(_timeout);
        }

        try
        {
            return await action(deadline.Token);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            // The deadline above or the SDK's network timeout: storage stopped answering.
            throw new StorageException(StorageProblem.AccountUnreachable,
                $"The storage account '{_account}' at {_container.Uri.GetLeftPart(UriPartial.Authority)} did not answer within {_timeout.TotalSeconds:0.#} s (OPENAPIM_STORAGE_TIMEOUT).", e);
        }
        catch (RequestFailedException e)
        {
            throw Translate(e, blobName);
        }
        catch (AggregateException e) when (e.InnerExceptions.All(x => x is HttpRequestException or SocketException or IOException or OperationCanceledException or RequestFailedException { Status: 0 }))
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
