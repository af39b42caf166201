using System.IO.Compression;
using Azure.Storage;
using Azure.Storage.Blobs;

namespace OpenApim.Tests.Infrastructure;

/// <summary>
/// The Azurite blob service scripts/test.sh starts (OPENAPIM_TEST_AZURITE) or, when that is not set, one this test
/// process starts itself; seen through the real Azure SDK.
/// </summary>
public static class Azurite
{
    public const string Account = "devstoreaccount1";
    public const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly Lazy<string> Own = new(StartOwn, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Url => Environment.GetEnvironmentVariable("OPENAPIM_TEST_AZURITE") is { Length: > 0 } url ? url : Own.Value;

    private static string StartOwn()
    {
        var azurite = AzuriteProcess.StartAsync(extentMemoryLimitMb: 2048).GetAwaiter().GetResult();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => azurite.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return azurite.Url;
    }

    /// <summary>The server flag that makes every storage account Azurite.</summary>
    public static string[] ServerArgs => ["--OPENAPIM_BLOB_ENDPOINT_TEMPLATE", Url + "/{account}"];

    public static BlobServiceClient Client => new(new Uri($"{Url}/{Account}"), new StorageSharedKeyCredential(Account, Key));

    /// <summary>Creates a container with a unique name and returns the name.</summary>
    public static async Task<string> NewContainerAsync()
    {
        var name = "c" + Guid.NewGuid().ToString("N")[..20];
        await Client.CreateBlobContainerAsync(name);
        return name;
    }

    public static async Task<byte[]> DownloadAsync(string container, string blob)
    {
        var result = await Client.GetBlobContainerClient(container).GetBlobClient(blob).DownloadContentAsync();
        return result.Value.Content.ToArray();
    }

    public static async Task UploadAsync(string container, string blob, byte[] content) =>
        await Client.GetBlobContainerClient(container).GetBlobClient(blob).UploadAsync(new BinaryData(content), overwrite: true);

    public static async Task<bool> ExistsAsync(string container, string blob) =>
        (await Client.GetBlobContainerClient(container).GetBlobClient(blob).ExistsAsync()).Value;

    /// <summary>The entries of a zip archive by name.</summary>
    public static Dictionary<string, byte[]> Unzip(byte[] archive)
    {
        using var zip = new ZipArchive(new MemoryStream(archive), ZipArchiveMode.Read);
        return zip.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var s = e.Open();
            using var m = new MemoryStream();
            s.CopyTo(m);
            return m.ToArray();
        });
    }

    public static System.Text.Json.Nodes.JsonObject StorageBody(string container, string blob, string? key = Key, string? accessType = null) => new()
    {
        ["storageAccount"] = Account,
        ["containerName"] = container,
        ["backupName"] = blob,
        ["accessKey"] = key,
        ["accessType"] = accessType,
    };
}
