using System.Net;
using System.Text.Json.Nodes;
using OpenApim.Tests.Infrastructure;

namespace OpenApim.Tests.Hardening;

/// <summary>Runs alone: it measures the process's allocations, which parallel tests would blur.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Alone
{
    public const string Name = "alone";
}

/// <summary>Review findings 13 and 4 (memory): files that hold secrets are owner-only; a zip bomb does not make the server allocate.</summary>
[Collection(Alone.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FileModeAndMemoryTests
{
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerFolder = OwnerFile | UnixFileMode.UserExecute;

    [Fact]
    public async Task The_database_keys_and_local_blobs_are_owner_only()
    {
        await using var server = await OpenApimInstance.StartAsync(StoreKind.Sqlite);
        using var arm = await server.CreateArmClientAsync();
        var service = await arm.CreateServiceAsync();
        await arm.CreateAsync($"{service}/subscriptions/s1", new JsonObject { ["displayName"] = "s", ["scope"] = "/apis" });
        var body = new JsonObject
        {
            ["storageAccount"] = "devstoreaccount1", ["containerName"] = "backups", ["backupName"] = "nested/folder/modes.apimbackup", ["accessKey"] = Azurite.Key,
        };
        Assert.Equal(HttpStatusCode.OK, (await arm.RunAsync($"{service}/backup", body)).Final.Status);

        var data = server.DataDirectory;
        Assert.Equal(OwnerFolder, File.GetUnixFileMode(data));
        foreach (var file in Directory.EnumerateFiles(data, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("endpoints.json", StringComparison.Ordinal) && !f.EndsWith("-cert.pem", StringComparison.Ordinal)))
        {
            Assert.True(File.GetUnixFileMode(file) == OwnerFile, $"{file}: {File.GetUnixFileMode(file)}");
        }

        foreach (var folder in Directory.EnumerateDirectories(data, "*", SearchOption.AllDirectories))
        {
            Assert.True(File.GetUnixFileMode(folder) == OwnerFolder, $"{folder}: {File.GetUnixFileMode(folder)}");
        }

        Assert.Contains(Directory.EnumerateFiles(data, "*", SearchOption.AllDirectories), f => f.EndsWith("openapim.db-wal", StringComparison.Ordinal) || f.EndsWith("openapim.db", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(data, "storage", "devstoreaccount1", "backups", "nested", "folder", "modes.apimbackup")));
    }

    [Fact]
    public async Task A_zip_bomb_preview_does_not_make_the_server_allocate_what_it_inflates_to()
    {
        await using var server = await OpenApimInstance.StartAsync(StoreKind.Sqlite, null, Azurite.ServerArgs);
        using var arm = await server.CreateArmClientAsync();
        var source = await arm.CreateServiceAsync();
        var container = await Azurite.NewContainerAsync();
        Assert.Equal(HttpStatusCode.OK, (await arm.RunAsync($"{source}/backup", Azurite.StorageBody(container, "base.apimbackup"))).Final.Status);
        const long inflated = 1L << 30;
        var bomb = new ArchiveCraft(await Azurite.DownloadAsync(container, "base.apimbackup")).Stream("service.json", s =>
        {
            var block = new byte[1 << 20];
            for (long written = 0; written < inflated; written += block.Length)
            {
                s.Write(block);
            }
        }).Build();
        Assert.True(bomb.Length < 8 << 20, $"the bomb is {bomb.Length} bytes");
        await Azurite.UploadAsync(container, "bomb.apimbackup", bomb);
        GC.Collect();
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var preview = (await arm.RunAsync($"{source}/previewRestore", Azurite.StorageBody(container, "bomb.apimbackup"))).Final;

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Equal(HttpStatusCode.BadRequest, preview.Status);
        Assert.Equal("BackupCorrupted", preview.Json["error"]!["details"]![0]!["code"]!.GetValue<string>());
        Assert.True(allocated < inflated / 8, $"the preview allocated {allocated >> 20} MiB for a bomb of {bomb.Length >> 10} KiB that inflates to {inflated >> 20} MiB");
    }
}
